using Platform.Domain.Workflows;

namespace Platform.Domain.Approvals;

/// <summary>
/// Takes the decisions of slots that belong to no orchestration (e.g. the sandbox release step, issue 14 item 6): the slot's
/// instance id names the handler. Returns false when the subject no longer waits for decisions (the link is then closed).
/// </summary>
public interface IApprovalDecisionHandler
{
    bool Handles(string instanceId);

    Task<bool> DecideAsync(string instanceId, ApprovalDecidedEvent decided, CancellationToken cancellationToken = default);
}

/// <summary>
/// The gateway the approval routes hand to <see cref="ApprovalService.DecideAsync"/>: a decision of a slot a handler owns goes to
/// that handler; everything else to the orchestrations as before.
/// </summary>
public sealed class DispatchingWorkflowGateway(IWorkflowGateway orchestrations, IEnumerable<IApprovalDecisionHandler> handlers) : IWorkflowGateway
{
    public Task StartAsync(string orchestratorName, string instanceId, object input, CancellationToken cancellationToken = default)
        => orchestrations.StartAsync(orchestratorName, instanceId, input, cancellationToken);

    public Task<bool> RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken = default)
        => eventName == ApprovalService.DecisionEventName && payload is ApprovalDecidedEvent decided && handlers.FirstOrDefault(h => h.Handles(instanceId)) is { } handler
            ? handler.DecideAsync(instanceId, decided, cancellationToken)
            : orchestrations.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);
}
