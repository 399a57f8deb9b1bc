using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Sandbox;

namespace Platform.Adapters.Sandbox;

/// <summary>
/// Budget slots of grants (issue 14 item 5) in Table storage: partition = grant, row = <c>yyyyMMdd-slot</c> (China date), so a
/// day's slots are one range read and taking one is an insert that fails when the row exists.
/// </summary>
public sealed class TableSandboxBudgetStore(TableServiceClient tables) : ISandboxBudgetStore
{
    public const string TableName = "sandboxbudgetslots";
    private readonly TableClient _table = tables.GetTableClient(TableName);
    private int _created;

    public async Task<int> CountAsync(string grantId, DateOnly day, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var prefix = Day(day);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {grantId} and RowKey ge {prefix + "-"} and RowKey lt {prefix + "."}");
        var count = 0;
        await foreach (var _ in _table.QueryAsync<TableEntity>(filter, 1000, ["RowKey"], cancellationToken))
        {
            count++;
        }

        return count;
    }

    public async Task<bool> TryReserveAsync(string grantId, DateOnly day, int slot, string jobId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var entity = new TableEntity(grantId, $"{Day(day)}-{slot.ToString("D6", CultureInfo.InvariantCulture)}") { ["JobId"] = jobId };
        try
        {
            await MissingTables.RunAsync(_table, () => _table.AddEntityAsync(entity, cancellationToken), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // A redelivered submission of the same job finds its own slot.
            var held = await _table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, ["JobId"], cancellationToken);
            return held.HasValue && held.Value!.GetString("JobId") == jobId;
        }
    }

    private static string Day(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _created, 1);
        }
    }
}
