using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Platform.Domain.Jobs;
using Platform.Domain.Time;
using Xunit;

namespace Platform.UnitTests.Jobs;

public sealed class RunningJobRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 6, 0, 0, TimeSpan.Zero);
    private static readonly JobReconciliationOptions Options = new() { HeartbeatTimeout = TimeSpan.FromSeconds(60), MaxRequeues = 3 };

    [Fact]
    public void LastSignOfLife_BeatAfterTheStart_TheBeatCounts()
        => Assert.Equal(Now.AddSeconds(-10), RunningJobRule.LastSignOfLife(Now.AddSeconds(-10), Now.AddHours(-1), null, Now.AddMinutes(-30)));

    [Fact]
    public void LastSignOfLife_BeatOfAnEarlierAttempt_TheNewStartCounts()
        => Assert.Equal(Now.AddSeconds(-5), RunningJobRule.LastSignOfLife(Now.AddMinutes(-20), Now.AddHours(-1), Now.AddMinutes(-10), Now.AddSeconds(-5)));

    [Fact]
    public void LastSignOfLife_RecordFromBeforeHeartbeats_StartOrCreationCounts()
    {
        Assert.Equal(Now.AddMinutes(-3), RunningJobRule.LastSignOfLife(null, Now.AddHours(-1), null, Now.AddMinutes(-3)));
        Assert.Equal(Now.AddHours(-1), RunningJobRule.LastSignOfLife(null, Now.AddHours(-1), null, null));
    }

    [Theory]
    [InlineData(0, 0, QueuedJobAction.Wait)]
    [InlineData(59, 0, QueuedJobAction.Wait)]
    [InlineData(60, 0, QueuedJobAction.HandBack)]
    [InlineData(3600, 2, QueuedJobAction.HandBack)]
    [InlineData(60, 3, QueuedJobAction.GiveUp)]
    [InlineData(59, 3, QueuedJobAction.Wait)]
    public void Decide_SilenceAndRequeues_WaitHandBackOrGiveUp(int secondsSinceLastSign, int requeueCount, QueuedJobAction expected)
        => Assert.Equal(expected, RunningJobRule.Decide(Now.AddSeconds(-secondsSinceLastSign), requeueCount, Now, Options));

    [Fact]
    public void Decide_LegacyRunningRecordStartedTwoMinutesAgo_HandedBack()
        => Assert.Equal(QueuedJobAction.HandBack,
            RunningJobRule.Decide(RunningJobRule.LastSignOfLife(null, Now.AddMinutes(-3), null, Now.AddMinutes(-2)), 0, Now, Options));

    [Theory]
    [InlineData("00:00:00", "00:01:00", "Jobs:HeartbeatInterval")]
    [InlineData("00:00:15", "00:00:20", "Jobs:HeartbeatTimeout")]
    [InlineData("00:00:15", "00:00:00", "Jobs:HeartbeatTimeout")]
    public void Validate_HeartbeatSettingsOutOfRange_NamesTheSetting(string interval, string timeout, string setting)
    {
        var options = new JobReconciliationOptions
        {
            HeartbeatInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture),
            HeartbeatTimeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture),
        };

        Assert.Contains(options.Validate(), problem => problem.StartsWith(setting, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_WhileTheAttemptRuns_BeatsAndStopsWhenDisposed()
    {
        var beats = new InMemoryJobHeartbeatStore();
        var heartbeat = new JobHeartbeat(beats, Mock.Of<IClock>(c => c.UtcNow == Now),
            new JobReconciliationOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(20), HeartbeatTimeout = TimeSpan.FromSeconds(1) },
            NullLogger<JobHeartbeat>.Instance);

        await using (heartbeat.Start("sandbox", "sbx-1"))
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (beats.Count < 2 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
        }

        var afterStop = beats.Count;
        await Task.Delay(100);
        Assert.True(afterStop >= 2, $"{afterStop} beat(s)");
        Assert.Equal(afterStop, beats.Count);
        Assert.Equal(Now, await beats.LastBeatAsync("sandbox", "sbx-1"));
    }
}
