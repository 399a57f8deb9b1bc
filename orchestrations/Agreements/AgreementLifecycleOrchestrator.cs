using Microsoft.DurableTask;
using Platform.Domain.Agreements;
using Platform.Domain.Time;

namespace Platform.Orchestrations.Agreements;

public sealed record AgreementLifecycleResult(string AgreementId, string Outcome, IReadOnlyList<AgreementMilestoneKind> MilestonesReached);

/// <summary>
/// The agreement-lifecycle (M3.4–M3.6, M5.6): waits with durable timers for the filing deadline, the
/// reminders 180/90/30 days before the end and the expiry, each at its compressed time; termination arrives as an
/// external event and ends it early. A signed agreement comes into force at 00:00 CST of its start date (M3.4).
/// Expiry or termination runs the revocation step once, then starts the exit (hold, destruction; docs/lifecycles.md).
/// </summary>
public sealed class AgreementLifecycleOrchestrator : TaskOrchestrator<AgreementLifecycleInput, AgreementLifecycleResult>
{
    public const string ExpiredOutcome = "expired";
    public const string TerminatedOutcome = "terminated";

    public override async Task<AgreementLifecycleResult> RunAsync(TaskOrchestrationContext context, AgreementLifecycleInput input)
    {
        var compression = new TimeCompression(input.TimeCompression);
        using var stopWaitingForTermination = new CancellationTokenSource();
        var terminated = context.WaitForExternalEvent<AgreementTerminatedEvent>(AgreementService.TerminatedEventName, stopWaitingForTermination.Token);
        var reached = new List<AgreementMilestoneKind>();

        foreach (var milestone in input.Milestones)
        {
            using var stopTimer = new CancellationTokenSource();
            var fireAt = compression.TimerFireTime(input.AnchorUtc, milestone.DueUtc);
            var timer = context.CreateTimer(fireAt, stopTimer.Token);
            var first = await Task.WhenAny(timer, terminated);
            if (first == terminated)
            {
                stopTimer.Cancel();
                await context.CallActivityAsync<AgreementRevocation>(nameof(RevokeAgreementActivity), new RevokeAgreementRequest(input.AgreementId, TerminatedOutcome));
                await context.CallActivityAsync<AgreementExit?>(nameof(BeginAgreementExitActivity), new AgreementExitRequest(input.AgreementId));
                return new AgreementLifecycleResult(input.AgreementId, TerminatedOutcome, reached);
            }

            var status = await context.CallActivityAsync<AgreementStatus>(nameof(RecordAgreementMilestoneActivity), new AgreementMilestoneReached(input.AgreementId, milestone.Kind));
            reached.Add(milestone.Kind);
            if (milestone.Kind == AgreementMilestoneKind.Expiry || status is AgreementStatus.Expired or AgreementStatus.Terminated)
            {
                break;
            }
        }

        stopWaitingForTermination.Cancel();
        await context.CallActivityAsync<AgreementRevocation>(nameof(RevokeAgreementActivity), new RevokeAgreementRequest(input.AgreementId, ExpiredOutcome));
        await context.CallActivityAsync<AgreementExit?>(nameof(BeginAgreementExitActivity), new AgreementExitRequest(input.AgreementId));
        return new AgreementLifecycleResult(input.AgreementId, ExpiredOutcome, reached);
    }
}
