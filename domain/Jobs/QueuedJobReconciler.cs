using Microsoft.Extensions.Logging;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Jobs;

/// <summary>
/// Repairs the plumbing of queued jobs (masking, sandbox, any later kind), one generic path for every kind:
/// <list type="bullet">
/// <item>a job recorded as queued whose message never led to a run (the send failed, or the process died between the
/// two writes) is sent again, at most once per job per run;</item>
/// <item>a running job whose worker stopped beating (the process died) is handed back as queued and sent again.</item>
/// </list>
/// The requeue is recorded on the job first (ETag-conditional, so a worker that starts or finishes the job meanwhile
/// wins) and audited; after <see cref="JobReconciliationOptions.MaxRequeues"/> the job is marked failed instead.
/// Duplicate messages are harmless: the workers claim a job with an ETag-conditional write.
/// </summary>
public sealed partial class QueuedJobReconciler(
    IEnumerable<ReconciledJobKind> kinds,
    IJobHeartbeatStore heartbeats,
    IAuditTrail audit,
    IClock clock,
    JobReconciliationOptions options,
    ILogger<QueuedJobReconciler> logger)
{
    private readonly IReadOnlyList<ReconciledJobKind> _kinds = kinds.ToList();

    public async Task<ReconciliationSummary> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var tally = new Tally();
        foreach (var kind in _kinds)
        {
            await kind.ReconcileAsync(this, now, tally, cancellationToken);
        }

        return new ReconciliationSummary(tally.Requeued, tally.GaveUp, tally.Skipped, tally.Errors, tally.HandedBack);
    }

    internal async Task ReconcileKindAsync<TJob>(ReconciledJobKind<TJob> kind, DateTimeOffset now, Tally tally, CancellationToken cancellationToken)
        where TJob : class, IQueuedJobRecord
    {
        var cutoff = QueuedJobRule.Cutoff(now, options);
        foreach (var found in (await kind.Jobs.ListQueuedSentBeforeAsync(cutoff, cancellationToken)).DistinctBy(j => j.Value.Id))
        {
            await GuardAsync(tally, found.Value.Id, () => ReconcileQueuedAsync(kind, found, now, cancellationToken), countWait: true);
        }

        foreach (var found in (await kind.Jobs.ListRunningAsync(cancellationToken)).DistinctBy(j => j.Value.Id))
        {
            // A live run is what running jobs normally are: not counted as skipped.
            await GuardAsync(tally, found.Value.Id, () => ReconcileRunningAsync(kind, found, now, cancellationToken), countWait: false);
        }
    }

    private async Task GuardAsync(Tally tally, string jobId, Func<Task<QueuedJobAction?>> reconcile, bool countWait)
    {
        try
        {
            switch (await reconcile())
            {
                case QueuedJobAction.Requeue: tally.Requeued++; break;
                case QueuedJobAction.HandBack: tally.HandedBack++; break;
                case QueuedJobAction.GiveUp: tally.GaveUp++; break;
                case QueuedJobAction.Wait when !countWait: break;
                default: tally.Skipped++; break;
            }
        }
        catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed)
        {
            // A worker started, beat or finished the job (or another reconciler run got there) since it was read: nothing to do.
            tally.Skipped++;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One job's trouble must not stop the others; the next run looks again.
            tally.Errors++;
            LogJobFailed(logger, e, jobId);
        }
    }

    private async Task<QueuedJobAction?> ReconcileQueuedAsync<TJob>(ReconciledJobKind<TJob> kind, Versioned<TJob> found, DateTimeOffset now, CancellationToken cancellationToken)
        where TJob : class, IQueuedJobRecord
    {
        var job = found.Value;
        if (job.IsFinished || job.IsRunning)
        {
            return null;
        }

        var action = QueuedJobRule.Decide(QueuedJobRule.LastActivityAt(job.CreatedAt, job.RequeuedAt, job.StartedAt), job.RequeueCount, now, options);
        switch (action)
        {
            case QueuedJobAction.Requeue:
                var requeueCount = await SendAgainAsync(kind, found, now, null, cancellationToken);
                LogRequeued(logger, kind.Kind, job.Id, requeueCount);
                break;
            case QueuedJobAction.GiveUp:
                await FailAsync(kind, found, now, QueuedJobRule.NeverStartedCode, QueuedJobRule.NeverStartedReason(job.RequeueCount, options.RequeueAfter), cancellationToken);
                LogGaveUp(logger, kind.Kind, job.Id, job.RequeueCount);
                break;
        }

        return action;
    }

    private async Task<QueuedJobAction?> ReconcileRunningAsync<TJob>(ReconciledJobKind<TJob> kind, Versioned<TJob> found, DateTimeOffset now, CancellationToken cancellationToken)
        where TJob : class, IQueuedJobRecord
    {
        var job = found.Value;
        if (!job.IsRunning)
        {
            return null;
        }

        var beat = await heartbeats.LastBeatAsync(kind.Kind, job.Id, cancellationToken);
        var lastSign = RunningJobRule.LastSignOfLife(beat, job.CreatedAt, job.RequeuedAt, job.StartedAt);
        var action = RunningJobRule.Decide(lastSign, job.RequeueCount, now, options);
        switch (action)
        {
            case QueuedJobAction.HandBack:
                var requeueCount = await SendAgainAsync(kind, found, now, lastSign, cancellationToken);
                LogHandedBack(logger, kind.Kind, job.Id, lastSign, requeueCount);
                break;
            case QueuedJobAction.GiveUp:
                await FailAsync(kind, found, now, RunningJobRule.WorkerLostCode, RunningJobRule.WorkerLostReason(job.RequeueCount), cancellationToken);
                LogWorkerLostGaveUp(logger, kind.Kind, job.Id, job.RequeueCount);
                break;
        }

        return action;
    }

    /// <summary>Records the requeue (ETag-conditional), audits it, then sends the message; returns the new requeue count.</summary>
    /// <param name="lastSignOfLife">For a running job handed back: the last sign of life of its lost run; null for a queued job.</param>
    private async Task<int> SendAgainAsync<TJob>(ReconciledJobKind<TJob> kind, Versioned<TJob> found, DateTimeOffset now, DateTimeOffset? lastSignOfLife, CancellationToken cancellationToken)
        where TJob : class, IQueuedJobRecord
    {
        var requeued = kind.Requeued(found.Value, now);
        await kind.Jobs.ReplaceAsync(requeued, found.ETag, cancellationToken);
        object detail = lastSignOfLife is { } lastSign
            ? new { requeued.RequeueCount, HandedBack = RunningJobRule.WorkerLostCode, LastSignOfLife = lastSign }
            : new { requeued.RequeueCount };
        await audit.RecordAsync(Caller.System, kind.RequeuedAction, kind.TargetOf(requeued.Id), detail, cancellationToken);
        await kind.EnqueueAsync(requeued.Id, cancellationToken);
        return requeued.RequeueCount;
    }

    private static async Task FailAsync<TJob>(ReconciledJobKind<TJob> kind, Versioned<TJob> found, DateTimeOffset now, string code, string reason, CancellationToken cancellationToken)
        where TJob : class, IQueuedJobRecord
    {
        var failed = kind.Failed(found.Value, now, code, reason);
        await kind.Jobs.ReplaceAsync(failed, found.ETag, cancellationToken);
        await kind.SettleFailedAsync(failed, cancellationToken);
    }

    internal sealed class Tally
    {
        public int Requeued;
        public int HandedBack;
        public int GaveUp;
        public int Skipped;
        public int Errors;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queued {Kind} job {JobId} never started; its message was sent again (requeue {RequeueCount}).")]
    private static partial void LogRequeued(ILogger logger, string kind, string jobId, int requeueCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Running {Kind} job {JobId} lost its worker (last sign of life {LastSignOfLife:O}); handed back and its message sent again (requeue {RequeueCount}).")]
    private static partial void LogHandedBack(ILogger logger, string kind, string jobId, DateTimeOffset lastSignOfLife, int requeueCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queued {Kind} job {JobId} never started after {RequeueCount} requeue(s); marked failed.")]
    private static partial void LogGaveUp(ILogger logger, string kind, string jobId, int requeueCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Running {Kind} job {JobId} lost its worker again after {RequeueCount} requeue(s); marked failed.")]
    private static partial void LogWorkerLostGaveUp(ILogger logger, string kind, string jobId, int requeueCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not reconcile queued job {JobId}; the next run looks again.")]
    private static partial void LogJobFailed(ILogger logger, Exception error, string jobId);
}
