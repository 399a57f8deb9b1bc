using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Jobs;
using Platform.Domain.Organizations;
using Platform.Domain.Resources;
using Platform.Domain.Masking;

namespace Platform.Adapters.Masking;

/// <summary>
/// Masking job records as JSON in Table storage. Beside the JSON: the status and the job's last sign of life
/// (<c>QueuedAt</c>: created, requeued or started), so the reconciler finds queued jobs whose message was lost with one server-side filter.
/// </summary>
public sealed class TableMaskingJobStore(TableServiceClient tables) : IMaskingJobStore
{
    private const string QueuedAtColumn = "QueuedAt";
    private readonly JsonTableStore<MaskingJob> _store = new(tables, "maskingjobs", "masking-job", "masking_job");

    /// <summary>Rows per page of the reconciler's query; every page is read whatever its size.</summary>
    public int QueryPageSize { get; init; } = 500;

    public Task<string> AddAsync(MaskingJob job, CancellationToken cancellationToken = default)
        => _store.AddAsync(job.Id, job, null, Columns(job), cancellationToken);

    public Task<Versioned<MaskingJob>?> GetAsync(string id, CancellationToken cancellationToken = default) => _store.GetAsync(id, cancellationToken);

    public Task<string> ReplaceAsync(MaskingJob job, string ifMatch, CancellationToken cancellationToken = default)
        => _store.ReplaceAsync(job.Id, job, ifMatch, Columns(job), cancellationToken);

    public async Task<IReadOnlyList<Versioned<MaskingJob>>> ListQueuedSentBeforeAsync(DateTimeOffset sentBeforeUtc, CancellationToken cancellationToken = default)
    {
        // A record written before the QueuedAt column existed has none: it is found by its row's Timestamp (last write)
        // and judged by the times in its JSON, like every other candidate.
        var queued = StatusOf(MaskingJobStatus.Queued);
        var cutoff = sentBeforeUtc.ToUniversalTime();
        var candidates = await _store.QueryAllVersionedAsync(
            TableClient.CreateQueryFilter($"Status eq {queued} and (QueuedAt lt {cutoff} or Timestamp lt {cutoff})"), QueryPageSize, cancellationToken);
        return candidates.Where(j => QueuedJobRule.LastActivityAt(j.Value.CreatedAt, j.Value.RequeuedAt, j.Value.StartedAt) < sentBeforeUtc).ToList();
    }

    public Task<IReadOnlyList<Versioned<MaskingJob>>> ListRunningAsync(CancellationToken cancellationToken = default)
        => _store.QueryAllVersionedAsync(TableClient.CreateQueryFilter($"Status eq {StatusOf(MaskingJobStatus.Running)}"), QueryPageSize, cancellationToken);

    private static string StatusOf(MaskingJobStatus status) => status.ToString().ToLowerInvariant();

    private static Dictionary<string, object> Columns(MaskingJob job) => new()
    {
        ["ResourceId"] = job.ResourceId,
        ["ProviderId"] = job.ProviderId,
        ["Status"] = StatusOf(job.Status),
        [QueuedAtColumn] = QueuedJobRule.LastActivityAt(job.CreatedAt, job.RequeuedAt, job.StartedAt),
    };
}
