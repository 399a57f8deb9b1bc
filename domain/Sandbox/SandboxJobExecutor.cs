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
    SandboxJobCanceller canceller,
    GrantService grants,
    PersonnelService personnel,
    IAuthorizedDataLibrary library,
    IMaskingJobStore maskingJobs,
    IMaskingArtifactStore maskingArtifacts,
    ISandboxResultStore results,
    ISandboxEngine engine,
    IAuditTrail audit,
    IClock clock,
    SandboxJobOptions options,
    ILogger<SandboxJobExecutor> logger) : IQueuedJobKind<SandboxJob>, IDisposable
{
    private const int MaxWriteAttempts = QueuedJobProtocol<SandboxJob>.MaxWriteAttempts;

    // Each job holds a whole engine (memory limit, threads) for its run; the queue may deliver many messages at once.
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrentJobs, options.MaxConcurrentJobs);

    private QueuedJobProtocol<SandboxJob> Protocol => field ??= new(jobs, this, clock, logger);

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
        => EnsureOutcomeAuditedAsync(found, cancellationToken);

    private async Task RunStartedAsync(string jobId, CancellationToken cancellationToken)
    {
        // Read again after waiting for a slot: the job may have been cancelled meanwhile.
        var found = await jobs.GetAsync(jobId, cancellationToken) ?? throw new InvalidOperationException($"Sandbox job {jobId} vanished.");
        if (found.Value.IsFinished)
        {
            await EnsureOutcomeAuditedAsync(found, cancellationToken);
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
                await EnsureOutcomeAuditedAsync(now, cancellationToken);
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
            // M4.4, M5.5: what held at submission must still hold now. The two checks read different records; asked side
            // by side, they delay the job by one round of reads, not two.
            var cleared = personnel.EnsureClearedAsync(staff, cancellationToken);
            var usable = grants.EnsureUsableAsync(job.GrantId, staff, cancellationToken);
            await Task.WhenAll(cleared, usable);
            grant = await usable;
        }
        catch (DomainException e) when (e.Kind is not FailureKind.PreconditionFailed and not FailureKind.Unavailable)
        {
            await CancelAsync(job.Id, StopReason(e), cancellationToken);
            return;
        }

        var selected = SandboxGrantTables.NamedIn(grant, job.Sql);
        var touched = selected.Select(table => SandboxGrantTables.Describe(table, job.Mode)).ToList();
        var result = await NotReadyAsync(job, selected, cancellationToken)
                     ?? await RunEngineAsync(job, staff, selected, cancellationToken);
        if (result is null)
        {
            return;
        }

        await FinishAsync(job, etag, result, touched, cancellationToken);
    }

    /// <summary>A <c>sample</c> job needs the masked sample of every table it reads; null when they are all there.</summary>
    private async Task<SandboxResult?> NotReadyAsync(SandboxJob job, IReadOnlyList<GrantTable> tables, CancellationToken cancellationToken)
    {
        if (job.Mode != SandboxMode.Sample)
        {
            return null;
        }

        foreach (var table in tables)
        {
            var sample = (await maskingJobs.GetAsync(table.SampleJobId, cancellationToken))?.Value;
            if (sample?.Status != MaskingJobStatus.Succeeded)
            {
                var state = sample is null ? "missing" : sample.Status.ToString().ToLowerInvariant();
                return SandboxResult.Unreleased(job.Mode, SandboxStatus.Failed, SandboxJobCodes.SampleNotReady,
                    $"The masked sample of table '{table.Name}' is not ready (masking job {table.SampleJobId} is {state}); run the job again once it has succeeded.",
                    TimeSpan.Zero, TimeSpan.Zero, []);
            }
        }

        return null;
    }

    /// <summary>Runs the engine while watching whether the job must stop; null when it was stopped (and recorded as cancelled).</summary>
    private async Task<SandboxResult?> RunEngineAsync(SandboxJob job, Caller staff, IReadOnlyList<GrantTable> selected, CancellationToken cancellationToken)
    {
        var tables = selected.Select(table => new SandboxTable(table.Name, SandboxGrantTables.FieldsOf(table), token => OpenAsync(job, table, token))
        {
            CopyCsvToAsync = job.Mode == SandboxMode.Full ? (file, token) => library.CopyToAsync(table.Container, table.BlobPath, file, token) : null,
            Format = job.Mode == SandboxMode.Full ? table.Format : LibraryFormat.Csv,
            Policies = SandboxGrantTables.PoliciesOf(table),
            SubjectKey = table.SubjectKey,
            MaxRecordsPerSubject = table.MaxRecordsPerSubject,
        }).ToList();
        var request = new SandboxRequest(tables, job.Sql, job.Mode, options.ToLimits(), options.ToPolicy());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var watching = new CancellationTokenSource();
        var watcher = WatchAsync(job, staff, stop, watching.Token);
        SandboxResult? result = null;
        string? stopReason;
        try
        {
            result = await engine.RunAsync(request, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Stopped by the watcher; the reason is recorded below.
        }
        finally
        {
            await watching.CancelAsync();
            stopReason = await watcher;
        }

        if (stopReason is not null)
        {
            // Even a result that came back as the stop arrived is not released to a suspended operator or a revoked grant.
            await CancelAsync(job.Id, stopReason, cancellationToken);
            return null;
        }

        return result ?? throw new InvalidOperationException($"Sandbox job {job.Id}: the engine stopped without a result or a reason.");
    }

    /// <summary>Polls until told to stop; cancels <paramref name="stop"/> and returns why when the job must end.</summary>
    private async Task<string?> WatchAsync(SandboxJob job, Caller staff, CancellationTokenSource stop, CancellationToken watching)
    {
        var interval = TimeSpan.FromSeconds(options.CancellationPollSeconds);
        while (true)
        {
            try
            {
                await Task.Delay(interval, watching);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            string? reason = null;
            try
            {
                var current = (await jobs.GetAsync(job.Id, watching))?.Value;
                if (current is null || current.Status == SandboxJobStatus.Cancelled)
                {
                    reason = current?.Detail ?? "The job was cancelled.";
                }
                else
                {
                    await grants.EnsureUsableAsync(job.GrantId, staff, watching);
                }
            }
            catch (DomainException e) when (e.Kind is not FailureKind.PreconditionFailed and not FailureKind.Unavailable)
            {
                reason = StopReason(e);
            }
            catch (OperationCanceledException) when (watching.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception e)
            {
                // A storage hiccup does not stop the job; the next poll looks again.
                logger.LogWarning(e, "Sandbox job {JobId}: could not check whether it must stop.", job.Id);
            }

            if (reason is not null)
            {
                logger.LogInformation("Sandbox job {JobId} is being stopped: {Reason}", job.Id, reason);
                await stop.CancelAsync();
                return reason;
            }
        }
    }

    private async Task<Stream> OpenAsync(SandboxJob job, GrantTable table, CancellationToken cancellationToken)
    {
        if (job.Mode == SandboxMode.Full)
        {
            return await library.OpenReadAsync(table.Container, table.BlobPath, cancellationToken);
        }

        return await maskingArtifacts.OpenOutputReadAsync(table.SampleJobId, DataFormat.Csv, cancellationToken)
               ?? throw new FileNotFoundException($"The masked sample of table '{table.Name}' is gone.");
    }

    /// <summary>Stores a released result, then records the outcome; a job cancelled meanwhile stays cancelled and keeps no result.</summary>
    private async Task FinishAsync(SandboxJob job, string etag, SandboxResult result, IReadOnlyList<SandboxJobTable> touched, CancellationToken cancellationToken)
    {
        if (result.Released)
        {
            await results.WriteAsync(new SandboxResultDocument(job.Id, result.Columns, result.Rows, result.Truncated, result.ResultHash!), cancellationToken);
        }

        for (var attempt = 1; ; attempt++)
        {
            var finished = SandboxJobRules.Finish(job, result, clock.UtcNow, touched);
            try
            {
                var written = await jobs.ReplaceAsync(finished, etag, cancellationToken);
                logger.LogInformation("Sandbox job {JobId} finished: {Status} {Code}.", job.Id, finished.Status.ToWire(), finished.Code);
                await EnsureOutcomeAuditedAsync(new(finished, written), cancellationToken);
                return;
            }
            catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed && attempt < MaxWriteAttempts)
            {
                var current = await jobs.GetAsync(job.Id, cancellationToken) ?? throw new InvalidOperationException($"Sandbox job {job.Id} vanished.");
                if (current.Value.IsFinished)
                {
                    if (result.Released && current.Value.Status != SandboxJobStatus.Released)
                    {
                        await results.DeleteAsync(job.Id, cancellationToken);
                    }

                    await EnsureOutcomeAuditedAsync(current, cancellationToken);
                    return;
                }

                (job, etag) = (current.Value, current.ETag);
            }
        }
    }

    private async Task CancelAsync(string jobId, string reason, CancellationToken cancellationToken)
    {
        await canceller.CancelAsync(jobId, reason, cancellationToken);
        if (await jobs.GetAsync(jobId, cancellationToken) is { } current)
        {
            await EnsureOutcomeAuditedAsync(current, cancellationToken);
        }
    }

    /// <summary>
    /// M5.3: who ran what SQL over which grant, the data it touched, the result's hash and the check outcome. Recorded
    /// once per job that a worker started (a job stopped while still queued is audited by its cancellation alone); the flag
    /// on the record lets a redelivery finish what a crash between the two writes left undone.
    /// </summary>
    private async Task EnsureOutcomeAuditedAsync(Versioned<SandboxJob> found, CancellationToken cancellationToken)
    {
        var job = found.Value;
        if (!job.IsFinished || job.OutcomeAudited || job.Attempts == 0)
        {
            return;
        }

        await audit.RecordAsync(SandboxJobAccess.SubmitterOf(job), "sandbox.job_finished", SandboxJobService.TargetOf(job.Id), SandboxJobOutcome.From(job), cancellationToken);
        try
        {
            await jobs.ReplaceAsync(job with { OutcomeAudited = true }, found.ETag, cancellationToken);
        }
        catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed)
        {
            logger.LogWarning("Sandbox job {JobId} changed while its outcome was audited; the audit mark is left for a later delivery.", job.Id);
        }
    }

    private static string StopReason(DomainException e) => $"{e.Code}: {e.Message}";

    public void Dispose() => _slots.Dispose();
}
