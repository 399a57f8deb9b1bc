using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Notifications;

/// <summary>
/// Delivers one queued outbox message through the sender and records each attempt and the outcome on the message
/// (at least once: a crash between sending and recording sends again, with the same Message-ID).
/// <list type="bullet">
/// <item>A transient failure (<see cref="DeliveryFailureKind.Transient"/>) is retried with exponential backoff: the
/// message is queued again with a visibility delay (<see cref="NotificationDeliveryOptions.BackoffAfter"/>). The queue's
/// own retry would come back at once (host.json visibilityTimeout 0, five dequeues), which a relay that is down for a
/// few minutes would exhaust in seconds.</item>
/// <item>A permanent failure (no contact for the duty, a 5xx answer), or the last allowed attempt, marks the message
/// <c>failed</c> and tells the authority in its inbox.</item>
/// <item>Any other exception is recorded and rethrown, so the queue retries it and after <see cref="MaxAttempts"/>
/// dequeues moves it to its poison queue; the message is then marked failed.</item>
/// </list>
/// A message already delivered or failed is not sent again.
/// </summary>
public sealed class NotificationDispatcher(INotificationOutbox outbox, INotificationSender sender, IClock clock, NotificationDeliveryOptions? options = null)
{
    /// <summary>The delivery queue's attempts before a message is poisoned (host.json extensions.queues.maxDequeueCount).</summary>
    public const int MaxAttempts = 5;

    public const int MaxErrorLength = 500;

    /// <summary>How long one worker holds a message it is delivering (longer than an SMTP exchange and a webhook POST).</summary>
    public static readonly TimeSpan ClaimDuration = TimeSpan.FromMinutes(2);

    private readonly NotificationDeliveryOptions _options = options ?? new NotificationDeliveryOptions { MaxAttempts = MaxAttempts };

    /// <summary>Delivers the message; <paramref name="attempt"/> counts from 1 (the queue's dequeue count). Returns the status now recorded.</summary>
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

        if (notification.Delivery?.Status is NotificationDeliveryStatus.Delivered or NotificationDeliveryStatus.Failed)
        {
            return notification.Delivery.Status;
        }

        // Another worker holding the message (a second copy of its queue message): come back when its claim has run out,
        // by which time the message is delivered, failed or free again.
        var now = clock.UtcNow;
        if (!await outbox.TryClaimAsync(recipient, request.Id, now, now + ClaimDuration, cancellationToken))
        {
            if (!await outbox.RetryLaterAsync(request, ClaimDuration, cancellationToken))
            {
                throw new InvalidOperationException($"Notification {request.Id} is being delivered by another worker.");
            }

            return NotificationDeliveryStatus.Pending;
        }

        // Read again under the claim: a worker that finished just before it may have delivered or failed the message.
        notification = await outbox.GetAsync(recipient, request.Id, cancellationToken) ?? notification;
        if (notification.Delivery?.Status is NotificationDeliveryStatus.Delivered or NotificationDeliveryStatus.Failed)
        {
            return notification.Delivery.Status;
        }

        // A message queued again for a retry starts a new dequeue count, so the attempts on record count too.
        var attempts = Math.Max((int)Math.Clamp(attempt, 1, int.MaxValue), (notification.Delivery?.Attempts ?? 0) + 1);
        var history = await outbox.AttemptsAsync(recipient, request.Id, cancellationToken);
        var alreadyDelivered = history.Where(a => a.Outcome == DeliveryAttempt.Delivered || a.Channels.Count > 0)
            .SelectMany(a => a.Channels).ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<string> channels;
        try
        {
            if (sender is IChannelNotificationSender channelSender)
            {
                channels = await channelSender.SendAsync(notification, alreadyDelivered, cancellationToken);
            }
            else
            {
                await sender.SendAsync(notification, cancellationToken);
                channels = ["default"];
            }
        }
        catch (NotificationDeliveryException failure)
        {
            var permanent = failure.Kind == DeliveryFailureKind.Permanent || attempts >= _options.MaxAttempts;
            var error = Shorten(failure.Message);
            await outbox.RecordAttemptAsync(recipient, request.Id,
                new DeliveryAttempt(attempts, clock.UtcNow, failure.Kind == DeliveryFailureKind.Permanent ? DeliveryAttempt.Permanent : DeliveryAttempt.Transient, failure.Delivered, error), cancellationToken);
            if (permanent)
            {
                await MarkFailedAsync(notification, attempts, error, cancellationToken);
                return NotificationDeliveryStatus.Failed;
            }

            await outbox.RecordDeliveryAsync(recipient, request.Id, new NotificationDelivery(NotificationDeliveryStatus.Pending, attempts, null, error, clock.UtcNow), cancellationToken);
            if (!await outbox.RetryLaterAsync(request, _options.BackoffAfter(attempts), cancellationToken))
            {
                throw;
            }

            return NotificationDeliveryStatus.Pending;
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            var error = Shorten($"{failure.GetType().Name}: {failure.Message}");
            await outbox.RecordAttemptAsync(recipient, request.Id, new DeliveryAttempt(attempts, clock.UtcNow, DeliveryAttempt.Transient, [], error), cancellationToken);
            if (attempts >= MaxAttempts)
            {
                await MarkFailedAsync(notification, attempts, error, cancellationToken);
            }
            else
            {
                await outbox.RecordDeliveryAsync(recipient, request.Id, new NotificationDelivery(NotificationDeliveryStatus.Pending, attempts, null, error, clock.UtcNow), cancellationToken);
            }

            throw;
        }

        now = clock.UtcNow;
        await outbox.RecordAttemptAsync(recipient, request.Id, new DeliveryAttempt(attempts, now, DeliveryAttempt.Delivered, channels, null), cancellationToken);
        await outbox.RecordDeliveryAsync(recipient, request.Id, new NotificationDelivery(NotificationDeliveryStatus.Delivered, attempts, now, null, now), cancellationToken);
        return NotificationDeliveryStatus.Delivered;
    }

    /// <summary>
    /// Marks the message failed and tells the authority's inbox once (its id is derived from the message's). A failed
    /// notice about a failure is not reported again, so a missing authority contact cannot start a loop.
    /// </summary>
    private async Task MarkFailedAsync(Notification notification, int attempts, string error, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        await outbox.RecordDeliveryAsync(notification.Recipient, notification.Id, new NotificationDelivery(NotificationDeliveryStatus.Failed, attempts, null, error, now), cancellationToken);
        if (notification.Category == NotificationDuties.DeliveryFailedCategory)
        {
            return;
        }

        await outbox.SendAsync(DeliveryFailedNotice(notification, attempts, error, now), cancellationToken);
    }

    public static Notification DeliveryFailedNotice(Notification failed, int attempts, string error, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(failed);
        var who = failed.Recipient.Kind == "org" ? $"单位 {failed.Recipient.Value}" : $"角色 {failed.Recipient.Value}";
        return new Notification(
            $"{failed.Id}-delivery-failed", Recipient.Role(Roles.Authority), NotificationDuties.DeliveryFailedCategory,
            $"通知投递失败：{failed.Subject}",
            $"发给{who}的通知「{failed.Subject}」（编号 {failed.Id}，类别 {failed.Category}）经 {attempts} 次尝试仍未送达，已标记为失败。原因：{error}。请核实该单位负责“{NotificationDuties.DutyOf(failed)}”职责的联系人或通道配置，必要时通过其他途径告知。",
            null, failed.Target, now);
    }

    private static string Shorten(string error) => error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
}
