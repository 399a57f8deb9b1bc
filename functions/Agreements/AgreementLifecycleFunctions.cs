using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Platform.Domain.Agreements;
using Platform.Functions.Workflows;
using Platform.Orchestrations.Agreements;

namespace Platform.Functions.Agreements;

/// <summary>Thin Functions wrappers of the agreement-lifecycle orchestrator and its activities (class-based, in orchestrations/).</summary>
public sealed class AgreementLifecycleFunctions(RecordAgreementMilestoneActivity recordMilestone, RevokeAgreementActivity revoke, BeginAgreementExitActivity beginExit)
{
    [Function(nameof(AgreementLifecycleOrchestrator))]
    public Task<AgreementLifecycleResult> RunLifecycle([OrchestrationTrigger] TaskOrchestrationContext context, AgreementLifecycleInput input)
        => new AgreementLifecycleOrchestrator().RunAsync(context, input);

    [Function(nameof(RecordAgreementMilestoneActivity))]
    public Task<AgreementStatus> RecordMilestone([ActivityTrigger] AgreementMilestoneReached input)
        => recordMilestone.RunAsync(FunctionActivityContext.For(nameof(RecordAgreementMilestoneActivity)), input);

    [Function(nameof(RevokeAgreementActivity))]
    public Task<AgreementRevocation> Revoke([ActivityTrigger] RevokeAgreementRequest input)
        => revoke.RunAsync(FunctionActivityContext.For(nameof(RevokeAgreementActivity)), input);

    [Function(nameof(BeginAgreementExitActivity))]
    public Task<AgreementExit?> BeginExit([ActivityTrigger] AgreementExitRequest input, [DurableClient] DurableTaskClient client)
        => beginExit.RunAsync(input, new DurableWorkflowGateway(client));
}
