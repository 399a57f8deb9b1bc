using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Domain.Jobs;

namespace Platform.Functions.Jobs;

/// <summary>
/// The operational timer that re-sends the messages of jobs stuck as queued and hands back running jobs whose worker
/// died. Schedule: six-field NCrontab in UTC from <c>Jobs:ReconcileSchedule</c> (default every 20 seconds). Not
/// time-compressed: it repairs plumbing, not legal deadlines.
/// </summary>
public sealed partial class JobReconciliationFunctions(QueuedJobReconciler reconciler, ILogger<JobReconciliationFunctions> logger)
{
    [Function("ReconcileQueuedJobs")]
    public async Task Reconcile([TimerTrigger("%Jobs:ReconcileSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var summary = await reconciler.RunAsync(cancellationToken);
        if (summary != new ReconciliationSummary(0, 0, 0, 0))
        {
            // Every 20 seconds by default: a run that found nothing to do is not worth a log line.
            LogReconciled(logger, summary.Requeued, summary.HandedBack, summary.GaveUp, summary.Skipped, summary.Errors);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued jobs reconciled: {Requeued} requeued, {HandedBack} handed back, {GaveUp} marked failed, {Skipped} skipped, {Errors} errors")]
    private static partial void LogReconciled(ILogger logger, int requeued, int handedBack, int gaveUp, int skipped, int errors);
}
