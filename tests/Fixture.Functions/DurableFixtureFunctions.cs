using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Fixture.Functions;

public sealed record DelayedEchoInput(string Payload, int DelaySeconds);

public sealed record DelayedEchoResult(string Payload, DateTime StartedAt, DateTime DueAt, DateTime FiredAt, string Stamp);

public sealed record StampRequest(string InstanceId, string Payload);

public sealed class DurableFixtureFunctions(FixtureStore store)
{
    [Function("StartDelayedEcho")]
    public async Task<IActionResult> Start(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "fixture/delayed-echo/{instanceId}")] HttpRequest request,
        string instanceId,
        [DurableClient] DurableTaskClient client)
    {
        var input = await JsonSerializer.DeserializeAsync<DelayedEchoInput>(request.Body, JsonSerializerOptions.Web);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(DelayedEcho), input, new StartOrchestrationOptions(instanceId));
        return new AcceptedResult($"/api/fixture/instances/{instanceId}", new { instanceId });
    }

    [Function("GetInstance")]
    public async Task<IActionResult> GetInstance(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "fixture/instances/{instanceId}")] HttpRequest request,
        string instanceId,
        [DurableClient] DurableTaskClient client)
    {
        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
        return metadata is null
            ? new NotFoundResult()
            : new OkObjectResult(new
            {
                status = metadata.RuntimeStatus.ToString(),
                output = metadata.SerializedOutput is null ? (JsonElement?)null : JsonDocument.Parse(metadata.SerializedOutput).RootElement.Clone(),
                customStatus = metadata.SerializedCustomStatus,
            });
    }

    [Function(nameof(DelayedEcho))]
    public async Task<DelayedEchoResult> DelayedEcho([OrchestrationTrigger] TaskOrchestrationContext context, DelayedEchoInput input)
    {
        var startedAt = context.CurrentUtcDateTime;
        var dueAt = startedAt.AddSeconds(input.DelaySeconds);
        context.SetCustomStatus("waiting");
        await context.CreateTimer(dueAt, CancellationToken.None);
        var firedAt = context.CurrentUtcDateTime;
        var stamp = await context.CallActivityAsync<string>(nameof(StampEcho), new StampRequest(context.InstanceId, input.Payload));
        return new DelayedEchoResult(input.Payload, startedAt, dueAt, firedAt, stamp);
    }

    [Function(nameof(StampEcho))]
    public async Task<string> StampEcho([ActivityTrigger] StampRequest request)
    {
        // Each run of the activity is recorded, so a test can see it ran exactly once.
        await store.RecordAsync("stamp", $"{request.InstanceId}-{Guid.NewGuid():N}", new Dictionary<string, object> { ["Instance"] = request.InstanceId });
        return $"stamped:{request.Payload}";
    }
}
