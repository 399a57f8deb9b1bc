using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Platform.Domain.DataRequests;
using Platform.Functions.Workflows;
using Platform.Orchestrations.DataRequests;

namespace Platform.Functions.DataRequests;

/// <summary>Thin Functions wrappers of the data-request orchestrator and its activities (class-based, in orchestrations/).</summary>
public sealed class DataRequestWorkflowFunctions(
    ScheduleDataRequestReviewActivity schedule,
    IssueDataRequestReviewTaskActivity issueTask,
    RemindDataRequestReviewActivity remind,
    RecordDataRequestDecisionActivity recordDecision,
    EscalateDataRequestReviewActivity escalate,
    ProvisionDataRequestActivity provision,
    ReportDataRequestProvisioningFailureActivity reportFailure,
    CompleteDataRequestActivity complete)
{
    [Function(nameof(DataRequestOrchestrator))]
    public Task<DataRequestReviewResult> RunReview([OrchestrationTrigger] TaskOrchestrationContext context, DataRequestReviewInput input)
        => new DataRequestOrchestrator().RunAsync(context, input);

    [Function(nameof(ScheduleDataRequestReviewActivity))]
    public Task<DataRequestReviewPlan> Schedule([ActivityTrigger] string input)
        => schedule.RunAsync(FunctionActivityContext.For(nameof(ScheduleDataRequestReviewActivity)), input);

    [Function(nameof(IssueDataRequestReviewTaskActivity))]
    public Task<string> IssueTask([ActivityTrigger] DataRequestSlotRequest input)
        => issueTask.RunAsync(FunctionActivityContext.For(nameof(IssueDataRequestReviewTaskActivity)), input);

    [Function(nameof(RemindDataRequestReviewActivity))]
    public Task<DataRequestStatus> Remind([ActivityTrigger] DataRequestSlotRequest input)
        => remind.RunAsync(FunctionActivityContext.For(nameof(RemindDataRequestReviewActivity)), input);

    [Function(nameof(RecordDataRequestDecisionActivity))]
    public Task<DataRequestDecisionOutcome> RecordDecision([ActivityTrigger] DataRequestSlotRequest input)
        => recordDecision.RunAsync(FunctionActivityContext.For(nameof(RecordDataRequestDecisionActivity)), input);

    [Function(nameof(EscalateDataRequestReviewActivity))]
    public Task<DataRequestEscalationOutcome> Escalate([ActivityTrigger] DataRequestEscalation input)
        => escalate.RunAsync(FunctionActivityContext.For(nameof(EscalateDataRequestReviewActivity)), input);

    [Function(nameof(ProvisionDataRequestActivity))]
    public Task<string?> Provision([ActivityTrigger] DataRequestSlotRequest input)
        => provision.RunAsync(FunctionActivityContext.For(nameof(ProvisionDataRequestActivity)), input);

    [Function(nameof(ReportDataRequestProvisioningFailureActivity))]
    public Task<string> ReportProvisioningFailure([ActivityTrigger] DataRequestProvisioningFailure input)
        => reportFailure.RunAsync(FunctionActivityContext.For(nameof(ReportDataRequestProvisioningFailureActivity)), input);

    [Function(nameof(CompleteDataRequestActivity))]
    public Task<DataRequestStatus> Complete([ActivityTrigger] string input)
        => complete.RunAsync(FunctionActivityContext.For(nameof(CompleteDataRequestActivity)), input);
}
