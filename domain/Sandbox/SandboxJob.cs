using System.Text.Json.Serialization;
using Platform.Domain.Catalog;
using Platform.Domain.Errors;

namespace Platform.Domain.Sandbox;

/// <summary>Where a sandbox job is (its progress and outcome are on the status route).</summary>
[JsonConverter(typeof(WireEnumConverter<SandboxJobStatus>))]
public enum SandboxJobStatus
{
    [JsonStringEnumMemberName("queued")]
    Queued,

    [JsonStringEnumMemberName("running")]
    Running,

    [JsonStringEnumMemberName("released")]
    Released,

    [JsonStringEnumMemberName("withheld")]
    Withheld,

    [JsonStringEnumMemberName("refused")]
    Refused,

    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Stopped from outside: the grant was revoked or the operator suspended.</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,

    /// <summary>Issue 14 item 6: a full result passed the checks and is held until the grant's output checkers approve it.</summary>
    [JsonStringEnumMemberName("awaiting_release")]
    AwaitingRelease,

    /// <summary>Issue 14 item 6: an output checker refused to release the held result; it was deleted.</summary>
    [JsonStringEnumMemberName("release_refused")]
    ReleaseRefused,
}

/// <summary>A sandbox job as the platform records it; the SQL and the outcome go to the audit log too.</summary>
public sealed record SandboxJob(
    string Id,
    string GrantId,
    string OrganizationId,
    string SubmittedBy,
    SandboxMode Mode,
    string Sql,
    SandboxJobStatus Status,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? FinishedAt = null,
    string? Code = null,
    string? Detail = null,
    string? ResultHash = null,
    OutputCheckOutcome? Checks = null,
    string? AgreementId = null,
    int Attempts = 0,
    SandboxJobRun? Run = null,
    bool OutcomeAudited = false,
    string? LastError = null,
    int RequeueCount = 0,
    DateTimeOffset? RequeuedAt = null,
    string? AuditDetail = null,
    ResultFingerprint? Fingerprint = null,
    SandboxJobRelease? Release = null,
    double? NoiseEpsilon = null) : Platform.Domain.Jobs.IQueuedJobRecord
{
    public bool IsFinished => SandboxJobRules.IsTerminal(Status);

    bool Platform.Domain.Jobs.IQueuedJobRecord.IsRunning => Status == SandboxJobStatus.Running;

    DateTimeOffset Platform.Domain.Jobs.IQueuedJobRecord.CreatedAt => SubmittedAt;
}

/// <summary>
/// The human release step of a held <c>full</c> result (issue 14 item 6): the checkers (organisations) the authority named on
/// the grant when the job finished, and their decisions so far.
/// </summary>
public sealed record SandboxJobRelease(IReadOnlyList<string> Checkers, IReadOnlyList<SandboxReleaseDecision> Decisions);

/// <summary>One checker's decision through its signed link.</summary>
public sealed record SandboxReleaseDecision(string Checker, string Slot, bool Approved, string? Comment, DateTimeOffset DecidedAt);

/// <summary>What one run of a job produced besides its status: the result's shape, the tables it read and the time it took.</summary>
/// <param name="RowCount">Rows of the released result; null when nothing was released.</param>
/// <param name="Truncated">A sample result was cut at the row cap.</param>
/// <param name="Tables">The granted tables loaded for the job (the data it touched).</param>
/// <param name="LoadNotes">What the load did not do as declared (see <see cref="SandboxResult.LoadNotes"/>).</param>
public sealed record SandboxJobRun(
    long? RowCount,
    bool Truncated,
    IReadOnlyList<SandboxColumn> Columns,
    IReadOnlyList<SandboxJobTable> Tables,
    TimeSpan QueryElapsed,
    TimeSpan LoadElapsed,
    IReadOnlyList<string> LoadNotes)
{
    /// <summary>Time the release checks took outside the engine (analysis, rewrite, disclosure control).</summary>
    public TimeSpan CheckElapsed { get; init; }
}

/// <summary>
/// One granted table as a job read it: <paramref name="Source"/> is <c>library</c> (the authorized data library copy,
/// whose <paramref name="Sha256"/> is given) or <c>sample</c> (the masked sample made by masking job <paramref name="SampleJobId"/>).
/// </summary>
public sealed record SandboxJobTable(string Name, string ResourceId, string Source, string? Sha256, string? SampleJobId, IReadOnlyList<string> Fields)
{
    /// <summary>
    /// The granted fields the statement actually used (a <c>full</c> job's release analysis resolves every column use);
    /// null when unknown (sample mode, jobs recorded before): then <see cref="Fields"/> count. Product risk flags follow these (M4.5.1).
    /// </summary>
    public IReadOnlyList<string>? UsedFields { get; init; }

    /// <summary>What the job read of this table: the fields it used when known, else every loaded field.</summary>
    public IReadOnlyList<string> FieldsRead => UsedFields ?? Fields;
}

/// <summary>Submission validation and the job's state transitions.</summary>
public static class SandboxJobRules
{
    public const string InvalidJobCode = "sandbox.invalid_job";
    public const string JobStateCode = "sandbox.job_state";
    public const string CancelledCode = "sandbox.cancelled";
    public const string AwaitingReleaseCode = "sandbox.awaiting_release";
    public const string ReleaseRefusedCode = "sandbox.release_refused";

    public static bool IsTerminal(SandboxJobStatus status) => status is not (SandboxJobStatus.Queued or SandboxJobStatus.Running);

    /// <summary>
    /// What a suspension (M5.5), the end of an agreement (M3.6) or a narrowed scope (M3.3) still stops: a job queued,
    /// running, or finished but held for the output checkers (issue 14 item 6) — a held result is not released to an
    /// operator that may no longer use the grant.
    /// </summary>
    public static bool IsStoppable(SandboxJobStatus status)
        => status is SandboxJobStatus.Queued or SandboxJobStatus.Running or SandboxJobStatus.AwaitingRelease;

    /// <summary>Checks what a submitter sends; throws a 400 <see cref="DomainException"/> keyed by JSON path.</summary>
    public static SandboxMode ParseSubmission(string? mode, string? sql)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!SandboxMode.TryParse(mode, out var parsed))
        {
            errors["mode"] = [$"Expected one of: {string.Join(", ", SandboxMode.WireNames)}."];
        }

        if (string.IsNullOrWhiteSpace(sql))
        {
            errors["sql"] = ["The SQL is required."];
        }
        else if (sql.Length > StatementGate.MaxSqlLength)
        {
            errors["sql"] = [$"The SQL has at most {StatementGate.MaxSqlLength} characters."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.BadRequest, InvalidJobCode, "The sandbox job is invalid.", errors);
        }

        return parsed;
    }

    public static SandboxJob Start(SandboxJob job, DateTimeOffset now)
    {
        Require(job, SandboxJobStatus.Queued, "started");
        return job with { Status = SandboxJobStatus.Running, StartedAt = now };
    }

    /// <summary>Records the engine's outcome; a withheld result keeps its reasons but no hash (nothing was released).</summary>
    /// <param name="tables">The tables loaded for the run, recorded as the data the job touched (M5.1).</param>
    public static SandboxJob Finish(SandboxJob job, SandboxResult result, DateTimeOffset now, IReadOnlyList<SandboxJobTable>? tables = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        Require(job, SandboxJobStatus.Running, "finished");
        var status = result.Status switch
        {
            SandboxStatus.Released => SandboxJobStatus.Released,
            SandboxStatus.Withheld => SandboxJobStatus.Withheld,
            SandboxStatus.Refused => SandboxJobStatus.Refused,
            _ => SandboxJobStatus.Failed,
        };
        return job with
        {
            Status = status,
            FinishedAt = now,
            Code = result.Code,
            Detail = result.Detail,
            ResultHash = result.Released ? result.ResultHash : null,
            Checks = result.Checks,
            AuditDetail = result.AuditDetail,
            Run = new SandboxJobRun(
                result.Released ? result.Rows.Count : null,
                result.Truncated,
                result.Columns,
                UsedBy(tables ?? [], result),
                result.Elapsed,
                result.LoadElapsed,
                result.LoadNotes)
            {
                CheckElapsed = result.CheckElapsed,
            },
        };
    }

    /// <summary>Records on each loaded table the fields the statement used (when the analysis says so; a table it did not use, none).</summary>
    public static IReadOnlyList<SandboxJobTable> UsedBy(IReadOnlyList<SandboxJobTable> tables, SandboxResult result)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(result);
        return result.UsedFields is not { } used
            ? tables
            : tables.Select(t => t with { UsedFields = used.TryGetValue(t.Name, out var fields) ? fields : [] }).ToList();
    }

    /// <summary>
    /// Issue 14 item 6 (M4.4, M5.1): a released <c>full</c> result of a grant whose authority requires a human release step is
    /// held as <c>awaiting_release</c> until every named checker approves.
    /// </summary>
    public static SandboxJob AwaitRelease(SandboxJob job, IReadOnlyList<string> checkers)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(checkers);
        Require(job, SandboxJobStatus.Released, "held for release");
        return job with
        {
            Status = SandboxJobStatus.AwaitingRelease,
            Code = AwaitingReleaseCode,
            Detail = $"The result passed the checks and is held until {checkers.Count} output checker(s) named by the authority approve its release.",
            Release = new SandboxJobRelease(checkers, []),
        };
    }

    /// <summary>The slot name of the n-th checker (0-based) in a release review.</summary>
    public static string CheckerSlot(int index) => $"checker-{index + 1}";

    /// <summary>
    /// Records a checker's decision (issue 14 item 6): a refusal ends the job <c>release_refused</c>; the last approval releases
    /// it. A decision on a job no longer awaiting release, or a second one for the same slot, is a 409 <c>sandbox.job_state</c>.
    /// </summary>
    public static SandboxJob DecideRelease(SandboxJob job, string slot, bool approved, string? comment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        Require(job, SandboxJobStatus.AwaitingRelease, "decided");
        var release = job.Release ?? throw new InvalidOperationException($"Sandbox job {job.Id} awaits release but names no checkers.");
        var index = Enumerable.Range(0, release.Checkers.Count).FirstOrDefault(i => CheckerSlot(i) == slot, -1);
        if (index < 0 || release.Decisions.Any(d => d.Slot == slot))
        {
            throw new DomainException(FailureKind.Conflict, JobStateCode, $"Slot '{slot}' of sandbox job {job.Id} is unknown or has decided already.");
        }

        var decisions = release.Decisions.Append(new SandboxReleaseDecision(release.Checkers[index], slot, approved, comment, now)).ToList();
        var decided = job with { Release = release with { Decisions = decisions } };
        if (!approved)
        {
            return decided with
            {
                Status = SandboxJobStatus.ReleaseRefused,
                Code = ReleaseRefusedCode,
                Detail = $"An output checker refused to release the result{(string.IsNullOrWhiteSpace(comment) ? "." : $": {comment}")}",
                ResultHash = null,
            };
        }

        return decisions.Count(d => d.Approved) == release.Checkers.Count
            ? decided with { Status = SandboxJobStatus.Released, Code = null, Detail = null }
            : decided;
    }

    /// <summary>Stops a queued or running job; finishing is final, so a finished job stays as it is.</summary>
    public static SandboxJob Cancel(SandboxJob job, string reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!IsStoppable(job.Status))
        {
            return job;
        }

        return job with { Status = SandboxJobStatus.Cancelled, FinishedAt = now, Code = CancelledCode, Detail = reason };
    }

    private static void Require(SandboxJob job, SandboxJobStatus expected, string verb)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Status != expected)
        {
            throw new DomainException(FailureKind.Conflict, JobStateCode, $"A {job.Status.ToWire()} job cannot be {verb}.");
        }
    }
}

public static class SandboxJobStatusWire
{
    extension(SandboxJobStatus value)
    {
        public string ToWire() => WireNames<SandboxJobStatus>.ToWire(value);
    }
}
