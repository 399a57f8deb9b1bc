using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Fixture.Functions;

public sealed record ChildInput(string Payload, int Index);

/// <summary>A parent orchestration fanning out to sub-orchestrations, each calling an activity.</summary>
public sealed class SubOrchestrationFixtureFunctions
{
    [Function("StartParent")]
    public async Task<IActionResult> Start(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "fixture/parent/{instanceId}")] HttpRequest request,
        string instanceId,
        [DurableClient] DurableTaskClient client)
    {
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(ParentOrchestration), "数据", new StartOrchestrationOptions(instanceId));
        return new AcceptedResult($"/api/fixture/instances/{instanceId}", new { instanceId });
    }

    [Function(nameof(ParentOrchestration))]
    public async Task<string[]> ParentOrchestration([OrchestrationTrigger] TaskOrchestrationContext context, string input)
    {
        var children = Enumerable.Range(1, 3)
            .Select(i => context.CallSubOrchestratorAsync<string>(nameof(ChildOrchestration), new ChildInput(input, i), new SubOrchestrationOptions { InstanceId = $"{context.InstanceId}-child-{i}" }))
            .ToList();
        return await Task.WhenAll(children);
    }

    [Function(nameof(ChildOrchestration))]
    public Task<string> ChildOrchestration([OrchestrationTrigger] TaskOrchestrationContext context, ChildInput input)
        => context.CallActivityAsync<string>(nameof(BenchmarkFixtureFunctions.Echo), $"{input.Payload}-{input.Index}");
}
