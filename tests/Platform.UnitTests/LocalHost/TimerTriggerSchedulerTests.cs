using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.LocalHost.Discovery;
using Platform.LocalHost.Timers;
using Xunit;

namespace Platform.UnitTests.LocalHost;

public sealed class TimerTriggerSchedulerTests
{
    [Fact]
    public async Task ExecuteAsync_NextOccurrenceMonthsAway_KeepsWaitingInsteadOfFailing()
    {
        // 27 November to 1 March is 94 days, beyond the ~49.7 days a single timer can wait.
        var time = new FixedTimeProvider(new DateTimeOffset(2026, 11, 27, 4, 0, 0, TimeSpan.Zero));
        var function = FunctionCatalog.Discover([typeof(YearlyFunction)]).Single();
        using var services = new ServiceCollection().AddSingleton<YearlyFunction>().BuildServiceProvider();
        using var scheduler = new TimerTriggerScheduler(function, services, new ConfigurationBuilder().Build(), time, NullLogger.Instance);

        await scheduler.StartAsync(CancellationToken.None);
        await Task.Delay(300);
        var running = scheduler.ExecuteTask!;
        await scheduler.StopAsync(CancellationToken.None);

        Assert.False(running.IsFaulted, running.Exception?.ToString());
        Assert.Equal(0, YearlyFunction.Runs);
    }

    public sealed class YearlyFunction
    {
        public static int Runs { get; private set; }

        [Function("Yearly")]
        public Task Run([TimerTrigger("0 0 1 1 3 *")] TimerInfo timer)
        {
            Runs++;
            return Task.CompletedTask;
        }
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
