using Platform.Domain.Agreements;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Resources;
using Platform.Domain.Organizations;
using Platform.Domain.Personnel;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Masking;

/// <summary>What a caller asks for on <c>POST /api/masking/jobs</c>; every member is checked here.</summary>
/// <param name="SampleRows">A sample of this many rows (reservoir sampling).</param>
/// <param name="SampleFraction">Each row with this probability; at most one of the two.</param>
/// <param name="Seed">Makes the sampling reproducible; a random one is chosen and recorded when absent.</param>
public sealed record NewMaskingJob(
    string? ResourceId,
    MaskingPurpose? Purpose,
    int? SampleRows,
    double? SampleFraction,
    long? Seed,
    string? AgreementId,
    DataFormat? OutputFormat);

public static class MaskingJobRules
{
    public const string InvalidCode = "masking.invalid";

    /// <summary>
    /// The rows a job outputs: a sample job always samples (the configured row count unless told otherwise);
    /// a provisioning job takes every row unless told otherwise.
    /// </summary>
    public static SamplingPlan Sampling(MaskingPurpose purpose, int? rows, double? fraction, int defaultSampleRows)
    {
        if (rows is not null && fraction is not null)
        {
            throw Invalid("sampling", "Give sampling.rows or sampling.fraction, not both.");
        }

        if (rows is { } count)
        {
            return count is >= 1 and <= SamplingPlan.MaxRowCount
                ? SamplingPlan.Rows(count)
                : throw Invalid("sampling.rows", $"sampling.rows is a whole number from 1 to {SamplingPlan.MaxRowCount}.");
        }

        if (fraction is { } probability)
        {
            return probability is > 0 and <= 1
                ? SamplingPlan.OfFraction(probability)
                : throw Invalid("sampling.fraction", "sampling.fraction is greater than 0 and at most 1.");
        }

        return purpose == MaskingPurpose.Sample ? SamplingPlan.Rows(defaultSampleRows) : SamplingPlan.None;
    }

    /// <summary>
    /// Who sees a job: the authority, the provider whose data it masks, and the organisation that asked for it
    /// (processing staff see their own organisation's jobs). Others are told it does not exist.
    /// </summary>
    public static bool MayRead(Caller caller, MaskingJob job) => caller.Role switch
    {
        Roles.Authority => true,
        Roles.Provider => caller.Organization == job.ProviderId,
        Roles.Personnel => caller.Organization == job.RequestedByOrganization,
        _ => false,
    };

    public static DomainException NotFound(string id) => new(FailureKind.NotFound, "masking.job_not_found", $"Masking job '{id}' does not exist.");

    public static DomainException Invalid(string field, string message)
        => new(FailureKind.Unprocessable, InvalidCode, message, new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>Starts masking jobs and shows them (M4.4); the <c>masking-jobs</c> worker runs them.</summary>
public sealed class MaskingJobService(
    IMaskingJobStore store,
    IMaskingJobQueue queue,
    MaskingJobAccess access,
    PersonnelService personnel,
    IMaskingArtifactStore artifacts,
    IAuditTrail audit,
    IClock clock,
    ResourceOptions options)
{
    public async Task<Versioned<MaskingJob>> CreateAsync(string id, NewMaskingJob request, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (caller.Role == Roles.Personnel)
        {
            // M4.4: only identity-verified, filed staff under a confidentiality agreement process data.
            await personnel.EnsureClearedAsync(caller, cancellationToken);
        }

        if (request.Purpose is not { } purpose)
        {
            throw MaskingJobRules.Invalid("purpose", "purpose is required: sample or provisioning.");
        }

        var sampling = MaskingJobRules.Sampling(purpose, request.SampleRows, request.SampleFraction, options.SampleRows);
        if (string.IsNullOrWhiteSpace(request.ResourceId))
        {
            throw MaskingJobRules.Invalid("resourceId", "resourceId is required.");
        }

        var resource = await access.MaskableResourceAsync(request.ResourceId.Trim(), caller, cancellationToken);

        if (resource.Value.Data is not { } data)
        {
            throw new DomainException(FailureKind.Conflict, "resource.no_data", "The resource has no uploaded data to mask.");
        }

        var agreementId = await access.CheckAgreementAsync(purpose, request.AgreementId, caller, cancellationToken);
        var job = new MaskingJob(
            id,
            resource.Value.Id,
            resource.Value.ProviderId,
            MaskingJobOrigin.Request,
            purpose,
            sampling,
            request.Seed ?? Random.Shared.NextInt64(),
            agreementId,
            request.OutputFormat ?? data.Format,
            data.Sha256,
            MaskingJobStatus.Queued,
            clock.UtcNow,
            caller.Subject,
            caller.Role,
            caller.Organization);
        var etag = await RecordAsync(job, caller, cancellationToken);
        await queue.EnqueueAsync(job.Id, cancellationToken);
        return new Versioned<MaskingJob>(job, etag);
    }

    public async Task<Versioned<MaskingJob>> GetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        if (found is null || !MaskingJobRules.MayRead(caller, found.Value))
        {
            throw MaskingJobRules.NotFound(id);
        }

        return found;
    }

    /// <summary>The report of a succeeded job; null before.</summary>
    public Task<MaskingReport?> GetReportAsync(MaskingJob job, CancellationToken cancellationToken = default)
        => job.Status == MaskingJobStatus.Succeeded ? artifacts.ReadReportAsync(job.Id, cancellationToken) : Task.FromResult<MaskingReport?>(null);

    /// <summary>Stores a new job (queued) and audits it; the caller enqueues it once everything else is recorded.</summary>
    public async Task<string> RecordAsync(MaskingJob job, Caller caller, CancellationToken cancellationToken = default)
    {
        var etag = await store.AddAsync(job, cancellationToken);
        await audit.RecordAsync(caller, "masking_job.created", Target(job.Id),
            new { job.ResourceId, job.Purpose, job.Sampling, job.Seed, job.AgreementId, job.Origin }, cancellationToken);
        return etag;
    }

    public Task EnqueueAsync(MaskingJob job, CancellationToken cancellationToken = default) => queue.EnqueueAsync(job.Id, cancellationToken);

    public static string Target(string jobId) => $"masking/jobs/{jobId}";
}
