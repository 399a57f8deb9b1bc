using Platform.Domain.Organizations;
using Platform.Domain.Jobs;

namespace Platform.Domain.Masking;

/// <summary>States of a masking job (M4.4); part of the public API.</summary>
public enum MaskingJobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
}

/// <summary>Why a job was started: the catalogue sample of a submission, or a request on <c>POST /api/masking/jobs</c>.</summary>
public enum MaskingJobOrigin
{
    Submission,
    Request,
}

/// <summary>The counts of a finished job; the full report is kept beside the output.</summary>
/// <param name="SuspectedIdentifierFields">Fields without an identifier kind where values looked like identifiers.</param>
public sealed record MaskingJobSummary(
    long RowsIn,
    long ValidRows,
    long RowsOut,
    long MalformedRowCount,
    string Encoding,
    string? KeyFingerprint,
    IReadOnlyList<string> SuspectedIdentifierFields)
{
    public static MaskingJobSummary From(MaskingReport report) => new(
        report.RowsIn,
        report.ValidRows,
        report.RowsOut,
        report.MalformedRowCount,
        report.Encoding,
        report.KeyFingerprint,
        report.SuspectedIdentifiers.Select(suspect => suspect.Field).ToArray());
}

/// <param name="Code">A <see cref="MaskingFailureCodes"/> value, <c>masking.input_changed</c>, <c>masking.input_missing</c>, or <c>masking.gave_up</c> after the last retry.</param>
public sealed record MaskingJobFailure(string Code, string Reason);

/// <summary>
/// A copy in an operator's authorized data library (M4.3) to mask instead of the provider's upload: a data request's
/// provisioned table, which holds only the approved <paramref name="Fields"/> (CSV, UTF-8).
/// </summary>
public sealed record MaskingLibraryInput(string Container, string BlobPath, IReadOnlyList<string> Fields);

/// <summary>
/// One run of the masking engine over a resource's data (M4.4), executed by the <c>masking-jobs</c> worker.
/// The job knows its inputs fully, so any delivery of its queue message can run it again from the start.
/// </summary>
/// <param name="AgreementId">For provisioning: the agreement whose pseudonymisation key is used (one key per agreement).</param>
/// <param name="InputSha256">The SHA-256 of the data the job was asked to mask, as recorded at upload (or at provisioning).</param>
/// <param name="LibraryInput">When set, the job masks this library copy rather than the resource's upload.</param>
public sealed record MaskingJob(
    string Id,
    string ResourceId,
    string ProviderId,
    MaskingJobOrigin Origin,
    MaskingPurpose Purpose,
    SamplingPlan Sampling,
    long Seed,
    string? AgreementId,
    DataFormat OutputFormat,
    string InputSha256,
    MaskingJobStatus Status,
    DateTimeOffset CreatedAt,
    string RequestedBy,
    string RequestedByRole,
    string RequestedByOrganization,
    int Attempts = 0,
    long RowsProcessed = 0,
    DateTimeOffset? ProgressAt = null,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? CompletedAt = null,
    MaskingJobSummary? Summary = null,
    MaskingJobFailure? Failure = null,
    string? LastError = null,
    MaskingLibraryInput? LibraryInput = null,
    int RequeueCount = 0,
    DateTimeOffset? RequeuedAt = null) : Platform.Domain.Jobs.IQueuedJobRecord
{
    public bool IsFinished => Status is MaskingJobStatus.Succeeded or MaskingJobStatus.Failed;

    bool Platform.Domain.Jobs.IQueuedJobRecord.IsRunning => Status == MaskingJobStatus.Running;
}

/// <summary>Where job records are kept (Table storage, ETag concurrency).</summary>
public interface IMaskingJobStore : IQueuedJobStore<MaskingJob>
{
    Task<string> AddAsync(MaskingJob job, CancellationToken cancellationToken = default);
}

/// <summary>The <c>masking-jobs</c> queue: one message per job, carrying only its id.</summary>
public interface IMaskingJobQueue
{
    Task EnqueueAsync(string jobId, CancellationToken cancellationToken = default);
}

/// <summary>A job's output file and report, kept by job id; a rerun of the same job overwrites them.</summary>
public interface IMaskingArtifactStore
{
    /// <summary>A write stream for the masked output; the blob is replaced when the stream is disposed.</summary>
    Task<Stream> OpenOutputWriteAsync(MaskingJob job, CancellationToken cancellationToken = default);

    /// <summary>Removes a partly written output (a failed job leaves none behind).</summary>
    Task DeleteOutputAsync(MaskingJob job, CancellationToken cancellationToken = default);

    /// <summary>The masked output for reading, or null if there is none.</summary>
    Task<Stream?> OpenOutputReadAsync(string jobId, DataFormat format, CancellationToken cancellationToken = default);

    Task WriteReportAsync(MaskingJob job, MaskingReport report, CancellationToken cancellationToken = default);

    Task<MaskingReport?> ReadReportAsync(string jobId, CancellationToken cancellationToken = default);
}
