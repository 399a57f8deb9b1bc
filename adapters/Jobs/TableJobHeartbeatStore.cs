using Azure;
using Azure.Data.Tables;
using Platform.Domain.Jobs;

namespace Platform.Adapters.Jobs;

/// <summary>
/// Job heartbeats in Table storage (<c>jobheartbeats</c>): partition = job kind, row = job id, one <c>BeatAt</c> column.
/// A beat replaces the row unconditionally: only the worker running the job beats for it, and a separate row never
/// touches the job record or its ETag (see <see cref="IJobHeartbeatStore"/>).
/// </summary>
public sealed class TableJobHeartbeatStore(TableServiceClient tables) : IJobHeartbeatStore
{
    public const string TableName = "jobheartbeats";
    private const string BeatAtColumn = "BeatAt";
    private readonly TableClient _table = tables.GetTableClient(TableName);
    private int _created;

    public async Task BeatAsync(string kind, string jobId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        await EnsureTableAsync(cancellationToken);
        var entity = new TableEntity(kind, jobId) { [BeatAtColumn] = at.ToUniversalTime() };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<DateTimeOffset?> LastBeatAsync(string kind, string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        await EnsureTableAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(kind, jobId, [BeatAtColumn], cancellationToken);
        return found.HasValue ? found.Value!.GetDateTimeOffset(BeatAtColumn) : null;
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
