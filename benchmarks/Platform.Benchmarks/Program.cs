using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Platform.IntegrationTests.Infrastructure;

// Benchmarks of the local stack (not part of the test run): `./scripts/benchmark.sh`.
// Each figure is printed beside a baseline measured in the same run, because these machines are noisy.
// The in-memory baseline host logs every gRPC call at Information by default; that would measure the console.
Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
var quick = args.Contains("--quick");
var httpRequests = quick ? 500 : 3000;
var sequentialOrchestrations = quick ? 10 : 30;
var concurrentOrchestrations = 100;

var azurite = new AzuriteFixture();
await azurite.InitializeAsync();
try
{
    Console.WriteLine($"# Benchmarks {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {Environment.OSVersion}");
    Console.WriteLine();
    Console.WriteLine("| measurement | p50 ms | p99 ms | throughput |");
    Console.WriteLine("|---|---|---|---|");

    await using (var baseline = await StartBareKestrelAsync())
    {
        Report("HTTP baseline: bare Kestrel endpoint, no functions host", await MeasureHttpAsync(baseline.Url + "/ping", httpRequests, 16), "req/s");
    }

    var platformSettings = new HostSettings();
    await using (var platform = await HostProcess.StartAsync(HostProcess.PlatformHostDll, platformSettings))
    {
        Report("HTTP GET /api/health through the local host (checks blob, queue, table)", await MeasureHttpAsync(platform.BaseUrl + "/api/health", httpRequests, 16), "req/s");
    }

    var fixtureSettings = new HostSettings();
    await using (var fixture = await HostProcess.StartAsync(HostProcess.FixtureHostDll, fixtureSettings))
    {
        Report("HTTP GET /api/fixture/ping through the local host (no I/O)", await MeasureHttpAsync(fixture.BaseUrl + "/api/fixture/ping", httpRequests, 16), "req/s");

        await RunOrchestrationsAsync("warm-up", fixture, 3, sequential: true);
        Report("Orchestration + 1 activity, sequential, Azure Storage backend (Azurite) via local host", await RunOrchestrationsAsync("seq", fixture, sequentialOrchestrations, sequential: true), "orch/s");
        Report($"Orchestration + 1 activity, {concurrentOrchestrations} concurrent, Azure Storage backend (Azurite) via local host", await RunOrchestrationsAsync("par", fixture, concurrentOrchestrations, sequential: false), "orch/s");
    }

    await using (var memory = await DurableTaskTestHost.StartAsync(registry =>
    {
        registry.AddOrchestratorFunc<string, string>("OneActivity", (context, input) => context.CallActivityAsync<string>("Echo", input));
        registry.AddActivityFunc<string, string>("Echo", (_, input) => input);
    }))
    {
        await RunInMemoryAsync(memory.Client, "warm", 3, sequential: true);
        Report("Baseline: orchestration + 1 activity, sequential, in-memory backend (no storage)", await RunInMemoryAsync(memory.Client, "seq", sequentialOrchestrations, sequential: true), "orch/s");
        Report($"Baseline: orchestration + 1 activity, {concurrentOrchestrations} concurrent, in-memory backend", await RunInMemoryAsync(memory.Client, "par", concurrentOrchestrations, sequential: false), "orch/s");
    }
}
finally
{
    await azurite.DisposeAsync();
}

static void Report(string name, Measurement m, string unit)
    => Console.WriteLine($"| {name} | {m.Percentile(50):F1} | {m.Percentile(99):F1} | {m.Throughput:F0} {unit} |");

static async Task<Measurement> MeasureHttpAsync(string url, int requests, int concurrency)
{
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency });
    for (var i = 0; i < 50; i++)
    {
        (await http.GetAsync(url)).EnsureSuccessStatusCode();
    }

    var latencies = new double[requests];
    var next = -1;
    var total = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < requests)
        {
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync(url);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}");
            }

            latencies[i] = watch.Elapsed.TotalMilliseconds;
        }
    }));
    return new Measurement(latencies, requests / total.Elapsed.TotalSeconds);
}

static async Task<Measurement> RunOrchestrationsAsync(string prefix, HostProcess host, int count, bool sequential)
{
    var run = Guid.NewGuid().ToString("N")[..6];
    async Task<double> OneAsync(int i)
    {
        var id = $"{prefix}-{run}-{i}";
        var watch = Stopwatch.StartNew();
        (await host.Http.PostAsync($"/api/fixture/one-activity/{id}", null)).EnsureSuccessStatusCode();
        while (true)
        {
            var status = await host.Http.GetFromJsonAsync<JsonElement>($"/api/fixture/instances/{id}");
            if (status.GetProperty("status").GetString() == "Completed")
            {
                return watch.Elapsed.TotalMilliseconds;
            }

            await Task.Delay(50);
        }
    }

    return await RunAsync(count, sequential, OneAsync);
}

static async Task<Measurement> RunInMemoryAsync(DurableTaskClient client, string prefix, int count, bool sequential)
{
    var run = Guid.NewGuid().ToString("N")[..6];
    async Task<double> OneAsync(int i)
    {
        var id = $"{prefix}-{run}-{i}";
        var watch = Stopwatch.StartNew();
        await client.ScheduleNewOrchestrationInstanceAsync(new TaskName("OneActivity"), id, new StartOrchestrationOptions(id));
        while ((await client.GetInstanceAsync(id))?.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            await Task.Delay(50);
        }

        return watch.Elapsed.TotalMilliseconds;
    }

    return await RunAsync(count, sequential, OneAsync);
}

static async Task<Measurement> RunAsync(int count, bool sequential, Func<int, Task<double>> one)
{
    var total = Stopwatch.StartNew();
    double[] latencies;
    if (sequential)
    {
        latencies = new double[count];
        for (var i = 0; i < count; i++)
        {
            latencies[i] = await one(i);
        }
    }
    else
    {
        latencies = await Task.WhenAll(Enumerable.Range(0, count).Select(one));
    }

    return new Measurement(latencies, count / total.Elapsed.TotalSeconds);
}

static async Task<BareKestrel> StartBareKestrelAsync()
{
    var port = HostProcess.FreePort();
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
    var app = builder.Build();
    app.MapGet("/ping", () => Results.Json(new { pong = true }));
    await app.StartAsync();
    return new BareKestrel(app, $"http://127.0.0.1:{port}");
}

internal sealed record Measurement(double[] Latencies, double Throughput)
{
    public double Percentile(int p)
    {
        var sorted = Latencies.OrderBy(x => x).ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}

internal sealed record BareKestrel(WebApplication App, string Url) : IAsyncDisposable
{
    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
