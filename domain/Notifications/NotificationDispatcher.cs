using Platform.Domain.Time;

namespace Platform.Domain.Notifications;

/// <summary>
/// Delivers one queued outbox message through the sender and records the outcome on the message. A failure is
/// recorded and rethrown so the queue retries it; after <see cref="MaxAttempts"/> the queue moves it to its poison
/// queue and the message is marked failed. A message already delivered is not sent again.
/// </summary>
public sealed class NotificationDispatcher(INotificationOutbox outbox, INotificationSender sender, IClock clock)
{
    /// <summary>The delivery queue's attempts before a message is poisoned (host.json extensions.queues.maxDequeueCount).</summary>
    public const int MaxAttempts = 5;

    public const int MaxErrorLength = 500;

    /// <summary>Delivers the message; <paramref name="attempt"/> counts from 1. Returns the status now recorded.</summary>
    public async Task<NotificationDeliveryStatus?> DeliverAsync(NotificationDeliveryRequest request, long attempt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var recipient = Recipient.FromKey(request.Recipient)
            ?? throw new ArgumentException($"'{request.Recipient}' is not a recipient key (org:… or role:…).", nameof(request));
        var notification = await outbox.GetAsync(recipient, request.Id, cancellationToken);
        if (notification is null)
        {
            // Nothing stored under that id: nothing to deliver, and retrying would not change that.
            return null;
        }

        if (notification.Delivery?.Status == NotificationDeliveryStatus.Delivered)
        {
            return NotificationDeliveryStatus.Delivered;
        }

        var attempts = (int)Math.Clamp(attempt, 1, int.MaxValue);
        try
        {
            await sender.SendAsync(notification, cancellationToken);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            var status = attempts >= MaxAttempts ? NotificationDeliveryStatus.Failed : NotificationDeliveryStatus.Pending;
            var error = $"{failure.GetType().Name}: {failure.Message}";
            await outbox.RecordDeliveryAsync(recipient, request.Id,
                new NotificationDelivery(status, attempts, null, error.Length > MaxErrorLength ? error[..MaxErrorLength] : error, clock.UtcNow), cancellationToken);
            throw;
        }

        var now = clock.UtcNow;
        await outbox.RecordDeliveryAsync(recipient, request.Id, new NotificationDelivery(NotificationDeliveryStatus.Delivered, attempts, now, null, now), cancellationToken);
        return NotificationDeliveryStatus.Delivered;
    }
}
