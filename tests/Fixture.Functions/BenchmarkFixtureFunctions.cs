using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Fixture.Functions;

/// <summary>The smallest durable workload: one orchestration calling one activity, for latency and throughput figures.</summary>
public sealed class BenchmarkFixtureFunctions
{
    [Function("StartOneActivity")]
    public async Task<IActionResult> Start(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "fixture/one-activity/{instanceId}")] HttpRequest request,
        string instanceId,
        [DurableClient] DurableTaskClient client)
    {
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(OneActivity), instanceId, new StartOrchestrationOptions(instanceId));
        return new AcceptedResult($"/api/fixture/instances/{instanceId}", new { instanceId });
    }

    [Function(nameof(OneActivity))]
    public Task<string> OneActivity([OrchestrationTrigger] TaskOrchestrationContext context, string input)
        => context.CallActivityAsync<string>(nameof(Echo), input);

    [Function(nameof(Echo))]
    public string Echo([ActivityTrigger] string input) => input;
}
