using Microsoft.Azure.Functions.Worker;

namespace Fixture.Functions;

public sealed record FixtureMessage(string Key, string Mode, int Seconds = 0, string? Text = null);

public sealed class QueueFixtureFunctions(FixtureStore store)
{
    [Function("ProcessWork")]
    public async Task ProcessWork([QueueTrigger("%Fixture:WorkQueue%")] FixtureMessage message, long dequeueCount, string id, CancellationToken cancellationToken)
    {
        await store.RecordAsync($"attempt-{message.Key}", dequeueCount.ToString("D3"), new Dictionary<string, object> { ["MessageId"] = id, ["Text"] = message.Text ?? "" });
        switch (message.Mode)
        {
            case "fail":
                throw new InvalidOperationException($"fixture message {message.Key} always fails");
            case "slow-once" when dequeueCount == 1:
                await Task.Delay(TimeSpan.FromSeconds(message.Seconds), cancellationToken);
                break;
        }

        await store.RecordAsync($"done-{message.Key}", dequeueCount.ToString("D3"), new Dictionary<string, object> { ["Text"] = message.Text ?? "" });
    }
}

public sealed class TimerFixtureFunctions(FixtureStore store)
{
    [Function("Tick")]
    public Task Tick([TimerTrigger("%Fixture:TickSchedule%")] TimerInfo timer)
        => store.RecordAsync("tick", DateTime.UtcNow.ToString("yyyyMMddHHmmssfff"), new Dictionary<string, object> { ["Next"] = timer.ScheduleStatus?.Next.ToString("O") ?? "" });
}
