using Platform.Domain.Organizations;

namespace Platform.Domain.Jobs;

/// <summary>One kind of queued job as the <see cref="QueuedJobReconciler"/> sees it; see <see cref="ReconciledJobKind{TJob}"/>.</summary>
public abstract class ReconciledJobKind
{
    private protected ReconciledJobKind()
    {
    }

    internal abstract Task ReconcileAsync(QueuedJobReconciler reconciler, DateTimeOffset now, QueuedJobReconciler.Tally tally, CancellationToken cancellationToken);
}

/// <summary>
/// What the reconciler needs of one kind of queued job: where its records and messages go, how it is queued again and
/// marked failed, and what its failure settles (audit, outcome elsewhere). The reconciling itself is one generic path.
/// </summary>
public abstract class ReconciledJobKind<TJob> : ReconciledJobKind
    where TJob : class, IQueuedJobRecord
{
    /// <summary>The kind as logs and heartbeat rows name it (<c>masking</c>, <c>sandbox</c>).</summary>
    public abstract string Kind { get; }

    public abstract IQueuedJobStore<TJob> Jobs { get; }

    /// <summary>The audit action of a requeue or a hand-back (<c>masking_job.requeued</c>, <c>sandbox.job_requeued</c>).</summary>
    public abstract string RequeuedAction { get; }

    public abstract string TargetOf(string jobId);

    public abstract Task EnqueueAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>The job queued again: status queued, one more requeue, requeued now.</summary>
    public abstract TJob Requeued(TJob job, DateTimeOffset now);

    /// <summary>The job marked failed by the reconciler with <paramref name="code"/> and <paramref name="reason"/>.</summary>
    public abstract TJob Failed(TJob job, DateTimeOffset now, string code, string reason);

    /// <summary>What a failure recorded by the reconciler settles besides the record (audit, the outcome elsewhere).</summary>
    public abstract Task SettleFailedAsync(TJob failed, CancellationToken cancellationToken);

    internal sealed override Task ReconcileAsync(QueuedJobReconciler reconciler, DateTimeOffset now, QueuedJobReconciler.Tally tally, CancellationToken cancellationToken)
        => reconciler.ReconcileKindAsync(this, now, tally, cancellationToken);
}
