using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Domain.Security;
using Platform.IntegrationTests.EndToEnd;
using Platform.IntegrationTests.Infrastructure;

/// <summary>
/// Issue 20 item 3's measure: authenticated write latency (POST /api/organizations, each one audited) when quiet, then while
/// 2,000 anonymous attempts at signed links hit the same host; the audit chain's growth over the flood and the cost of
/// GET /api/audit/verification. Default limits (60 per client, 20 per link per minute), one attacking address.
/// </summary>
internal static class LinkFloodBenchmark
{
    public static async Task RunAsync(int writes, int floodAttempts)
    {
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        try
        {
            var settings = new HostSettings();
            settings["Audit__TableName"] = $"audit{Guid.NewGuid():N}"[..20];
            await using var host = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
            using var authority = Client(host, Roles.Authority);
            using var supervisor = Client(host, Roles.Supervisor);
            using var anonymous = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };

            await WritesAsync(authority, 100); // warm-up: JIT, tables, connections
            var quiet = await WritesAsync(authority, writes);
            var headBefore = await HeadAsync(supervisor);

            var statuses = new ConcurrentDictionary<int, int>();
            var clock = Stopwatch.StartNew();
            var flood = Parallel.ForEachAsync(Enumerable.Range(0, floodAttempts), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            {
                using var request = new HttpRequestMessage(i % 2 == 0 ? HttpMethod.Post : HttpMethod.Get, $"/api/approvals/eyJ{Guid.NewGuid():N}.{Guid.NewGuid():N}");
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (i % 2 == 0)
                {
                    request.Content = new StringContent("{\"decision\":\"approve\"}", Encoding.UTF8, "application/json");
                }

                using var response = await anonymous.SendAsync(request, ct);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            });
            var underFlood = await WritesAsync(authority, writes);
            await flood;
            var floodSeconds = clock.Elapsed.TotalSeconds;
            var headAfter = await HeadAsync(supervisor);
            await Task.Delay(TimeSpan.FromSeconds(61)); // past the flood's minute: its limits and counts are behind us
            var quietAgain = await WritesAsync(authority, writes);

            var verify = Stopwatch.StartNew();
            var verification = await supervisor.GetFromJsonAsync<JsonElement>("/api/audit/verification");
            verify.Stop();

            Console.WriteLine($"# Signed-link flood (issue 20 item 3) {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores");
            Console.WriteLine();
            Console.WriteLine("| measurement | p50 ms | p99 ms | max ms |");
            Console.WriteLine("|---|---|---|---|");
            Row($"authenticated POST /api/organizations, quiet ({quiet.Count} writes)", quiet);
            Row($"same, during {floodAttempts} anonymous link attempts ({underFlood.Count} writes)", underFlood);
            Row($"same, quiet again a minute later ({quietAgain.Count} writes)", quietAgain);
            Console.WriteLine();
            var quietP50 = Math.Min(Percentile(quiet, 50), Percentile(quietAgain, 50));
            Console.WriteLine($"- p50 under flood / quiet (the faster of the two quiet runs): {Percentile(underFlood, 50) / quietP50:F2}x");
            Console.WriteLine($"- flood: {floodAttempts} attempts in {floodSeconds:F1} s; answers: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} × {s.Value}"))}");
            Console.WriteLine($"- audit chain: {headBefore} → {headAfter} entries over the flood (the writes measured during it add {underFlood.Count})");
            Console.WriteLine($"- GET /api/audit/verification after it: {verify.Elapsed.TotalMilliseconds:F0} ms, mode {verification.GetProperty("mode").GetString()}, {verification.GetProperty("entriesChecked").GetInt64()} entries checked");
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    private static async Task<List<double>> WritesAsync(HttpClient authority, int count)
    {
        var latencies = new ConcurrentBag<double>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var watch = Stopwatch.StartNew();
            using var response = await authority.PostAsJsonAsync("/api/organizations",
                new { name = $"基准测试数据公司{Guid.NewGuid():N}"[..20], kind = "operator", creditCode = TestCreditCodes.New(), region = "420100" }, ct);
            watch.Stop();
            if (response.IsSuccessStatusCode)
            {
                latencies.Add(watch.Elapsed.TotalMilliseconds);
            }
        });
        return [.. latencies.Order()];
    }

    private static async Task<long> HeadAsync(HttpClient supervisor)
        => (await supervisor.GetFromJsonAsync<JsonElement>("/api/audit/verification")).GetProperty("headSequence").GetInt64();

    private static void Row(string name, List<double> latencies)
        => Console.WriteLine($"| {name} | {Percentile(latencies, 50):F1} | {Percentile(latencies, 99):F1} | {(latencies.Count == 0 ? 0 : latencies[^1]):F1} |");

    private static double Percentile(List<double> sorted, int p)
        => sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static HttpClient Client(HostProcess host, string role) => PlatformHostFixture.ClientOf(host.BaseUrl, role, $"org-{role}");
}
