using System.Globalization;
using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Sandbox;

namespace Platform.Adapters.Sandbox;

/// <summary>
/// Per-grant cell fingerprints (issue 14 item 5): partition = grant, row = cell key and subject count (so adding is idempotent).
/// A young grant's few fingerprints are read in one pass over its partition; once there are more than
/// <paramref name="scanLimit"/>, each key asked about is read as its own row-key range, so a job's cost follows its cells and
/// not the years of results before it.
/// </summary>
public sealed class TableSandboxCellFingerprintStore(TableServiceClient tables, int scanLimit = TableSandboxCellFingerprintStore.DefaultScanLimit) : ISandboxCellFingerprintStore
{
    public const string TableName = "sandboxcellfingerprints";

    /// <summary>Fingerprints read in one pass before switching to one range per key (a few pages of the table service).</summary>
    public const int DefaultScanLimit = 5_000;

    private const int ParallelRanges = 8;
    private readonly TableClient _table = tables.GetTableClient(TableName);
    private int _created;

    public async Task<IReadOnlyList<CellFingerprint>> ListAsync(string grantId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return [];
        }

        await EnsureTableAsync(cancellationToken);
        var wanted = keys.ToHashSet(StringComparer.Ordinal);
        var scanned = await ReadAsync(TableClient.CreateQueryFilter($"PartitionKey eq {grantId}"), scanLimit, cancellationToken);
        if (scanned is not null)
        {
            return scanned.Where(cell => wanted.Contains(cell.Key)).ToList();
        }

        // Row keys are "{key}-{subjects}": the rows of one key are those from "{key}-" up to "{key}." ('.' follows '-').
        using var slots = new SemaphoreSlim(ParallelRanges);
        var ranges = await Task.WhenAll(wanted.Select(async key =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                var filter = TableClient.CreateQueryFilter($"PartitionKey eq {grantId} and RowKey ge {key + "-"} and RowKey lt {key + "."}");
                return await ReadAsync(filter, int.MaxValue, cancellationToken) ?? [];
            }
            finally
            {
                slots.Release();
            }
        }));
        return ranges.SelectMany(range => range).Where(cell => wanted.Contains(cell.Key)).ToList();
    }

    /// <summary>The fingerprints the filter selects, or null when there are more than <paramref name="limit"/>.</summary>
    private async Task<List<CellFingerprint>?> ReadAsync(string filter, int limit, CancellationToken cancellationToken)
    {
        var cells = new List<CellFingerprint>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, 1000, ["Cell", "Subjects"], cancellationToken))
        {
            if (cells.Count >= limit)
            {
                return null;
            }

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
