using System.Text.Json;
using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.DataRequests;

namespace Platform.Adapters.DataRequests;

/// <summary>
/// Review timeliness (M4.7.2) in table <c>reviewtimeliness</c>: one partition per provider, one row per data request,
/// with the China year of the submission as a column so a year's records are one partition query.
/// </summary>
public sealed class TableReviewTimelinessStore(TableServiceClient tables) : IReviewTimelinessStore
{
    public const string TableName = "reviewtimeliness";
    private readonly TableClient _table = tables.GetTableClient(TableName);
    private int _created;

    public async Task UpsertAsync(ReviewTimeliness timeliness, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(timeliness);
        await EnsureTableAsync(cancellationToken);
        var entity = new TableEntity(timeliness.ProviderId, timeliness.DataRequestId)
        {
            ["Year"] = timeliness.Year,
            ["Overdue"] = timeliness.Overdue,
            ["Late"] = timeliness.Late,
            ["Data"] = JsonSerializer.Serialize(timeliness, StorageJson.Options),
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<ReviewTimeliness>> ListAsync(string providerId, int year, CancellationToken cancellationToken = default)
    {
        if (!TableKeys.IsValid(providerId))
        {
            return [];
        }

        await EnsureTableAsync(cancellationToken);
        var found = new List<ReviewTimeliness>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {providerId} and Year eq {year}"), cancellationToken: cancellationToken))
        {
            if (JsonSerializer.Deserialize<ReviewTimeliness>(entity.GetString("Data"), StorageJson.Options) is { } record)
            {
                found.Add(record);
            }
        }

        return found;
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
