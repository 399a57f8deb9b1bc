using Microsoft.DurableTask;
using Platform.Domain.Approvals;
using Platform.Domain.Scenarios;
using Platform.Domain.Time;
using Platform.Domain.Workflows;

namespace Platform.Orchestrations.Scenarios;

public sealed record ScenarioReviewResult(string ScenarioId, int Round, string Outcome, int Escalations, IReadOnlyList<string> DecidedSlots);

/// <summary>
/// One round of the scenario-review (M4.2): asks every reviewer in parallel through a signed link, files
/// each decision as its event arrives, and ends as soon as the aggregation is certain (a rejection at once; otherwise
/// when all have answered). At the deadline (and again after every further deadline period) the open reviews are
/// escalated to the authority and the round keeps waiting: silence never approves. A scenario cancelled with its
/// agreement ends the round at its next step.
/// </summary>
public sealed class ScenarioReviewOrchestrator : TaskOrchestrator<ScenarioReviewInput, ScenarioReviewResult>
{
    public const string CancelledOutcome = "cancelled";

    public override async Task<ScenarioReviewResult> RunAsync(TaskOrchestrationContext context, ScenarioReviewInput input)
    {
        await Task.WhenAll(input.Slots.Select(slot =>
            context.CallActivityAsync<string>(nameof(IssueScenarioReviewLinkActivity), new ScenarioReviewSlotRequest(input.ScenarioId, input.Round, slot))));

        var compression = new TimeCompression(input.TimeCompression);
        var decisions = new Dictionary<string, ApprovalDecisionKind>(StringComparer.Ordinal);
        var decidedSlots = new List<string>();
        var escalations = 0;
        using var stopWaiting = new CancellationTokenSource();
        using var stopTimer = new CancellationTokenSource();
        var nextDecision = context.WaitForExternalEvent<ApprovalDecidedEvent>(ApprovalService.DecisionEventName, stopWaiting.Token);
        var deadline = context.CreateTimer(compression.TimerFireTime(input.AnchorUtc, input.DueUtc), stopTimer.Token);
        ReviewRoundOutcome? outcome = null;

        while (outcome is null)
        {
            var first = await Task.WhenAny(nextDecision, deadline);
            if (first == nextDecision)
            {
                var decided = await nextDecision;
                nextDecision = context.WaitForExternalEvent<ApprovalDecidedEvent>(ApprovalService.DecisionEventName, stopWaiting.Token);
                if (!input.Slots.Contains(decided.Slot) || decisions.ContainsKey(decided.Slot))
                {
                    continue;
                }

                decisions[decided.Slot] = decided.Decision.Kind;
                decidedSlots.Add(decided.Slot);
                var status = await context.CallActivityAsync<ScenarioStatus>(
                    nameof(RecordScenarioReviewDecisionActivity), new ScenarioReviewDecisionReceived(input.ScenarioId, input.Round, decided));
                if (status == ScenarioStatus.Cancelled)
                {
                    return Stop(input, stopWaiting, stopTimer, escalations, decidedSlots);
                }
            }
            else
            {
                escalations++;
                var open = input.Slots.Where(s => !decisions.ContainsKey(s)).ToList();
                var escalated = await context.CallActivityAsync<ScenarioEscalationResult>(
                    nameof(EscalateScenarioReviewActivity), new ScenarioReviewEscalation(input.ScenarioId, input.Round, escalations, open));
                if (escalated.Status == ScenarioStatus.Cancelled)
                {
                    return Stop(input, stopWaiting, stopTimer, escalations, decidedSlots);
                }

                foreach (var recovered in escalated.Recovered.Where(r => input.Slots.Contains(r.Slot) && !decisions.ContainsKey(r.Slot)))
                {
                    decisions[recovered.Slot] = recovered.Decision.Kind;
                    decidedSlots.Add(recovered.Slot);
                }

                // Keep waiting, and look again one deadline period later.
                var nextDue = DeadlineChecks.CheckMoment(input.AnchorUtc, input.DueUtc, escalations + 1);
                deadline = context.CreateTimer(compression.TimerFireTime(input.AnchorUtc, nextDue), stopTimer.Token);
            }

            outcome = ScenarioReviewAggregation.Decide(input.Slots, decisions);
        }

        stopTimer.Cancel();
        stopWaiting.Cancel();
        await context.CallActivityAsync<ScenarioStatus>(nameof(CompleteScenarioReviewActivity), new ScenarioReviewCompletion(input.ScenarioId, input.Round, outcome.Value));
        return new ScenarioReviewResult(input.ScenarioId, input.Round, ScenarioRules.Wire(outcome.Value), escalations, decidedSlots);
    }

    private static ScenarioReviewResult Stop(ScenarioReviewInput input, CancellationTokenSource stopWaiting, CancellationTokenSource stopTimer, int escalations, List<string> decidedSlots)
    {
        stopTimer.Cancel();
        stopWaiting.Cancel();
        return new ScenarioReviewResult(input.ScenarioId, input.Round, CancelledOutcome, escalations, decidedSlots);
    }
}
