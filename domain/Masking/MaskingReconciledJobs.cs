using Platform.Domain.Audit;
using Platform.Domain.Jobs;
using Platform.Domain.Resources;
using Platform.Domain.Security;

namespace Platform.Domain.Masking;

/// <summary>Masking jobs as the <see cref="QueuedJobReconciler"/> requeues, hands back and fails them (M4.4).</summary>
public sealed class MaskingReconciledJobs(IMaskingJobStore jobs, IMaskingJobQueue queue, IAuditTrail audit, ResourceService? catalogue = null)
    : ReconciledJobKind<MaskingJob>
{
    public override string Kind => "masking";

    public override IQueuedJobStore<MaskingJob> Jobs => jobs;

    public override string RequeuedAction => "masking_job.requeued";

    public override string TargetOf(string jobId) => MaskingJobService.Target(jobId);

    public override Task EnqueueAsync(string jobId, CancellationToken cancellationToken) => queue.EnqueueAsync(jobId, cancellationToken);

    public override MaskingJob Requeued(MaskingJob job, DateTimeOffset now)
        => job with { Status = MaskingJobStatus.Queued, RequeueCount = job.RequeueCount + 1, RequeuedAt = now };

    public override MaskingJob Failed(MaskingJob job, DateTimeOffset now, string code, string reason)
        => job with { Status = MaskingJobStatus.Failed, CompletedAt = now, Failure = new MaskingJobFailure(code, reason) };

    public override async Task SettleFailedAsync(MaskingJob failed, CancellationToken cancellationToken)
    {
        await audit.RecordAsync(Caller.System, "masking_job.failed", TargetOf(failed.Id), failed.Failure, cancellationToken);
        if (failed.Origin == MaskingJobOrigin.Submission && catalogue is not null)
        {
            // A catalogue sample job tells its resource how it ended.
            await catalogue.RecordSampleOutcomeAsync(failed.ResourceId,
                new SampleOutcome(failed.Id, false, null, [], failed.Failure!.Code, failed.Failure.Reason), cancellationToken);
        }
    }
}
