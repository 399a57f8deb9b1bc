using Platform.Domain.Audit;
using Platform.Domain.Jobs;

namespace Platform.Domain.Sandbox;

/// <summary>Sandbox jobs as the <see cref="QueuedJobReconciler"/> requeues, hands back and fails them (M5.1, M5.3).</summary>
public sealed class SandboxReconciledJobs(ISandboxJobStore jobs, ISandboxJobQueue queue, IAuditTrail audit) : ReconciledJobKind<SandboxJob>
{
    public override string Kind => "sandbox";

    public override IQueuedJobStore<SandboxJob> Jobs => jobs;

    public override string RequeuedAction => "sandbox.job_requeued";

    public override string TargetOf(string jobId) => SandboxJobService.TargetOf(jobId);

    public override Task EnqueueAsync(string jobId, CancellationToken cancellationToken) => queue.EnqueueAsync(jobId, cancellationToken);

    public override SandboxJob Requeued(SandboxJob job, DateTimeOffset now)
        => job with { Status = SandboxJobStatus.Queued, RequeueCount = job.RequeueCount + 1, RequeuedAt = now };

    public override SandboxJob Failed(SandboxJob job, DateTimeOffset now, string code, string reason) => job with
    {
        Status = SandboxJobStatus.Failed,
        FinishedAt = now,
        Code = code,
        Detail = reason,
        OutcomeAudited = true,
    };

    // M5.3: every job's outcome is audited once; the reconciler's failure is the outcome, marked audited as it is written.
    public override Task SettleFailedAsync(SandboxJob failed, CancellationToken cancellationToken)
        => audit.RecordAsync(SandboxJobAccess.SubmitterOf(failed), "sandbox.job_finished", TargetOf(failed.Id), SandboxJobOutcome.From(failed), cancellationToken);
}
