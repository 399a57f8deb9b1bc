using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Notifications;

namespace Platform.Adapters.Notifications;

/// <summary>The notification outbox in Table storage, one partition per recipient; a message id is written once.</summary>
public sealed class TableNotificationOutbox(TableServiceClient tables) : INotificationOutbox
{
    private readonly TableClient _table = tables.GetTableClient("notifications");
    private int _created;

    public async Task SendAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var entity = new TableEntity(notification.Recipient.Key, notification.Id)
        {
            ["Data"] = JsonSerializer.Serialize(notification, StorageJson.Options),
            ["Category"] = notification.Category,
        };
        try
        {
            await _table.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Already in the outbox: a retried step must not send the same message twice.
        }
    }

    public async Task<(IReadOnlyList<Notification> Items, string? ContinuationToken)> ListAsync(Recipient recipient, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {recipient.Key}");
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(continuationToken, pageSize))
        {
            return (page.Values.Select(e => JsonSerializer.Deserialize<Notification>(e.GetString("Data"), StorageJson.Options)!).ToList(), page.ContinuationToken);
        }

        return ([], null);
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _created, 1);
        }
    }
}
