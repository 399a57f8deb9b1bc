using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Issue 20 item 9 through HTTP: a local host on storage of its own (a private Azurite on other ports). With that storage
/// gone, writes answer 503 <c>storage.unavailable</c> with <c>Retry-After</c> within the request's time instead of a 500;
/// when storage comes back empty (a reset emulator), the platform creates its tables again and writes succeed.
/// </summary>
[Collection(IsolatedCollectionB.Name)]
public sealed class StorageOutageEndToEndTests
{
    /// <summary>What a client can expect: the storage client's bounded retries against refused connections, with room to spare.</summary>
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Writes_StorageStoppedThenResetEmpty_503WithRetryAfterInTimeThenTablesRecreated()
    {
        await using var storage = new PrivateAzurite();
        await storage.StartAsync();
        var settings = new HostSettings();
        settings["AzureWebJobsStorage"] = storage.ConnectionString;
        await using var host = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
        using var authority = Client(host, Roles.Authority, "org-authority");
        using var supervisor = Client(host, Roles.Supervisor, "org-supervisor");

        var before = await authority.PostAsJsonAsync("/api/organizations", Organization("湖北省数据集团"));
        Assert.True(before.StatusCode == HttpStatusCode.Created, await before.Content.ReadAsStringAsync() + host.Output);

        storage.Stop();
        var failures = new List<string>();
        foreach (var (method, url, body) in new (string, string, object)[]
        {
            ("POST", "/api/organizations", Organization("武汉数据科技有限公司")),
            ("POST", "/api/plans", new { title = "湖北省公共数据授权运营实施方案", mode = "whole", region = "420000" }),
            ("POST", "/api/organizations", Organization("宜昌数据运营有限公司")),
        })
        {
            var clock = Stopwatch.StartNew();
            using var response = await authority.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(body) });
            clock.Stop();
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || !text.Contains("\"storage.unavailable\"", StringComparison.Ordinal)
                || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{method} {url}: {(int)response.StatusCode} {text}");
            }

            if (response.Headers.RetryAfter?.Delta is not { TotalSeconds: >= 1 })
            {
                failures.Add($"{method} {url}: no Retry-After");
            }

            if (clock.Elapsed > AnswerWithin)
            {
                failures.Add($"{method} {url}: answered after {clock.Elapsed.TotalSeconds:0.0} s");
            }
        }

        var health = await authority.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n" + Tail(host.Output));

        // Storage comes back empty, as a reset emulator does: no table the platform expects exists any more.
        await storage.StartAsync();
        var after = await authority.PostAsJsonAsync("/api/organizations", Organization("荆州数据服务有限公司"));
        Assert.True(after.StatusCode == HttpStatusCode.Created, await after.Content.ReadAsStringAsync() + Tail(host.Output));
        var id = (await after.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await authority.GetAsync($"/api/organizations/{id}")).StatusCode);
        var audit = await supervisor.GetFromJsonAsync<JsonElement>($"/api/audit?target=organizations/{id}");
        Assert.Equal(1, audit.GetProperty("items").GetArrayLength());
    }

    private static object Organization(string name) => new { name, kind = "operator", creditCode = TestCreditCodes.New(), region = "420100" };

    private static HttpClient Client(HostProcess host, string role, string organization) => PlatformHostFixture.ClientOf(host.BaseUrl, role, organization);

    private static string Tail(string output) => output.Length > 6000 ? output[^6000..] : output;
}
