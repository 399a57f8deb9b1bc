using Grpc.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Platform.Domain.Workflows;

namespace Platform.Functions.Workflows;

/// <summary>The domain's view of Durable Functions, over the client a function is given by its [DurableClient] binding.</summary>
public sealed class DurableWorkflowGateway(DurableTaskClient client) : IWorkflowGateway
{
    public async Task StartAsync(string orchestratorName, string instanceId, object input, CancellationToken cancellationToken = default)
    {
        var existing = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (existing is not null)
        {
            return;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(new TaskName(orchestratorName), input, new StartOrchestrationOptions(instanceId), cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
        {
            // Started by a concurrent retry of the same request: the start is idempotent.
        }
    }

    public async Task<bool> RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken = default)
    {
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (instance is null || instance.IsCompleted)
        {
            return false;
        }

        await client.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);
        return true;
    }
}
