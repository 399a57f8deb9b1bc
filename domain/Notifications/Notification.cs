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
}

/// <summary>Hands a message to its channel (e-mail, SMS, or the log on a developer machine). Throws when delivery failed.</summary>
public interface INotificationSender
{
    Task SendAsync(Notification notification, CancellationToken cancellationToken = default);
}
