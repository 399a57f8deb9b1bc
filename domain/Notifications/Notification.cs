namespace Platform.Domain.Notifications;

/// <summary>Who a message is for: every member of an organisation, or every holder of a role (e.g. the authority).</summary>
public sealed record Recipient(string Kind, string Value)
{
    public static Recipient Organization(string organizationId) => new("org", organizationId);

    public static Recipient Role(string role) => new("role", role);

    public string Key => $"{Kind}:{Value}";
}

/// <summary>A message in the outbox (SPEC §4). Ids are deterministic per cause, so a retried step never sends twice.</summary>
public sealed record Notification(
    string Id,
    Recipient Recipient,
    string Category,
    string Subject,
    string Body,
    string? Link,
    string? Target,
    DateTimeOffset CreatedAt);

public interface INotificationOutbox
{
    /// <summary>Stores the message for its recipient; a message with the same id already stored is left as it is.</summary>
    Task SendAsync(Notification notification, CancellationToken cancellationToken = default);

    Task<(IReadOnlyList<Notification> Items, string? ContinuationToken)> ListAsync(Recipient recipient, int pageSize, string? continuationToken, CancellationToken cancellationToken = default);
}
