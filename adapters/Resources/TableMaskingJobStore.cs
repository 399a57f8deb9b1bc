using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Organizations;
using Platform.Domain.Resources;

namespace Platform.Adapters.Resources;

public sealed class TableMaskingJobStore(TableServiceClient tables) : IMaskingJobStore
{
    private readonly JsonTableStore<MaskingJob> _store = new(tables, "maskingjobs", "masking-job", "masking_job");

    public Task<string> AddAsync(MaskingJob job, CancellationToken cancellationToken = default)
        => _store.AddAsync(job.Id, job, null, Columns(job), cancellationToken);

    public Task<Versioned<MaskingJob>?> GetAsync(string id, CancellationToken cancellationToken = default) => _store.GetAsync(id, cancellationToken);

    public Task<string> ReplaceAsync(MaskingJob job, string ifMatch, CancellationToken cancellationToken = default)
        => _store.ReplaceAsync(job.Id, job, ifMatch, Columns(job), cancellationToken);

    private static Dictionary<string, object> Columns(MaskingJob job) => new()
    {
        ["ResourceId"] = job.ResourceId,
        ["ProviderId"] = job.ProviderId,
        ["Status"] = job.Status.ToString().ToLowerInvariant(),
    };
}
