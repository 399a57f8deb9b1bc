using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Platform.Adapters.Storage;
using Platform.Domain.Notifications;

namespace Platform.Adapters.Notifications;

/// <summary>
/// The notification outbox (docs/api.md#signed-links): every message is stored in table <c>notifications</c> (one partition per
/// recipient; a message id is written once) and then queued on <c>notifications</c> for the delivery worker. The
/// table row is written first, so a message is never delivered without being on record; if queueing fails the step is
/// retried, and the retry queues the still-pending message again.
/// </summary>
public sealed class TableNotificationOutbox(TableServiceClient tables, QueueServiceClient queues, NotificationDeliveryOptions? options = null) : INotificationOutbox
{
    /// <summary>The default delivery queue; <c>Notifications:DeliveryQueue</c> names another (a test host of its own).</summary>
    public const string QueueName = "notifications";

    /// <summary>The queue binding of the delivery worker: the setting, resolved by both hosts.</summary>
    public const string QueueSetting = "%Notifications:DeliveryQueue%";

    private readonly TableClient _table = tables.GetTableClient("notifications");
    private readonly TableClient _attempts = tables.GetTableClient("notificationattempts");
    private readonly QueueClient _queue = queues.GetQueueClient(options?.DeliveryQueue is { Length: > 0 } name ? name : QueueName);
    private int _tableCreated;
    private int _attemptsCreated;
    private int _queueCreated;

    public async Task SendAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var stored = notification with { Delivery = notification.Delivery ?? NotificationDelivery.Pending(notification.CreatedAt) };
        try
        {
            await _table.AddEntityAsync(ToEntity(stored), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Already in the outbox: a retried step must not store the same message twice. Queue it again only while it
            // is undelivered, in case the first try stopped between the table and the queue (delivery skips duplicates).
            var existing = await GetAsync(notification.Recipient, notification.Id, cancellationToken);
            if (existing?.Delivery?.Status != NotificationDeliveryStatus.Pending)
            {
                return;
            }
        }

        await EnqueueAsync(new NotificationDeliveryRequest(notification.Recipient.Key, notification.Id), cancellationToken);
    }

    public Task<(IReadOnlyList<Notification> Items, string? ContinuationToken)> ListAsync(Recipient recipient, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => ListAsync(recipient, null, pageSize, continuationToken, cancellationToken);

    public async Task<(IReadOnlyList<Notification> Items, string? ContinuationToken)> ListAsync(Recipient recipient, string? target, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var filter = target is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {recipient.Key}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {recipient.Key} and Target eq {target}");
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(continuationToken, pageSize))
        {
            return (page.Values.Select(FromEntity).ToList(), page.ContinuationToken);
        }

        return ([], null);
    }

    public async Task<Notification?> GetAsync(Recipient recipient, string id, CancellationToken cancellationToken = default)
    {
        if (!TableKeys.IsValid(recipient.Key) || !TableKeys.IsValid(id))
        {
            return null;
        }

        await EnsureTableAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(recipient.Key, id, cancellationToken: cancellationToken);
        return found.HasValue && found.Value is not null ? FromEntity(found.Value) : null;
    }

    public async Task RecordDeliveryAsync(Recipient recipient, string id, NotificationDelivery delivery, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var found = await _table.GetEntityIfExistsAsync<TableEntity>(recipient.Key, id, cancellationToken: cancellationToken);
            if (!found.HasValue || found.Value is null)
            {
                return;
            }

            var current = FromEntity(found.Value);
            try
            {
                await _table.UpdateEntityAsync(ToEntity(current with { Delivery = delivery }), found.Value.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < 5)
            {
                // Another delivery attempt wrote meanwhile; write this outcome on top.
            }
        }
    }

    public async Task RecordAttemptAsync(Recipient recipient, string id, DeliveryAttempt attempt, CancellationToken cancellationToken = default)
    {
        await EnsureAttemptsAsync(cancellationToken);
        var entity = new TableEntity(AttemptPartition(recipient, id), attempt.Number.ToString("D5", System.Globalization.CultureInfo.InvariantCulture))
        {
            ["Data"] = JsonSerializer.Serialize(attempt, StorageJson.Options),
        };

        // One row per attempt number: a repeated attempt (a crash before the status was written) overwrites its own row.
        await _attempts.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<DeliveryAttempt>> AttemptsAsync(Recipient recipient, string id, CancellationToken cancellationToken = default)
    {
        if (!TableKeys.IsValid(AttemptPartition(recipient, id)))
        {
            return [];
        }

        await EnsureAttemptsAsync(cancellationToken);
        var attempts = new List<DeliveryAttempt>();
        await foreach (var entity in _attempts.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {AttemptPartition(recipient, id)}"), cancellationToken: cancellationToken))
        {
            attempts.Add(JsonSerializer.Deserialize<DeliveryAttempt>(entity.GetString("Data"), StorageJson.Options)!);
        }

        return attempts.OrderBy(a => a.Number).ToList();
    }

    public async Task<Notification?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!TableKeys.IsValid(id))
        {
            return null;
        }

        await EnsureTableAsync(cancellationToken);
        await foreach (var entity in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {id}"), maxPerPage: 1, cancellationToken: cancellationToken))
        {
            return FromEntity(entity);
        }

        return null;
    }

    public async Task<bool> TryClaimAsync(Recipient recipient, string id, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(recipient.Key, id, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is not { } entity)
        {
            return true;
        }

        if (entity.GetDateTimeOffset("ClaimedUntil") is { } claimed && claimed > now)
        {
            return false;
        }

        entity["ClaimedUntil"] = until;
        try
        {
            // ETag-conditional: of two workers reading the same row, only one writes its claim.
            await _table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    public async Task<bool> RetryLaterAsync(NotificationDeliveryRequest request, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        // A queue message can stay invisible for at most 7 days.
        var visibility = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > TimeSpan.FromDays(7) ? TimeSpan.FromDays(7) : delay;
        await EnqueueAsync(request, cancellationToken, visibility);
        return true;
    }

    private static string AttemptPartition(Recipient recipient, string id) => $"{recipient.Key}|{id}";

    private async Task EnqueueAsync(NotificationDeliveryRequest request, CancellationToken cancellationToken, TimeSpan? visibility = null)
    {
        if (Volatile.Read(ref _queueCreated) == 0)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            Volatile.Write(ref _queueCreated, 1);
        }

        await _queue.SendMessageAsync(JsonSerializer.Serialize(request, StorageJson.Options), visibility, cancellationToken: cancellationToken);
    }

    private async Task EnsureAttemptsAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _attemptsCreated) == 0)
        {
            await _attempts.CreateIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _attemptsCreated, 1);
        }
    }

    private static TableEntity ToEntity(Notification notification) => new(notification.Recipient.Key, notification.Id)
    {
        ["Data"] = JsonSerializer.Serialize(notification, StorageJson.Options),
        ["Category"] = notification.Category,
        ["Target"] = notification.Target ?? "",
        ["DeliveryStatus"] = (notification.Delivery?.Status ?? NotificationDeliveryStatus.Pending).ToString().ToLowerInvariant(),
    };

    private static Notification FromEntity(TableEntity entity)
        => JsonSerializer.Deserialize<Notification>(entity.GetString("Data"), StorageJson.Options)
           ?? throw new InvalidOperationException($"Row {entity.RowKey} holds no notification.");

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _tableCreated) == 0)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _tableCreated, 1);
        }
    }
}
