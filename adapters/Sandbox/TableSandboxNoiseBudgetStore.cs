using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Sandbox;

namespace Platform.Adapters.Sandbox;

/// <summary>
/// Spends of grants' ε budgets (issue 14 item 5) in Table storage: partition = grant, row = slot number, so the spends are one
/// partition read and taking a slot is an insert that fails when the row exists.
/// </summary>
public sealed class TableSandboxNoiseBudgetStore(TableServiceClient tables) : ISandboxNoiseBudgetStore
{
    public const string TableName = "sandboxnoisespends";
    private readonly TableClient _table = tables.GetTableClient(TableName);
    private int _created;

    public async Task<IReadOnlyList<SandboxNoiseSpend>> ListAsync(string grantId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var spends = new List<SandboxNoiseSpend>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {grantId}"), 1000, ["RowKey", "JobId", "Epsilon"], cancellationToken))
        {
            spends.Add(new SandboxNoiseSpend(int.Parse(entity.RowKey, CultureInfo.InvariantCulture), entity.GetString("JobId") ?? "", entity.GetDouble("Epsilon") ?? 0));
        }

        return spends.OrderBy(spend => spend.Slot).ToList();
    }

    public async Task<bool> TryReserveAsync(string grantId, SandboxNoiseSpend spend, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spend);
        await EnsureTableAsync(cancellationToken);
        var entity = new TableEntity(grantId, spend.Slot.ToString("D6", CultureInfo.InvariantCulture)) { ["JobId"] = spend.JobId, ["Epsilon"] = spend.Epsilon };
        try
        {
            await MissingTables.RunAsync(_table, () => _table.AddEntityAsync(entity, cancellationToken), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var held = await _table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, ["JobId"], cancellationToken);
            return held.HasValue && held.Value!.GetString("JobId") == spend.JobId;
        }
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
