using Platform.Domain.Agreements;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Organizations;
using Platform.Domain.Oversight;
using Platform.Domain.Personnel;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Sandbox;

/// <summary>What a staff member sends on <c>POST /api/sandbox/jobs</c>; every member is checked by the service.</summary>
public sealed record NewSandboxJob(string? GrantId, string? Mode, string? Sql);

/// <summary>Codes of the sandbox job routes and worker, beside the engine's <see cref="SandboxCodes"/>.</summary>
public static class SandboxJobCodes
{
    public const string NotFound = "sandbox.job_not_found";

    /// <summary>The result route of a job whose result was not released (withheld, refused, failed, cancelled, not finished).</summary>
    public const string ResultWithheld = "sandbox.result_withheld";

    /// <summary>A released result whose stored copy cannot be read (a platform fault, not the caller's).</summary>
    public const string ResultUnavailable = "sandbox.result_unavailable";

    /// <summary>A <c>sample</c> job over a table whose masked sample has not been made (yet).</summary>
    public const string SampleNotReady = "sandbox.sample_not_ready";

    /// <summary>The worker gave up after the queue's last attempt.</summary>
    public const string GaveUp = "sandbox.gave_up";
}

/// <summary>Who may see a sandbox job (object-level authorisation, docs/api.md).</summary>
public static class SandboxJobAccess
{
    /// <summary>
    /// The staff member who submitted it, the operator that employs them, and the authority. Other staff of the same
    /// operator do not see each other's SQL; everyone else is told the job does not exist.
    /// </summary>
    public static bool MayRead(Caller caller, SandboxJob job) => caller.Role switch
    {
        Roles.Authority => true,
        Roles.Operator => caller.Organization == job.OrganizationId,
        Roles.Personnel => caller.Organization == job.OrganizationId && caller.Subject == job.SubmittedBy,
        _ => false,
    };

    /// <summary>The staff member a job runs for, as the checks at submission saw them.</summary>
    public static Caller SubmitterOf(SandboxJob job) => new(job.SubmittedBy, Roles.Personnel, job.OrganizationId);
}

/// <summary>
/// Sandbox jobs (M4.4 "data usable but not visible", M5.1): cleared staff submit SQL over one grant of their
/// organisation, the <c>sandbox-jobs</c> worker runs it, and only a released result can be fetched. Suspension of the
/// operator (M5.5) or the end of the agreement stops its queued and running jobs.
/// </summary>
public sealed class SandboxJobService(
    ISandboxJobStore store,
    ISandboxJobQueue queue,
    ISandboxResultStore results,
    GrantService grants,
    PersonnelService personnel,
    SandboxFullJobBudgets budgets,
    IAuditTrail audit,
    IClock clock)
{
    public static string TargetOf(string jobId) => $"sandbox/jobs/{jobId}";

    /// <summary>
    /// Checks the submitter and the grant, records the job as queued, audits it with its SQL and queues it. Refusals:
    /// 403 <c>personnel.not_cleared</c> (M4.4), 400 <c>sandbox.invalid_job</c>, and the grant's own refusals
    /// (404 <c>grant.not_found</c>, 403 <c>operator.suspended</c>, 409 <c>grant.revoked</c>, 410 <c>grant.expired</c>).
    /// </summary>
    public async Task<Versioned<SandboxJob>> SubmitAsync(string id, NewSandboxJob request, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);

        // M4.4: only identity-verified, filed staff under a confidentiality agreement process data.
        await personnel.EnsureClearedAsync(caller, cancellationToken);
        var mode = ParseSubmission(request);
        var grant = await grants.EnsureUsableAsync(request.GrantId!.Trim(), caller, cancellationToken);
        // Issue 14 item 5 (M5.1): a slot of the grant's daily query budget and, where the authority set noise, the job's ε are
        // spent before the job exists.
        var epsilon = mode == SandboxMode.Full ? await budgets.ReserveAsync(grant.Id, id, cancellationToken) : null;
        var job = new SandboxJob(id, grant.Id, caller.Organization, caller.Subject, mode, request.Sql!, SandboxJobStatus.Queued, clock.UtcNow,
            AgreementId: grant.AgreementId, NoiseEpsilon: epsilon);
        var etag = await store.AddAsync(job, cancellationToken);
        // M5.3: every job and its SQL go to the audit log; the outcome follows when it finishes.
        await audit.RecordAsync(caller, "sandbox.job_submitted", TargetOf(id),
            new { grantId = grant.Id, grant.AgreementId, mode = mode.ToWire(), sql = job.Sql, tables = grant.Tables.Select(t => t.Name), noiseEpsilon = epsilon }, cancellationToken);
        await queue.EnqueueAsync(id, cancellationToken);
        return new Versioned<SandboxJob>(job, etag);
    }

    public async Task<Versioned<SandboxJob>> GetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        if (found is null || !SandboxJobAccess.MayRead(caller, found.Value))
        {
            throw NotFound(id);
        }

        return found;
    }

    /// <summary>
    /// The job if its result may be fetched; otherwise 409 <c>sandbox.result_withheld</c> saying why (the failing output
    /// rules of a withheld job, or the job's state), and 404 for callers who may not see the job.
    /// </summary>
    public async Task<SandboxJob> GetReleasedAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var job = (await GetAsync(id, caller, cancellationToken)).Value;
        if (job.Status == SandboxJobStatus.Released)
        {
            return job;
        }

        throw ResultWithheld(job);
    }

    /// <summary>The canonical CSV of a released job (see <see cref="GetReleasedAsync"/>).</summary>
    public async Task<(SandboxJob Job, Stream Csv)> OpenResultCsvAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var job = await GetReleasedAsync(id, caller, cancellationToken);
        var csv = await results.OpenCsvAsync(job.Id, cancellationToken) ?? throw ResultUnavailable(job.Id);
        return (job, csv);
    }

    /// <summary>The Parquet form of a released job's result (see <see cref="GetReleasedAsync"/>).</summary>
    public async Task<(SandboxJob Job, SandboxResultFile Parquet)> OpenResultParquetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var job = await GetReleasedAsync(id, caller, cancellationToken);
        var parquet = await results.OpenParquetAsync(job.Id, cancellationToken) ?? throw ResultUnavailable(job.Id);
        return (job, parquet);
    }

    /// <summary>The rows of a released job (see <see cref="GetReleasedAsync"/>).</summary>
    public async Task<(SandboxJob Job, SandboxResultDocument Result)> ReadResultAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var job = await GetReleasedAsync(id, caller, cancellationToken);
        var document = await results.ReadAsync(job.Id, cancellationToken) ?? throw ResultUnavailable(job.Id);
        return (job, document);
    }

    public static DomainException NotFound(string id) => new(FailureKind.NotFound, SandboxJobCodes.NotFound, $"Sandbox job '{id}' does not exist.");

    /// <summary>The 409 of the result route for a job that released nothing, with the reasons keyed by output rule (or <c>status</c>).</summary>
    public static DomainException ResultWithheld(SandboxJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var failure in job.Checks?.Failures ?? [])
        {
            errors[failure.Rule] = failure.Reasons.Count > 0 ? [.. failure.Reasons] : [$"The output rule '{failure.Rule}' failed."];
        }

        var status = job.Status.ToWire();
        var detail = job.Status switch
        {
            SandboxJobStatus.Withheld => $"The result of sandbox job '{job.Id}' is withheld inside the platform: it failed the output checks ({string.Join(", ", errors.Keys)}).",
            SandboxJobStatus.Queued or SandboxJobStatus.Running => $"Sandbox job '{job.Id}' is {status}; its result can be fetched once it is released.",
            _ => $"Sandbox job '{job.Id}' is {status} and released no result{(job.Detail is null ? "." : $": {job.Detail}")}",
        };
        if (errors.Count == 0)
        {
            errors["status"] = [job.Code is null ? status : $"{status} ({job.Code})"];
        }

        return new DomainException(FailureKind.Conflict, SandboxJobCodes.ResultWithheld, detail, errors);
    }

    private static SandboxMode ParseSubmission(NewSandboxJob request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(request.GrantId))
        {
            errors["grantId"] = ["The grant to run over is required (GET /api/grants lists yours)."];
        }

        var mode = SandboxMode.Sample;
        try
        {
            mode = SandboxJobRules.ParseSubmission(request.Mode, request.Sql);
        }
        catch (DomainException e) when (e.Code == SandboxJobRules.InvalidJobCode && e.Errors is not null)
        {
            foreach (var (field, messages) in e.Errors)
            {
                errors[field] = messages;
            }
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.BadRequest, SandboxJobRules.InvalidJobCode, "The sandbox job is invalid.", errors);
        }

        return mode;
    }

    private static DomainException ResultUnavailable(string id)
        => new(FailureKind.Unavailable, SandboxJobCodes.ResultUnavailable, $"The released result of sandbox job '{id}' cannot be read right now; try again later.");
}

/// <summary>
/// Stops sandbox jobs (M5.5 suspension, M3.6 end of an agreement, a stop seen by the worker). Kept apart from
/// <see cref="SandboxJobService"/> because the stop steps are built into the suspension service and the agreement service,
/// which the grant checks of submission depend on: the steps must not depend back on them.
/// </summary>
public sealed class SandboxJobCanceller(ISandboxJobStore store, IAuditTrail audit, IClock clock, ISandboxResultStore? results = null)
{
    private const int MaxWriteAttempts = 10;

    /// <summary>
    /// Stops a queued or running job (its worker sees the status within a poll interval and interrupts the engine) and
    /// audits it. Returns the job as it now is; a finished job is left as it is.
    /// </summary>
    public async Task<SandboxJob?> CancelAsync(string id, string reason, CancellationToken cancellationToken = default)
        => (await CancelCoreAsync(id, reason, cancellationToken)).Job;

    /// <summary>M5.5: a suspension stops the operator's queued and running jobs at once. Returns how many were stopped.</summary>
    public async Task<int> CancelForOperatorAsync(string operatorId, string reason, CancellationToken cancellationToken = default)
        => await CancelAllAsync(await store.ListActiveByOrganizationAsync(operatorId, cancellationToken), reason, cancellationToken);

    /// <summary>M3.6: everything an ended agreement carried stops, its sandbox jobs included.</summary>
    public async Task<int> CancelForAgreementAsync(string agreementId, string reason, CancellationToken cancellationToken = default)
        => await CancelAllAsync(await store.ListActiveByAgreementAsync(agreementId, cancellationToken), reason, cancellationToken);

    /// <summary>M3.3: the queued and running jobs of the agreement over one of <paramref name="grantIds"/> stop.</summary>
    public async Task<int> CancelForGrantsAsync(string agreementId, IReadOnlyCollection<string> grantIds, string reason, CancellationToken cancellationToken = default)
        => grantIds.Count == 0 ? 0
            : await CancelAllAsync((await store.ListActiveByAgreementAsync(agreementId, cancellationToken)).Where(j => grantIds.Contains(j.GrantId)).ToList(), reason, cancellationToken);

    private async Task<(SandboxJob? Job, bool Stopped)> CancelCoreAsync(string id, string reason, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync(id, cancellationToken);
            if (current is null)
            {
                return (null, false);
            }

            var cancelled = SandboxJobRules.Cancel(current.Value, reason, clock.UtcNow);
            if (ReferenceEquals(cancelled, current.Value))
            {
                return (current.Value, false);
            }

            try
            {
                await store.ReplaceAsync(cancelled, current.ETag, cancellationToken);
            }
            catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed && attempt < MaxWriteAttempts)
            {
                continue;
            }

            if (current.Value.Status == SandboxJobStatus.AwaitingRelease && results is not null)
            {
                // The held result goes with the job; the checkers' links answer that the job no longer awaits release.
                await results.DeleteAsync(id, cancellationToken);
            }

            await audit.RecordAsync(Caller.System, "sandbox.job_cancelled", SandboxJobService.TargetOf(id),
                new { cancelled.GrantId, cancelled.SubmittedBy, reason, was = current.Value.Status.ToWire() }, cancellationToken);
            return (cancelled, true);
        }
    }

    private async Task<int> CancelAllAsync(IReadOnlyList<SandboxJob> jobs, string reason, CancellationToken cancellationToken)
    {
        var stopped = 0;
        foreach (var job in jobs)
        {
            if ((await CancelCoreAsync(job.Id, reason, cancellationToken)).Stopped)
            {
                stopped++;
            }
        }

        return stopped;
    }
}

/// <summary>M5.5: suspending an operator stops its staff's queued and running sandbox jobs at once.</summary>
public sealed class SandboxSuspensionStep(SandboxJobCanceller jobs) : ISuspensionStep
{
    public string Name => "sandbox-jobs";

    public async Task<string> SuspendAsync(string operatorId, CancellationToken cancellationToken = default)
        => $"{await jobs.CancelForOperatorAsync(operatorId, "The operator was suspended by the authority (M5.5).", cancellationToken)} job(s) stopped";
}

/// <summary>M3.6: when an agreement ends, the sandbox jobs over its grants stop; M3.3: so do those over a grant an amendment put outside the scope.</summary>
public sealed class SandboxAgreementRevocationStep(SandboxJobCanceller jobs, IGrantStore grants) : IAgreementRevocationStep, IScopeRevocationStep
{
    public string Name => "sandbox-jobs";

    public async Task<string> RevokeAsync(Agreement agreement, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        return $"{await jobs.CancelForAgreementAsync(agreement.Id, $"Agreement '{agreement.Id}' ended: {reason}", cancellationToken)} job(s) stopped";
    }

    public async Task<string> RevokeOutsideScopeAsync(Agreement agreement, AgreementScopeGuard scope, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(scope);
        var outside = new List<string>();
        foreach (var grant in await grants.ListByAgreementAsync(agreement.Id, cancellationToken))
        {
            if (!await scope.CoversAllAsync(agreement, grant.Tables.Select(t => t.ResourceId), grant.ProviderId, cancellationToken))
            {
                outside.Add(grant.Id);
            }
        }

        return $"{await jobs.CancelForGrantsAsync(agreement.Id, outside, reason, cancellationToken)} job(s) stopped";
    }
}
