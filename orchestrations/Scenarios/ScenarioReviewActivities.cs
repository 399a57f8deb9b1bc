using Microsoft.DurableTask;
using Platform.Domain.Approvals;
using Platform.Domain.Scenarios;

namespace Platform.Orchestrations.Scenarios;

public sealed record ScenarioReviewSlotRequest(string ScenarioId, int Round, string Slot);

public sealed record ScenarioReviewDecisionReceived(string ScenarioId, int Round, ApprovalDecidedEvent Decided);

/// <summary>The deadline passed (<paramref name="Escalation"/> counts from 1) with these slots still open.</summary>
public sealed record ScenarioReviewEscalation(string ScenarioId, int Round, int Escalation, IReadOnlyList<string> OpenSlots);

public sealed record ScenarioReviewCompletion(string ScenarioId, int Round, ReviewRoundOutcome Outcome);

/// <summary>Signs one reviewer's link and sends it through the outbox; repeating it sends nothing new.</summary>
public sealed class IssueScenarioReviewLinkActivity(ScenarioReviewSteps steps) : TaskActivity<ScenarioReviewSlotRequest, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, ScenarioReviewSlotRequest input)
    {
        await steps.IssueReviewLinkAsync(input.ScenarioId, input.Round, input.Slot);
        return input.Slot;
    }
}

/// <summary>Files a decision on the scenario as it arrives; returns the scenario's status.</summary>
public sealed class RecordScenarioReviewDecisionActivity(ScenarioReviewSteps steps) : TaskActivity<ScenarioReviewDecisionReceived, ScenarioStatus>
{
    public override Task<ScenarioStatus> RunAsync(TaskActivityContext context, ScenarioReviewDecisionReceived input)
        => steps.RecordDecisionAsync(input.ScenarioId, input.Round, input.Decided);
}

/// <summary>Marks late reviews overdue, tells the authority and reminds the reviewers; recovers decisions whose event was lost.</summary>
public sealed class EscalateScenarioReviewActivity(ScenarioReviewSteps steps) : TaskActivity<ScenarioReviewEscalation, ScenarioEscalationResult>
{
    public override Task<ScenarioEscalationResult> RunAsync(TaskActivityContext context, ScenarioReviewEscalation input)
        => steps.EscalateAsync(input.ScenarioId, input.Round, input.OpenSlots, input.Escalation);
}

/// <summary>Closes the round's open links, records the outcome and tells the operator; idempotent.</summary>
public sealed class CompleteScenarioReviewActivity(ScenarioReviewSteps steps) : TaskActivity<ScenarioReviewCompletion, ScenarioStatus>
{
    public override Task<ScenarioStatus> RunAsync(TaskActivityContext context, ScenarioReviewCompletion input)
        => steps.CompleteRoundAsync(input.ScenarioId, input.Round, input.Outcome);
}
