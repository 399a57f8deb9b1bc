namespace Platform.Domain.Workflows;

/// <summary>
/// Starts lifecycle orchestrations and raises their external events. Instance ids follow docs/lifecycles.md:
/// <c>{kind}-{entityId}</c>, and starting an instance that already exists is not an error (idempotent start).
/// </summary>
public interface IWorkflowGateway
{
    Task StartAsync(string orchestratorName, string instanceId, object input, CancellationToken cancellationToken = default);

    /// <summary>Raises an event; returns false when the instance does not exist or has already finished.</summary>
    Task<bool> RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken = default);
}

public static class WorkflowInstanceIds
{
    public static string For(string kind, string entityId) => $"{kind}-{entityId}";
}
