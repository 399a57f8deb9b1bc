using Platform.Domain.Organizations;
using Platform.Domain.Jobs;

namespace Platform.Domain.Sandbox;

/// <summary>Where sandbox job records are kept (Table storage, ETag concurrency).</summary>
public interface ISandboxJobStore : IQueuedJobStore<SandboxJob>
{
    /// <summary>Stores a new job; 409 <c>sandbox_job.already_exists</c> when its id is taken.</summary>
    Task<string> AddAsync(SandboxJob job, CancellationToken cancellationToken = default);

    /// <summary>The jobs of an operator's staff a stop still applies to (queued, running, awaiting release; <see cref="SandboxJobRules.IsStoppable"/>).</summary>
    Task<IReadOnlyList<SandboxJob>> ListActiveByOrganizationAsync(string organizationId, CancellationToken cancellationToken = default);

    /// <summary>The jobs over the grants of an agreement a stop still applies to (queued, running, awaiting release).</summary>
    Task<IReadOnlyList<SandboxJob>> ListActiveByAgreementAsync(string agreementId, CancellationToken cancellationToken = default);

    /// <summary>
    /// What jobs of one operator's staff (or, null, of all) submitted in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>)
    /// were and how they stand, without their SQL (annual reports, M5.6).
    /// </summary>
    Task<IReadOnlyList<SandboxJobActivity>> ListSubmittedBetweenAsync(string? organizationId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default);

    /// <summary>Every released job (all pages); the fingerprint match reads their fingerprints (issue 14 item 7).</summary>
    Task<IReadOnlyList<SandboxJob>> ListReleasedAsync(CancellationToken cancellationToken = default);
}

/// <summary>A sandbox job as counted: whose, which mode, where it stands, when submitted.</summary>
public sealed record SandboxJobActivity(string Id, string OrganizationId, SandboxMode Mode, SandboxJobStatus Status, DateTimeOffset SubmittedAt)
{
    public static SandboxJobActivity Of(SandboxJob job) => new(job.Id, job.OrganizationId, job.Mode, job.Status, job.SubmittedAt);
}

/// <summary>The <c>sandbox-jobs</c> queue: one message per job, carrying only its id.</summary>
public interface ISandboxJobQueue
{
    Task EnqueueAsync(string jobId, CancellationToken cancellationToken = default);
}

/// <summary>A released result as its JSON form carries it: the columns with their engine types and the rows as text (null is SQL NULL).</summary>
public sealed record SandboxResultDocument(
    string JobId,
    IReadOnlyList<SandboxColumn> Columns,
    IReadOnlyList<IReadOnlyList<string?>> Rows,
    bool Truncated,
    string ResultHash);

/// <summary>A stored result file opened for reading, with the SHA-256 (lower-case hex) of its own bytes.</summary>
public sealed record SandboxResultFile(Stream Content, string Sha256);

/// <summary>
/// Released results, kept inside the platform by job id (M5.1): the canonical CSV whose SHA-256 is the audited
/// result hash, the same rows as JSON, and as Parquet. Only released results are ever written; a rerun overwrites its own.
/// </summary>
public interface ISandboxResultStore
{
    /// <summary>Stores the result in every form (CSV, JSON, Parquet).</summary>
    Task WriteAsync(SandboxResultDocument result, CancellationToken cancellationToken = default);

    /// <summary>The canonical CSV (UTF-8, no BOM), or null when there is none.</summary>
    Task<Stream?> OpenCsvAsync(string jobId, CancellationToken cancellationToken = default);

    Task<SandboxResultDocument?> ReadAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The result as Parquet (columns typed as the engine typed them where the values allow), with the hash of the Parquet
    /// bytes; null when there is none. The audited hash stays that of the canonical CSV.
    /// </summary>
    Task<SandboxResultFile?> OpenParquetAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Removes a result (a job cancelled while its result was being stored keeps none); a missing one is fine.</summary>
    Task DeleteAsync(string jobId, CancellationToken cancellationToken = default);
}
