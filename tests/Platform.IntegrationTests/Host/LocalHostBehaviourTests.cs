using Xunit;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Platform.IntegrationTests.Infrastructure;

namespace Platform.IntegrationTests.Host;

/// <summary>
/// The local host's Functions semantics, proven with the test-only fixture functions (tests/Fixture.Functions) so
/// that they hold whatever the platform's own functions do.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LocalHostBehaviourTests
{
    private static readonly QueueClientOptions Base64 = new() { MessageEncoding = QueueMessageEncoding.Base64 };

    [Fact]
    public async Task Http_RouteTemplates_MatchLikeTheFunctionsHost()
    {
        await using var host = await HostProcess.StartAsync(HostProcess.FixtureHostDll, new HostSettings());

        var item = await host.Http.GetFromJsonAsync<JsonElement>("/api/fixture/items/42");
        Assert.Equal(42, item.GetProperty("id").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync("/api/fixture/items/abc")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync("/fixture/items/42")).StatusCode);

        var named = await host.Http.GetFromJsonAsync<JsonElement>("/api/fixture/named/report");
        Assert.Equal("latest", named.GetProperty("version").GetString());
        var versioned = await host.Http.GetFromJsonAsync<JsonElement>("/api/fixture/named/report/v2");
        Assert.Equal("v2", versioned.GetProperty("version").GetString());

        // A method the trigger does not list is not routed at all, as on the Functions host.
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.DeleteAsync("/api/fixture/ping")).StatusCode);
        var echoed = await host.Http.PutAsync("/api/fixture/echo", new StringContent("数据可用不可见", System.Text.Encoding.UTF8, "text/plain"));
        Assert.Equal("数据可用不可见", await echoed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Http_UnhandledException_Returns500WithoutExceptionText()
    {
        await using var host = await HostProcess.StartAsync(HostProcess.FixtureHostDll, new HostSettings());

        var response = await host.Http.GetAsync("/api/fixture/throws");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("secret stack", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Durable_HostKilledWhileTimerPending_CompletesOnTimeWithStateAfterRestart()
    {
        var settings = new HostSettings();
        const int delaySeconds = 12;
        DateTime dueAt;
        await using (var first = await HostProcess.StartAsync(HostProcess.FixtureHostDll, settings))
        {
            var started = await first.Http.PostAsJsonAsync("/api/fixture/delayed-echo/echo-1", new { payload = "原始数据不出域", delaySeconds });
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var waiting = await PollAsync(first, "echo-1", s => s.GetProperty("customStatus").GetString() == "\"waiting\"", TimeSpan.FromSeconds(30));
            Assert.Equal("Running", waiting.GetProperty("status").GetString());
            dueAt = DateTime.UtcNow.AddSeconds(delaySeconds);
            first.Kill();
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        await using var second = await HostProcess.StartAsync(HostProcess.FixtureHostDll, settings);
        var done = await PollAsync(second, "echo-1", s => s.GetProperty("status").GetString() == "Completed", TimeSpan.FromSeconds(60));
        var completedSeenAt = DateTime.UtcNow;

        var output = done.GetProperty("output");
        Assert.Equal("原始数据不出域", output.GetProperty("Payload").GetString());
        Assert.Equal("stamped:原始数据不出域", output.GetProperty("Stamp").GetString());
        var orchestrationDue = output.GetProperty("DueAt").GetDateTime();
        var firedAt = output.GetProperty("FiredAt").GetDateTime();
        Assert.InRange(firedAt, orchestrationDue.AddSeconds(-1.5), orchestrationDue.AddSeconds(10));
        Assert.True(completedSeenAt >= dueAt.AddSeconds(-3), $"completed at {completedSeenAt:O}, before the timer was due at {dueAt:O}");

        var stamps = await ReadPartitionAsync(settings, "stamp");
        Assert.Single(stamps);
    }

    [Fact]
    public async Task Durable_SubOrchestrations_CompleteAndTheParentHistoryStaysReadableAfterRestart()
    {
        var settings = new HostSettings();
        await using (var first = await HostProcess.StartAsync(HostProcess.FixtureHostDll, settings))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await first.Http.PostAsync("/api/fixture/parent/fan-1", null)).StatusCode);
            var done = await PollAsync(first, "fan-1", s => s.GetProperty("status").GetString() is "Completed" or "Failed", TimeSpan.FromSeconds(60));
            Assert.Equal("Completed", done.GetProperty("status").GetString());
            Assert.Equal(["数据-1", "数据-2", "数据-3"], done.GetProperty("output").EnumerateArray().Select(e => e.GetString()!).ToArray());
        }

        await using var second = await HostProcess.StartAsync(HostProcess.FixtureHostDll, settings);
        var again = await PollAsync(second, "fan-1", s => true, TimeSpan.FromSeconds(30));
        Assert.Equal("Completed", again.GetProperty("status").GetString());
        var child = await PollAsync(second, "fan-1-child-2", s => true, TimeSpan.FromSeconds(30));
        Assert.Equal("数据-2", child.GetProperty("output").GetString());
    }

    [Fact]
    public async Task Queue_MessageThatAlwaysFails_MovesToPoisonAfterExactlyFiveAttempts()
    {
        var settings = new HostSettings();
        await using var host = await HostProcess.StartAsync(HostProcess.FixtureHostDll, settings);
        var queueName = settings["Fixture__WorkQueue"];
        var queue = new QueueClient(AzuriteFixture.ConnectionString, queueName, Base64);
        await queue.CreateIfNotExistsAsync();
        var poison = new QueueClient(AzuriteFixture.ConnectionString, queueName + "-poison", Base64);

        await queue.SendMessageAsync(JsonSerializer.Serialize(new { key = "bad", mode = "fail", text = "坏消息" }));

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !(await poison.ExistsAsync() && (await poison.PeekMessagesAsync(1)).Value.Length == 1))
        {
            await Task.Delay(500);
        }

        var poisoned = (await poison.PeekMessagesAsync(5)).Value;
        Assert.Single(poisoned);
        Assert.Equal("坏消息", JsonDocument.Parse(poisoned[0].Body.ToString()).RootElement.GetProperty("text").GetString());
        await Task.Delay(TimeSpan.FromSeconds(2));
        var attempts = await ReadPartitionAsync(settings, "attempt-bad");
        Assert.Equal(["001", "002", "003", "004", "005"], attempts.Select(a => a.RowKey).ToArray());
        Assert.Empty((await queue.PeekMessagesAsync(5)).Value);
    }

    [Fact]
    public async Task Queue_MessageNotValidBase64_MovedToPoisonUnchangedAndTheHostKeepsServing()
    {
        var settings = new HostSettings();
        await using var host = await HostProcess.StartAsync(HostProcess.FixtureHostDll, settings);
        var queueName = settings["Fixture__WorkQueue"];
        var raw = new QueueClient(AzuriteFixture.ConnectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        await raw.CreateIfNotExistsAsync();
        var rawPoison = new QueueClient(AzuriteFixture.ConnectionString, queueName + "-poison", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

        await raw.SendMessageAsync("{\"key\":\"plain\",\"text\":\"不是base64\"}");
        await new QueueClient(AzuriteFixture.ConnectionString, queueName, Base64)
            .SendMessageAsync(JsonSerializer.Serialize(new { key = "after", mode = "ok", text = "之后的消息" }));

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && ((await ReadPartitionAsync(settings, "done-after")).Count == 0
            || !(await rawPoison.ExistsAsync() && (await rawPoison.PeekMessagesAsync(1)).Value.Length == 1)))
        {
            await Task.Delay(250);
        }

        Assert.False(host.HasExited, host.Output);
        Assert.Equal("之后的消息", Assert.Single(await ReadPartitionAsync(settings, "done-after")).GetString("Text"));
        var poisoned = Assert.Single((await rawPoison.PeekMessagesAsync(5)).Value);
        Assert.Equal("{\"key\":\"plain\",\"text\":\"不是base64\"}", poisoned.Body.ToString());
        Assert.Empty((await raw.PeekMessagesAsync(5)).Value);
        var ping = await host.Http.GetAsync("/api/fixture/ping");
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
    }

    [Fact]
    public async Task Queue_HostKilledWhileProcessing_MessageIsProcessedAgainAfterRestart()
    {
        var settings = new HostSettings();
        settings["LocalHost__QueueMessageLease"] = "00:00:04";
        var queue = new QueueClient(AzuriteFixture.ConnectionString, settings["Fixture__WorkQueue"], Base64);
        await queue.CreateIfNotExistsAsync();
        await using (var first = await HostProcess.StartAsync(HostProcess.FixtureHostDll, settings))
        {
            await queue.SendMessageAsync(JsonSerializer.Serialize(new { key = "crash", mode = "slow-once", seconds = 120, text = "处理中" }));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && (await ReadPartitionAsync(settings, "attempt-crash")).Count == 0)
            {
                await Task.Delay(250);
            }

            Assert.Single(await ReadPartitionAsync(settings, "attempt-crash"));
            first.Kill();
        }

        await using var second = await HostProcess.StartAsync(HostProcess.FixtureHostDll, settings);
        var until = DateTime.UtcNow.AddSeconds(45);
        while (DateTime.UtcNow < until && (await ReadPartitionAsync(settings, "done-crash")).Count == 0)
        {
            await Task.Delay(250);
        }

        var done = await ReadPartitionAsync(settings, "done-crash");
        Assert.Equal(["002"], done.Select(d => d.RowKey).ToArray());
        Assert.Equal("处理中", done[0].GetString("Text"));
        Assert.Empty((await queue.PeekMessagesAsync(5)).Value);
    }

    [Fact]
    public async Task Timer_SixFieldSchedule_FiresOnScheduleInUtc()
    {
        var settings = new HostSettings();
        settings["Fixture__TickSchedule"] = "*/2 * * * * *";
        await using var host = await HostProcess.StartAsync(HostProcess.FixtureHostDll, settings);

        await Task.Delay(TimeSpan.FromSeconds(7.5));

        var ticks = await ReadPartitionAsync(settings, "tick");
        Assert.InRange(ticks.Count, 3, 5);
        foreach (var tick in ticks)
        {
            var next = DateTime.Parse(tick.GetString("Next"), null, System.Globalization.DateTimeStyles.RoundtripKind);
            Assert.Equal(0, next.Second % 2);
            Assert.Equal(0, next.Millisecond);
        }
    }

    [Fact]
    public async Task Startup_InvalidHostJsonSetting_FailsLoudlyNamingIt()
    {
        var settings = new HostSettings();
        settings["AzureFunctionsJobHost__extensions__queues__batchSize"] = "99";

        var (exitCode, output) = await HostProcess.RunToExitAsync(HostProcess.FixtureHostDll, settings, TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("batchSize", output, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> PollAsync(HostProcess host, string instanceId, Func<JsonElement, bool> until, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            var response = await host.Http.GetAsync($"/api/fixture/instances/{instanceId}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                last = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (until(last))
                {
                    return last;
                }
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Instance {instanceId} did not reach the expected state in {timeout}; last: {last}. Host output:\n{host.Output}");
    }

    private static async Task<List<TableEntity>> ReadPartitionAsync(HostSettings settings, string partition)
    {
        var table = new TableClient(AzuriteFixture.ConnectionString, settings["Fixture__Table"]);
        await table.CreateIfNotExistsAsync();
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition))
        {
            rows.Add(row);
        }

        return rows.OrderBy(r => r.RowKey, StringComparer.Ordinal).ToList();
    }
}
