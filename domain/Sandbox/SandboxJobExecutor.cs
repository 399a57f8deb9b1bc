using Microsoft.Extensions.Logging;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Jobs;
using Platform.Domain.Masking;
using Platform.Domain.Organizations;
using Platform.Domain.Personnel;
using Platform.Domain.Resources;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Sandbox;

/// <summary>
/// Runs one sandbox job for the <c>sandbox-jobs</c> worker (M5.1) under the shared <see cref="QueuedJobProtocol{TJob}"/>:
/// the clearance and the grant are checked again at the start, and while the engine runs the job, the suspension and
/// the grant are watched so the engine stops when the job must (M5.5). Details in domain/Sandbox/README.md.
/// </summary>
public sealed class SandboxJobExecutor(
    ISandboxJobStore jobs,
    SandboxRunPreconditions preconditions,
    SandboxStatementRunner runner,
    SandboxJobOutcomeRecorder outcomes,
    IClock clock,
    SandboxJobOptions options,
    ILogger<SandboxJobExecutor> logger,
    JobHeartbeat? heartbeat = null) : IQueuedJobKind<SandboxJob>, IDisposable
{
    // Each job holds a whole engine (memory limit, threads) for its run; the queue may deliver many messages at once.
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrentJobs, options.MaxConcurrentJobs);

    private QueuedJobProtocol<SandboxJob> Protocol => field ??= new(jobs, this, clock, logger) { Heartbeat = heartbeat };

    public async Task RunAsync(string? jobId, CancellationToken cancellationToken)
    {
        var found = await Protocol.FindAsync(jobId, cancellationToken);
        if (found is null || await Protocol.SettledWithoutRunAsync(found, cancellationToken))
        {
            return;
        }

        await _slots.WaitAsync(cancellationToken);
        try
        {
            await Protocol.RunAttemptAsync(found.Value.Id, () => RunStartedAsync(found.Value.Id, cancellationToken), cancellationToken);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// A running job started longer ago than this has lost its worker (the process died), since the engine stops every
    /// job after <see cref="SandboxJobOptions.TimeoutSeconds"/>: a redelivery may claim it again.
    /// </summary>
    public TimeSpan AbandonedRunAfter => TimeSpan.FromSeconds(Math.Max(300, 2 * options.TimeoutSeconds + 120));

    /// <summary>A live run of this job holds it: a duplicate message must not start a second one.</summary>
    private bool IsClaimedElsewhere(SandboxJob job)
        => job.Status == SandboxJobStatus.Running && (job.StartedAt ?? job.SubmittedAt) >= clock.UtcNow - AbandonedRunAfter;

    /// <summary>For the poison queue: the job is marked failed with its last error (<see cref="QueuedJobProtocol{TJob}.PoisonAsync"/>).</summary>
    public Task AbandonAsync(string? jobId, CancellationToken cancellationToken) => Protocol.PoisonAsync(jobId, cancellationToken);

    string IQueuedJobKind<SandboxJob>.Name => "Sandbox";

    string IQueuedJobKind<SandboxJob>.IdOf(SandboxJob job) => job.Id;

    string IQueuedJobKind<SandboxJob>.StatusOf(SandboxJob job) => job.Status.ToWire();

    int IQueuedJobKind<SandboxJob>.AttemptsOf(SandboxJob job) => job.Attempts;

    string? IQueuedJobKind<SandboxJob>.LastErrorOf(SandboxJob job) => job.LastError;

    bool IQueuedJobKind<SandboxJob>.IsFinished(SandboxJob job) => job.IsFinished;

    bool IQueuedJobKind<SandboxJob>.IsClaimedElsewhere(SandboxJob job, DateTimeOffset now) => IsClaimedElsewhere(job);

    SandboxJob IQueuedJobKind<SandboxJob>.HandBack(SandboxJob job, string lastError) => job with { LastError = lastError, Status = SandboxJobStatus.Queued };

    SandboxJob IQueuedJobKind<SandboxJob>.GiveUp(SandboxJob job, DateTimeOffset now) => job with
    {
        Status = SandboxJobStatus.Failed,
        FinishedAt = now,
        Code = SandboxJobCodes.GaveUp,
        Detail = $"The job failed {job.Attempts} time(s) for reasons of the platform, not of its SQL, and was abandoned; last error: {job.LastError ?? "unknown"}. Submit it again.",
    };

    Task IQueuedJobKind<SandboxJob>.SettleAsync(Versioned<SandboxJob> found, bool gaveUpNow, CancellationToken cancellationToken)
        => outcomes.EnsureOutcomeAuditedAsync(found, cancellationToken);

    private async Task RunStartedAsync(string jobId, CancellationToken cancellationToken)
    {
        // Read again after waiting for a slot: the job may have been cancelled meanwhile.
        var found = await jobs.GetAsync(jobId, cancellationToken) ?? throw new InvalidOperationException($"Sandbox job {jobId} vanished.");
        if (found.Value.IsFinished)
        {
            await outcomes.EnsureOutcomeAuditedAsync(found, cancellationToken);
            return;
        }

        if (IsClaimedElsewhere(found.Value))
        {
            logger.LogInformation("Sandbox job {JobId} was started by another delivery; this one is dropped.", jobId);
            return;
        }

        // The claim (ETag-conditional): queued → running, or an abandoned run (its worker died) starting over.
        var job = (found.Value.Status == SandboxJobStatus.Queued ? SandboxJobRules.Start(found.Value, clock.UtcNow) : found.Value with { StartedAt = clock.UtcNow })
            with { Attempts = found.Value.Attempts + 1, LastError = null };
        string etag;
        try
        {
            etag = await jobs.ReplaceAsync(job, found.ETag, cancellationToken);
        }
        catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed)
        {
            // Changed under us (cancelled by a stop step): settle by what it is now, or retry through the queue.
            var now = await jobs.GetAsync(jobId, cancellationToken);
            if (now is { Value.IsFinished: true })
            {
                await outcomes.EnsureOutcomeAuditedAsync(now, cancellationToken);
                return;
            }

            if (now is { Value.Status: SandboxJobStatus.Running })
            {
                logger.LogInformation("Sandbox job {JobId} was claimed by another delivery; this one is dropped.", jobId);
                return;
            }

            throw;
        }

        var staff = SandboxJobAccess.SubmitterOf(job);
        Grant grant;
        try
        {
            grant = await preconditions.EnsureStillHoldAsync(job, staff, cancellationToken);
        }
        catch (DomainException e) when (e.Kind is not FailureKind.PreconditionFailed and not FailureKind.Unavailable)
        {
            await outcomes.CancelAsync(job.Id, SandboxStatementRunner.StopReason(e), cancellationToken);
            return;
        }

        var selected = SandboxGrantTables.NamedIn(grant, job.Sql);
        var touched = selected.Select(table => SandboxGrantTables.Describe(table, job.Mode)).ToList();
        var run = await runner.RunAsync(job, staff, selected, cancellationToken);
        if (run.StopReason is not null || run.Result is null)
        {
            await outcomes.CancelAsync(job.Id, run.StopReason ?? "The job was stopped.", cancellationToken);
            return;
        }

        await outcomes.FinishAsync(job, etag, run.Result, touched, cancellationToken);
    }

    public void Dispose() => _slots.Dispose();
}
