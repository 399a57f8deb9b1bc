using Microsoft.Extensions.Logging;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Resources;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Masking;

namespace Platform.Domain.Jobs;

/// <summary>
/// Finds masking and sandbox jobs recorded as queued whose queue message never led to a run (the send failed after the
/// record was written, or the process died between the two) and sends their message again, at most once per job per
/// run. The requeue is recorded on the job (ETag-conditional, so a worker that starts the job meanwhile wins) before
/// the message goes out; after <see cref="JobReconciliationOptions.MaxRequeues"/> the job is marked failed instead.
/// Duplicate messages are harmless: the workers claim a job with an ETag-conditional queued → running transition.
/// </summary>
public sealed partial class QueuedJobReconciler(
    IMaskingJobStore maskingJobs,
    IMaskingJobQueue maskingQueue,
    ISandboxJobStore sandboxJobs,
    ISandboxJobQueue sandboxQueue,
    IAuditTrail audit,
    IClock clock,
    JobReconciliationOptions options,
    ILogger<QueuedJobReconciler> logger,
    ResourceService? catalogue = null)
{
    public async Task<ReconciliationSummary> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var cutoff = QueuedJobRule.Cutoff(now, options);
        var tally = new Tally();
        foreach (var found in (await maskingJobs.ListQueuedSentBeforeAsync(cutoff, cancellationToken)).DistinctBy(j => j.Value.Id))
        {
            await GuardAsync(tally, found.Value.Id, () => ReconcileMaskingAsync(found, now, cancellationToken));
        }

        foreach (var found in (await sandboxJobs.ListQueuedSentBeforeAsync(cutoff, cancellationToken)).DistinctBy(j => j.Value.Id))
        {
            await GuardAsync(tally, found.Value.Id, () => ReconcileSandboxAsync(found, now, cancellationToken));
        }

        return new ReconciliationSummary(tally.Requeued, tally.GaveUp, tally.Skipped, tally.Errors);
    }

    private async Task GuardAsync(Tally tally, string jobId, Func<Task<QueuedJobAction?>> reconcile)
    {
        try
        {
            switch (await reconcile())
            {
                case QueuedJobAction.Requeue: tally.Requeued++; break;
                case QueuedJobAction.GiveUp: tally.GaveUp++; break;
                default: tally.Skipped++; break;
            }
        }
        catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed)
        {
            // A worker started the job (or another reconciler run got there) since it was read: nothing to do.
            tally.Skipped++;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One job's trouble must not stop the others; the next run looks again.
            tally.Errors++;
            LogJobFailed(logger, e, jobId);
        }
    }

    private async Task<QueuedJobAction?> ReconcileMaskingAsync(Versioned<MaskingJob> found, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var job = found.Value;
        if (job.Status != MaskingJobStatus.Queued)
        {
            return null;
        }

        var action = QueuedJobRule.Decide(QueuedJobRule.LastActivityAt(job.CreatedAt, job.RequeuedAt, job.StartedAt), job.RequeueCount, now, options);
        var target = MaskingJobService.Target(job.Id);
        switch (action)
        {
            case QueuedJobAction.Requeue:
                var requeued = job with { RequeueCount = job.RequeueCount + 1, RequeuedAt = now };
                await maskingJobs.ReplaceAsync(requeued, found.ETag, cancellationToken);
                await audit.RecordAsync(Caller.System, "masking_job.requeued", target, new { requeued.RequeueCount }, cancellationToken);
                await maskingQueue.EnqueueAsync(job.Id, cancellationToken);
                LogRequeued(logger, "masking", job.Id, requeued.RequeueCount);
                break;
            case QueuedJobAction.GiveUp:
                var failed = job with
                {
                    Status = MaskingJobStatus.Failed,
                    CompletedAt = now,
                    Failure = new MaskingJobFailure(QueuedJobRule.NeverStartedCode, QueuedJobRule.NeverStartedReason(job.RequeueCount, options.RequeueAfter)),
                };
                await maskingJobs.ReplaceAsync(failed, found.ETag, cancellationToken);
                await audit.RecordAsync(Caller.System, "masking_job.failed", target, failed.Failure, cancellationToken);
                if (job.Origin == MaskingJobOrigin.Submission && catalogue is not null)
                {
                    await catalogue.RecordSampleOutcomeAsync(job.ResourceId,
                        new SampleOutcome(job.Id, false, null, [], failed.Failure!.Code, failed.Failure.Reason), cancellationToken);
                }

                LogGaveUp(logger, "masking", job.Id, job.RequeueCount);
                break;
        }

        return action;
    }

    private async Task<QueuedJobAction?> ReconcileSandboxAsync(Versioned<Platform.Domain.Sandbox.SandboxJob> found, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var job = found.Value;
        if (job.Status != Platform.Domain.Sandbox.SandboxJobStatus.Queued)
        {
            return null;
        }

        var action = QueuedJobRule.Decide(QueuedJobRule.LastActivityAt(job.SubmittedAt, job.RequeuedAt, job.StartedAt), job.RequeueCount, now, options);
        var target = SandboxJobService.TargetOf(job.Id);
        switch (action)
        {
            case QueuedJobAction.Requeue:
                var requeued = job with { RequeueCount = job.RequeueCount + 1, RequeuedAt = now };
                await sandboxJobs.ReplaceAsync(requeued, found.ETag, cancellationToken);
                await audit.RecordAsync(Caller.System, "sandbox.job_requeued", target, new { requeued.RequeueCount }, cancellationToken);
                await sandboxQueue.EnqueueAsync(job.Id, cancellationToken);
                LogRequeued(logger, "sandbox", job.Id, requeued.RequeueCount);
                break;
            case QueuedJobAction.GiveUp:
                var failed = job with
                {
                    Status = Platform.Domain.Sandbox.SandboxJobStatus.Failed,
                    FinishedAt = now,
                    Code = QueuedJobRule.NeverStartedCode,
                    Detail = QueuedJobRule.NeverStartedReason(job.RequeueCount, options.RequeueAfter),
                    OutcomeAudited = true,
                };
                await sandboxJobs.ReplaceAsync(failed, found.ETag, cancellationToken);
                // M5.3: every job's outcome is audited; this one never ran, so its outcome is the failure alone.
                await audit.RecordAsync(SandboxJobAccess.SubmitterOf(job), "sandbox.job_finished", target, SandboxJobOutcome.From(failed), cancellationToken);
                LogGaveUp(logger, "sandbox", job.Id, job.RequeueCount);
                break;
        }

        return action;
    }

    private sealed class Tally
    {
        public int Requeued;
        public int GaveUp;
        public int Skipped;
        public int Errors;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queued {Kind} job {JobId} never started; its message was sent again (requeue {RequeueCount}).")]
    private static partial void LogRequeued(ILogger logger, string kind, string jobId, int requeueCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queued {Kind} job {JobId} never started after {RequeueCount} requeue(s); marked failed.")]
    private static partial void LogGaveUp(ILogger logger, string kind, string jobId, int requeueCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not reconcile queued job {JobId}; the next run looks again.")]
    private static partial void LogJobFailed(ILogger logger, Exception error, string jobId);
}
