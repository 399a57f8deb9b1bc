using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Platform.Domain.Scenarios;
using Platform.Functions.Workflows;
using Platform.Orchestrations.Scenarios;

namespace Platform.Functions.Scenarios;

/// <summary>Thin Functions wrappers of the scenario-review orchestrator and its activities (class-based, in orchestrations/).</summary>
public sealed class ScenarioReviewFunctions(
    IssueScenarioReviewLinkActivity issueLink,
    RecordScenarioReviewDecisionActivity recordDecision,
    EscalateScenarioReviewActivity escalate,
    CompleteScenarioReviewActivity complete)
{
    [Function(nameof(ScenarioReviewOrchestrator))]
    public Task<ScenarioReviewResult> RunReview([OrchestrationTrigger] TaskOrchestrationContext context, ScenarioReviewInput input)
        => new ScenarioReviewOrchestrator().RunAsync(context, input);

    [Function(nameof(IssueScenarioReviewLinkActivity))]
    public Task<string> IssueLink([ActivityTrigger] ScenarioReviewSlotRequest input)
        => issueLink.RunAsync(FunctionActivityContext.For(nameof(IssueScenarioReviewLinkActivity)), input);

    [Function(nameof(RecordScenarioReviewDecisionActivity))]
    public Task<ScenarioStatus> RecordDecision([ActivityTrigger] ScenarioReviewDecisionReceived input)
        => recordDecision.RunAsync(FunctionActivityContext.For(nameof(RecordScenarioReviewDecisionActivity)), input);

    [Function(nameof(EscalateScenarioReviewActivity))]
    public Task<ScenarioEscalationResult> Escalate([ActivityTrigger] ScenarioReviewEscalation input)
        => escalate.RunAsync(FunctionActivityContext.For(nameof(EscalateScenarioReviewActivity)), input);

    [Function(nameof(CompleteScenarioReviewActivity))]
    public Task<ScenarioStatus> Complete([ActivityTrigger] ScenarioReviewCompletion input)
        => complete.RunAsync(FunctionActivityContext.For(nameof(CompleteScenarioReviewActivity)), input);
}
