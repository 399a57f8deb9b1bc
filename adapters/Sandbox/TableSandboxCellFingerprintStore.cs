using System.Globalization;
using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Sandbox;

namespace Platform.Adapters.Sandbox;

/// <summary>Per-grant cell fingerprints (issue 14 item 5): partition = grant, row = cell key and subject count (so adding is idempotent).</summary>
public sealed class TableSandboxCellFingerprintStore(TableServiceClient tables) : ISandboxCellFingerprintStore
{
    public const string TableName = "sandboxcellfingerprints";
    private readonly TableClient _table = tables.GetTableClient(TableName);
    private int _created;

    public async Task<IReadOnlyList<CellFingerprint>> ListAsync(string grantId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var cells = new List<CellFingerprint>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {grantId}"), 1000, ["Cell", "Subjects"], cancellationToken))
        {
            if (entity.GetString("Cell") is { } cell && entity.GetInt64("Subjects") is { } subjects)
            {
                cells.Add(new CellFingerprint(cell, subjects));
            }
        }

        return cells;
    }

    public async Task AddAsync(string grantId, IReadOnlyList<CellFingerprint> cells, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cells);
        await EnsureTableAsync(cancellationToken);
        // Batches of one partition are independent upserts: they go side by side.
        using var slots = new SemaphoreSlim(4);
        await Task.WhenAll(cells.Chunk(100).Select(async batch =>
        {
            var actions = batch.Select(c => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(grantId, $"{c.Key}-{c.Subjects.ToString(CultureInfo.InvariantCulture)}") { ["Cell"] = c.Key, ["Subjects"] = c.Subjects })).ToList();
            await slots.WaitAsync(cancellationToken);
            try
            {
                await MissingTables.RunAsync(_table, () => _table.SubmitTransactionAsync(actions, cancellationToken), cancellationToken);
            }
            finally
            {
                slots.Release();
            }
        }));
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
