namespace Platform.Domain.Notifications;

/// <summary>Who a message is for: every member of an organisation, or every holder of a role (e.g. the authority).</summary>
public sealed record Recipient(string Kind, string Value)
{
    public static Recipient Organization(string organizationId) => new("org", organizationId);

    public static Recipient Role(string role) => new("role", role);

    public string Key => $"{Kind}:{Value}";

    /// <summary>The recipient a <see cref="Key"/> names; null when the text is not one.</summary>
    public static Recipient? FromKey(string? key)
    {
        var colon = key?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (key is null || colon <= 0 || colon == key.Length - 1)
        {
            return null;
        }

        var kind = key[..colon];
        return kind is "org" or "role" ? new Recipient(kind, key[(colon + 1)..]) : null;
    }
}

/// <summary>Delivery states of an outbox message; wire names are lower case.</summary>
public enum NotificationDeliveryStatus
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>How delivery of a message went: attempts made, when it was delivered, the last error.</summary>
public sealed record NotificationDelivery(NotificationDeliveryStatus Status, int Attempts, DateTimeOffset? DeliveredAt, string? LastError, DateTimeOffset UpdatedAt)
{
    public static NotificationDelivery Pending(DateTimeOffset now) => new(NotificationDeliveryStatus.Pending, 0, null, null, now);
}

/// <summary>A message in the outbox (docs/api.md#signed-links). Ids are deterministic per cause, so a retried step never sends twice.</summary>
public sealed record Notification(
    string Id,
    Recipient Recipient,
    string Category,
    string Subject,
    string Body,
    string? Link,
    string? Target,
    DateTimeOffset CreatedAt,
    NotificationDelivery? Delivery = null);

/// <summary>What the delivery queue carries: which stored message to deliver.</summary>
public sealed record NotificationDeliveryRequest(string Recipient, string Id);

public interface INotificationOutbox
{
    /// <summary>
    /// Stores the message for its recipient and queues it for delivery; a message with the same id already stored is
    /// left as it is (queued again only while still undelivered, in case the first queueing was lost).
    /// </summary>
    Task SendAsync(Notification notification, CancellationToken cancellationToken = default);

    Task<(IReadOnlyList<Notification> Items, string? ContinuationToken)> ListAsync(Recipient recipient, int pageSize, string? continuationToken, CancellationToken cancellationToken = default);

    /// <summary>The recipient's messages about one target (e.g. <c>scenarios/scn-…</c>).</summary>
    async Task<(IReadOnlyList<Notification> Items, string? ContinuationToken)> ListAsync(Recipient recipient, string? target, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
    {
        var (items, token) = await ListAsync(recipient, pageSize, continuationToken, cancellationToken);
        return (target is null ? items : items.Where(n => n.Target == target).ToList(), token);
    }

    Task<Notification?> GetAsync(Recipient recipient, string id, CancellationToken cancellationToken = default)
        => Task.FromResult<Notification?>(null);

    /// <summary>Records how delivery went (status, attempts, last error) on the stored message.</summary>
    Task RecordDeliveryAsync(Recipient recipient, string id, NotificationDelivery delivery, CancellationToken cancellationToken = default)
        => Task.CompletedTask;

    /// <summary>Records one delivery attempt (written once per attempt number).</summary>
    Task RecordAttemptAsync(Recipient recipient, string id, DeliveryAttempt attempt, CancellationToken cancellationToken = default)
        => Task.CompletedTask;

    /// <summary>The attempts made for a message, oldest first.</summary>
    Task<IReadOnlyList<DeliveryAttempt>> AttemptsAsync(Recipient recipient, string id, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<DeliveryAttempt>>([]);

    /// <summary>A message by id, whoever it is for (the authority reading delivery status); null when there is none.</summary>
    Task<Notification?> FindAsync(string id, CancellationToken cancellationToken = default)
        => Task.FromResult<Notification?>(null);

    /// <summary>
    /// Claims the message for one delivery worker until <paramref name="until"/>, so two copies of its queue message
    /// (a retried step queues it again) do not send it twice at the same time. False while another worker's claim holds.
    /// </summary>
    Task<bool> TryClaimAsync(Recipient recipient, string id, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
        => Task.FromResult(true);

    /// <summary>
    /// Queues the message for delivery again after <paramref name="delay"/> (retry with backoff); false when this outbox
    /// cannot delay a delivery, so the caller leaves the retry to the queue.
    /// </summary>
    Task<bool> RetryLaterAsync(NotificationDeliveryRequest request, TimeSpan delay, CancellationToken cancellationToken = default)
        => Task.FromResult(false);
}

/// <summary>One try to deliver a message: when, how it ended (<c>delivered</c>, <c>transient</c>, <c>permanent</c>), over which channels, why.</summary>
public sealed record DeliveryAttempt(int Number, DateTimeOffset At, string Outcome, IReadOnlyList<string> Channels, string? Detail)
{
    public const string Delivered = "delivered";
    public const string Transient = "transient";
    public const string Permanent = "permanent";
}

/// <summary>Whether a failed delivery is worth retrying.</summary>
public enum DeliveryFailureKind
{
    /// <summary>The relay is busy or out of reach (4xx, a dropped connection, a timeout): retry with backoff.</summary>
    Transient,

    /// <summary>Retrying cannot help (no contact for the duty, a 5xx answer): mark the message failed and tell the authority.</summary>
    Permanent,
}

/// <summary>A channel could not deliver; <see cref="Delivered"/> names the channels that did deliver in the same attempt.</summary>
public sealed class NotificationDeliveryException(DeliveryFailureKind kind, string message, IReadOnlyList<string>? delivered = null, Exception? inner = null)
    : Exception(message, inner)
{
    public DeliveryFailureKind Kind { get; } = kind;

    public IReadOnlyList<string> Delivered { get; } = delivered ?? [];
}

/// <summary>Hands a message to its channel (e-mail, SMS, or the log on a developer machine). Throws when delivery failed.</summary>
public interface INotificationSender
{
    Task SendAsync(Notification notification, CancellationToken cancellationToken = default);
}

/// <summary>A sender with several channels (e-mail, webhook) that skips those already delivered on an earlier attempt.</summary>
public interface IChannelNotificationSender : INotificationSender
{
    /// <summary>
    /// Delivers over the channels not in <paramref name="alreadyDelivered"/> and returns the channels used. Throws
    /// <see cref="NotificationDeliveryException"/> saying whether a retry can help.
    /// </summary>
    Task<IReadOnlyList<string>> SendAsync(Notification notification, IReadOnlySet<string> alreadyDelivered, CancellationToken cancellationToken = default);
}
