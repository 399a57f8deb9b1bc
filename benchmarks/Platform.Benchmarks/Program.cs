using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Platform.Domain.Catalog;
using Platform.Domain.Masking;
using Platform.IntegrationTests.Infrastructure;

// Benchmarks of the local stack (not part of the test run): `./scripts/benchmark.sh`.
// Each figure is printed beside a baseline measured in the same run, because these machines are noisy.
// The in-memory baseline host logs every gRPC call at Information by default; that would measure the console.
Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
var quick = args.Contains("--quick");
// `--rows N` overrides the row count of --masking and --sandbox (e.g. 10,000,000).
var rowsAt = Array.IndexOf(args, "--rows");
int? rowsArgument = rowsAt >= 0 && rowsAt + 1 < args.Length ? int.Parse(args[rowsAt + 1], System.Globalization.CultureInfo.InvariantCulture) : null;
if (args.Contains("--masking"))
{
    // `--masking [--quick]`: the masking engine alone, no storage; 1,000,000 rows (100,000 with --quick).
    await MaskingBenchmark.RunAsync(rowsArgument ?? (quick ? 100_000 : 1_000_000));
    return;
}

if (args.Contains("--sandbox"))
{
    // `--sandbox [--quick]`: issue 7's measure; 1,000,000 granted rows, 5 repetitions (100,000 and 3 with --quick).
    await SandboxBenchmark.RunAsync(rowsArgument ?? (quick ? 100_000 : 1_000_000), quick ? 3 : 5);
    return;
}

if (args.Contains("--link-flood"))
{
    // `--link-flood [--quick]`: issue 20's measure; authenticated writes quiet and during 2,000 anonymous link attempts.
    await LinkFloodBenchmark.RunAsync(quick ? 100 : 300, 2000);
    return;
}

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

/// <summary>
/// Streams a generated people file (12 columns, every identifier kind, Chinese names and addresses) through the
/// masking engine, for the sample and the provisioning purpose, beside a baseline run that parses and writes the same
/// file with the same reader and writer but masks nothing. Output goes to Stream.Null: this measures the engine, not a disk.
/// </summary>
internal static class MaskingBenchmark
{
    private static readonly string[] Surnames = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "欧阳", "司马"];
    private static readonly string[] GivenNames = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇"];
    private static readonly string[] Districts = ["武汉市武昌区", "武汉市江岸区", "武汉市洪山区", "宜昌市西陵区", "襄阳市樊城区"];
    private static readonly string[] Streets = ["中北路", "解放大道", "珞喻路", "东湖路", "沿江大道"];

    public static async Task RunAsync(int rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"masking-bench-{rows}.csv");
        var generated = Stopwatch.StartNew();
        await GenerateAsync(path, rows);
        var bytes = new FileInfo(path).Length;

        // Issue 18.3: every configuration is first run once on a smaller file, so that none is measured while the JIT is still
        // compiling and tiering up its code (a cold first run took up to twice the time of the next ones).
        var warmUpRows = Math.Min(rows, 100_000);
        var warmUpPath = Path.Combine(Path.GetTempPath(), $"masking-bench-warm-up-{warmUpRows}.csv");
        await GenerateAsync(warmUpPath, warmUpRows);
        Console.WriteLine($"# Masking benchmark {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {Environment.OSVersion}");
        Console.WriteLine($"Load average at start: {LoadAverage()}. GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {System.Runtime.GCSettings.LatencyMode}.");
        Console.WriteLine($"Generated {rows:N0} rows, {bytes / 1048576.0:F1} MiB in {generated.Elapsed.TotalSeconds:F1} s ({path}); each configuration warmed up on {warmUpRows:N0} rows first.");
        Console.WriteLine();
        Console.WriteLine("| run | rows/s | MB/s | seconds | CPU seconds (process) | peak managed heap MiB | vs baseline |");
        Console.WriteLine("|---|---|---|---|---|---|---|");

        var declared = Fields();
        // Public fields that declare an identifier kind are kept and not scanned: exactly parse + write.
        var keepAll = declared.Select(f => f with { Classification = FieldClassification.Public, IdentifierKind = f.IdentifierKind ?? IdentifierKind.FreeText, IsQuasiIdentifier = false }).ToArray();
        var key = PseudonymisationKey.Derive(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), "agr-benchmark");

        // Issue 18.3: the baseline is single-threaded parse + write; masking runs once on one thread and once on every core.
        var cores = Environment.ProcessorCount;
        (string Name, IReadOnlyList<FieldDefinition> Fields, MaskingPurpose Purpose, PseudonymisationKey? Key, int Parallelism)[] runs =
        [
            ("baseline: parse + write, no masking, 1 thread", keepAll, MaskingPurpose.Sample, null, 1),
            ("masking, sample rules, every row, 1 thread", declared, MaskingPurpose.Sample, null, 1),
            ($"masking, sample rules, every row, {cores} blocks side by side", declared, MaskingPurpose.Sample, null, cores),
            ("masking, provisioning (HMAC pseudonyms), every row, 1 thread", declared, MaskingPurpose.Provisioning, key, 1),
            ($"masking, provisioning (HMAC pseudonyms), every row, {cores} blocks side by side", declared, MaskingPurpose.Provisioning, key, cores),
        ];
        foreach (var run in runs)
        {
            await MeasureAsync(null, warmUpPath, run.Fields, run.Purpose, run.Key, bytes, null, run.Parallelism);
        }

        double? baseline = null;
        foreach (var run in runs)
        {
            var rowsPerSecond = await MeasureAsync(run.Name, path, run.Fields, run.Purpose, run.Key, bytes, baseline, run.Parallelism);
            baseline ??= rowsPerSecond;
        }

        Console.WriteLine();
        Console.WriteLine($"Load average at end: {LoadAverage()}.");
        File.Delete(path);
        File.Delete(warmUpPath);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static FieldDefinition[] Fields() =>
    [
        new("序号", FieldType.Integer, FieldClassification.Public, FieldGrade.General, null, false),
        new("姓名", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Name, false),
        new("身份证号", FieldType.String, FieldClassification.SensitivePersonal, FieldGrade.Important, IdentifierKind.IdNumber, false),
        new("手机号", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Mobile, false),
        new("银行卡号", FieldType.String, FieldClassification.SensitivePersonal, FieldGrade.Important, IdentifierKind.BankCard, false),
        new("住址", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Address, true),
        new("电子邮箱", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Email, false),
        new("个体户信用代码", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.CreditCode, false),
        new("车牌号", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Plate, false),
        new("出生日期", FieldType.Date, FieldClassification.Personal, FieldGrade.General, IdentifierKind.BirthDate, true),
        new("性别", FieldType.String, FieldClassification.Public, FieldGrade.General, null, true),
        new("备注", FieldType.String, FieldClassification.Internal, FieldGrade.General, null, false),
    ];

    private static async Task<double> MeasureAsync(string? name, string path, IReadOnlyList<FieldDefinition> fields, MaskingPurpose purpose, PseudonymisationKey? key, long bytes, double? baseline, int parallelism)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(20).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        var report = await MaskingEngine.RunAsync(input, DataFormat.Csv, fields, new MaskingOptions
        {
            Purpose = purpose,
            Today = new DateOnly(2026, 1, 1),
            Key = key,
            Parallelism = parallelism,
        }, Stream.Null);
        var seconds = watch.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        if (report.MalformedRowCount > 0 || report.SuspectedIdentifiers.Any(s => s.Field != "备注"))
        {
            throw new InvalidOperationException($"The generated file is not what the benchmark means to measure: {report.MalformedRowCount} malformed rows.");
        }

        await sampling.CancelAsync();
        await sampler;

        var rowsPerSecond = report.RowsIn / seconds;
        if (name is null)
        {
            return rowsPerSecond;
        }

        var ratio = baseline is { } b ? $"{b / rowsPerSecond:F2}x the time" : "-";
        Console.WriteLine($"| {name} | {rowsPerSecond:N0} | {bytes / 1e6 / seconds:F1} | {seconds:F2} | {cpuSeconds:F2} | {peak / 1048576.0:F0} | {ratio} |");
        return rowsPerSecond;
    }

    private static async Task GenerateAsync(string path, int rows)
    {
        var random = new Random(20251013);
        await using var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 20);
        await writer.WriteAsync("序号,姓名,身份证号,手机号,银行卡号,住址,电子邮箱,个体户信用代码,车牌号,出生日期,性别,备注\n");
        for (var i = 1; i <= rows; i++)
        {
            var birth = new DateOnly(1950, 1, 1).AddDays(random.Next(365 * 55));
            var male = random.Next(2) == 1;
            var sequence = random.Next(500) * 2 + (male ? 1 : 0);
            var id = WithIdCheck($"420106{birth:yyyyMMdd}{sequence:D3}");
            var name = Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)] + (random.Next(2) == 0 ? GivenNames[random.Next(GivenNames.Length)] : "");
            var mobile = $"1{"3456789"[random.Next(7)]}{random.NextInt64(1_000_000_000):D9}";
            var card = WithLuhn($"622202{random.NextInt64(1_000_000_000_000):D12}");
            var address = $"湖北省{Districts[random.Next(Districts.Length)]}{Streets[random.Next(Streets.Length)]}{random.Next(1, 999)}号{random.Next(1, 30)}栋{random.Next(1, 3000)}室";
            var email = $"user{random.Next(1_000_000)}@example.cn";
            var credit = WithCreditCheck($"92420106MA{random.Next(10_000_000):D7}");
            var plate = $"鄂{"ABCEFH"[random.Next(6)]}{random.Next(100_000):D5}";
            await writer.WriteAsync($"{i},{name},{id},{mobile},{card},{address},{email},{credit},{plate},{birth:yyyy-MM-dd},{(male ? "男" : "女")},\"第{i % 97}批次，已核验\"\n");
        }
    }

    private static string WithIdCheck(string first17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = first17.Select((c, i) => (c - '0') * weights[i]).Sum();
        return first17 + "10X98765432"[sum % 11];
    }

    private static string WithLuhn(string payload)
    {
        var sum = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            var digit = payload[payload.Length - 1 - i] - '0';
            sum += i % 2 == 0 ? (digit * 2 > 9 ? digit * 2 - 9 : digit * 2) : digit;
        }

        return payload + (char)('0' + (10 - sum % 10) % 10);
    }

    private static string WithCreditCheck(string first17)
    {
        const string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        int[] weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
        var sum = first17.Select((c, i) => alphabet.IndexOf(c) * weights[i]).Sum();
        return first17 + alphabet[(31 - sum % 31) % 31];
    }
}
