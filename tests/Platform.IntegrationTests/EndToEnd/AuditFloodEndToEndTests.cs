using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Platform.Adapters.Audit;
using Platform.Domain.Security;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>A platform host of its own, on an Azurite of its own, for the signed-link flood and the audit verification: tight limits, an X-Forwarded-For front end, small checkpoints.</summary>
public sealed class AuditFloodHostFixture : IAsyncLifetime
{
    public const int PerClient = 30;
    public const int PerLink = 10;
    public const long CheckpointInterval = 50;

    private readonly PrivateAzurite _storage = new();
    private HostProcess? _host;

    /// <summary>The host's storage account.</summary>
    public string StorageConnectionString => _storage.ConnectionString;

    public string AuditTable { get; } = $"audit{Guid.NewGuid():N}"[..20];

    public HostProcess Host => _host ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        await _storage.StartAsync();
        var settings = new HostSettings(storageConnectionString: _storage.ConnectionString);
        settings["Audit__TableName"] = AuditTable;
        settings["Audit__SecurityEventTableName"] = $"sec{Guid.NewGuid():N}"[..20];
        settings["Audit__VerificationQueue"] = $"auditverify-{Guid.NewGuid():N}"[..30];
        settings["Audit__CheckpointInterval"] = CheckpointInterval.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Audit__VerificationSchedule"] = "0 0 0 1 1 *";
        settings["LinkAttempts__PerClientPerMinute"] = PerClient.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["LinkAttempts__PerLinkPerMinute"] = PerLink.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["LinkAttempts__ClientAddressHeader"] = "X-Forwarded-For";
        settings["LinkAttempts__FlushInterval"] = "00:00:01";
        _host = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _storage.DisposeAsync();
    }

    public HttpClient Client(string? role = null, string organization = "org-test") => PlatformHostFixture.ClientOf(Host.BaseUrl, role, organization);
}

/// <summary>
/// Issue 20 item 3 through HTTP, as an anonymous attacker tries it: a flood of signed-link attempts is answered 429 past the
/// per-client and per-link limits, leaves the audit chain alone but for one aggregated security event per minute, and is
/// counted per client and per link; verification walks only what is new since the last signed checkpoint, while the full
/// walk runs in the background and its result shows on the route.
/// </summary>
[Collection(IsolatedCollectionB.Name)]
public sealed class AuditFloodEndToEndTests(AuditFloodHostFixture platform) : IClassFixture<AuditFloodHostFixture>
{
    [Fact]
    public async Task LinkFlood_2000AnonymousAttempts_429PastTheLimitsCountedAsSecurityEventsAndTheChainUntouched()
    {
        using var supervisor = platform.Client(Roles.Supervisor, "org-supervisor");
        using var authority = platform.Client(Roles.Authority, "org-authority");
        Assert.Equal(HttpStatusCode.Created, (await authority.PostAsJsonAsync("/api/organizations", Organization("湖北省数据集团"))).StatusCode);
        var before = await ChainAsync(supervisor);
        var started = DateTimeOffset.UtcNow;

        // Four attacking addresses spraying forged tokens, and one forged token tried from 40 addresses.
        const string SharedToken = "eyJpIjoic2NlbmFyaW8tcmV2aWV3LXgifQ.forged-signature";
        var attempts = Enumerable.Range(0, 2000).Select(i => i < 40
            ? (Client: $"198.51.100.{i + 1}", Token: SharedToken, Post: i % 2 == 0)
            : (Client: $"203.0.113.{i % 4 + 1}", Token: $"eyJ{Guid.NewGuid():N}.{Guid.NewGuid():N}", Post: i % 3 != 0)).ToList();
        var answers = new ConcurrentBag<(string Client, string Token, int Status, string? Code, TimeSpan? RetryAfter)>();
        using var anonymous = platform.Client();
        await Parallel.ForEachAsync(attempts, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (attempt, ct) =>
        {
            using var request = new HttpRequestMessage(attempt.Post ? HttpMethod.Post : HttpMethod.Get, $"/api/approvals/{Uri.EscapeDataString(attempt.Token)}");
            request.Headers.Add("X-Forwarded-For", attempt.Client);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (attempt.Post)
            {
                request.Content = new StringContent("{\"decision\":\"approve\"}", Encoding.UTF8, "application/json");
            }

            using var response = await anonymous.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var code = response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? JsonDocument.Parse(text).RootElement.GetProperty("code").GetString() : null;
            answers.Add((attempt.Client, attempt.Token, (int)response.StatusCode, code, response.Headers.RetryAfter?.Delta));
        });

        Assert.All(answers, a => Assert.True(a.Status is 403 or 429, $"{a.Status} {a.Code}"));
        var limited = answers.Where(a => a.Status == 429).ToList();
        Assert.All(limited, a => Assert.Equal("approval.rate_limited", a.Code));
        Assert.All(limited, a => Assert.True(a.RetryAfter is { TotalSeconds: >= 1 and <= 60 }, $"Retry-After {a.RetryAfter}"));
        Assert.All(answers.Where(a => a.Status == 403), a => Assert.Equal("approval.link_invalid", a.Code));

        // Each address gets its per-minute allowance (twice at most, if the flood straddled a minute), then only 429s.
        foreach (var client in answers.Where(a => a.Token != SharedToken).GroupBy(a => a.Client))
        {
            Assert.InRange(client.Count(a => a.Status != 429), AuditFloodHostFixture.PerClient, 2 * AuditFloodHostFixture.PerClient);
        }

        // The shared link is limited per link although each of its 40 attempts came from a different address.
        Assert.InRange(answers.Count(a => a.Token == SharedToken && a.Status != 429), AuditFloodHostFixture.PerLink, 2 * AuditFloodHostFixture.PerLink);

        // Counted per client and per link per minute (written within the flush interval), every attempt once per kind.
        var counts = await PlatformScenario.PollAsync(supervisor, $"/api/audit/security-events?from={Uri.EscapeDataString(started.AddMinutes(-1).ToString("O"))}",
            page => page.EnumerateArray().Where(c => c.GetProperty("kind").GetString() == "client").Sum(c => c.GetProperty("count").GetInt64()) >= 2000,
            TimeSpan.FromSeconds(30));
        var byClient = counts.EnumerateArray().Where(c => c.GetProperty("kind").GetString() == "client").ToList();
        Assert.Equal(2000, byClient.Sum(c => c.GetProperty("count").GetInt64()));
        Assert.Equal(answers.Count(a => a.Client == "203.0.113.1"), byClient.Where(c => c.GetProperty("key").GetString() == "203.0.113.1").Sum(c => c.GetProperty("count").GetInt64()));
        Assert.Equal(40, counts.EnumerateArray().Where(c => c.GetProperty("kind").GetString() == "link" && c.GetProperty("key").GetString() == Platform.Domain.Approvals.ApprovalLinkCodec.Fingerprint(SharedToken))
            .Sum(c => c.GetProperty("count").GetInt64()));

        // The chain: nothing per attempt; once the flood's minute has ended, one aggregated entry for it.
        var after = await PollChainAsync(supervisor, before.Count, entries => entries.Any(e => e.Action == LinkAttemptGuard.RefusedAction), TimeSpan.FromSeconds(90));
        // Other hosts of the test run share the job queues, so this host may also record a masking or sandbox job it
        // picked up meanwhile; what the link routes can write is approval.* and security.* entries, and of those only
        // the aggregated one may appear.
        var added = after.Skip(before.Count)
            .Where(e => e.Action.StartsWith("approval.", StringComparison.Ordinal) || e.Action.StartsWith("security.", StringComparison.Ordinal))
            .ToList();
        Assert.All(added, e => Assert.Equal(LinkAttemptGuard.RefusedAction, e.Action));
        Assert.InRange(added.Count, 1, 3);

        // Signed-in work goes on.
        Assert.Equal(HttpStatusCode.Created, (await authority.PostAsJsonAsync("/api/organizations", Organization("武汉数据科技有限公司"))).StatusCode);
    }

    [Fact]
    public async Task Verification_IncrementalFromSignedCheckpoint_FullRunInTheBackgroundFindsAnOldBreak()
    {
        using var supervisor = platform.Client(Roles.Supervisor, "org-supervisor");
        using var authority = platform.Client(Roles.Authority, "org-authority");
        for (var i = 0; i < AuditFloodHostFixture.CheckpointInterval + 5; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await authority.PostAsJsonAsync("/api/organizations", Organization($"宜昌第{i}数据公司"))).StatusCode);
        }

        var first = await supervisor.GetFromJsonAsync<JsonElement>("/api/audit/verification");
        Assert.True(first.GetProperty("valid").GetBoolean(), first.ToString());
        var head = first.GetProperty("headSequence").GetInt64();
        Assert.True(head > AuditFloodHostFixture.CheckpointInterval);

        // From now on the route reads only what follows the checkpoint it left at the head.
        Assert.Equal(HttpStatusCode.Created, (await authority.PostAsJsonAsync("/api/organizations", Organization("荆门数据公司"))).StatusCode);
        var next = await supervisor.GetFromJsonAsync<JsonElement>("/api/audit/verification");
        Assert.True(next.GetProperty("valid").GetBoolean(), next.ToString());
        Assert.Equal("incremental", next.GetProperty("mode").GetString());
        Assert.True(next.GetProperty("verifiedFrom").GetProperty("sequence").GetInt64() >= head);
        Assert.True(next.GetProperty("entriesChecked").GetInt64() <= 5, next.ToString());

        // An insider edits an old entry behind the checkpoint: the full verification, run in the background, names it.
        var table = new TableClient(platform.StorageConnectionString, platform.AuditTable);
        var victim = (await table.GetEntityAsync<TableEntity>("chain", TableAuditLog.RowKeyOf(5))).Value;
        var original = victim.GetString("Action");
        victim["Action"] = "organization.deleted";
        await table.UpdateEntityAsync(victim, victim.ETag, TableUpdateMode.Replace);
        try
        {
            var requested = await supervisor.PostAsJsonAsync("/api/audit/verification", new { mode = "full" });
            Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
            Assert.Equal("/api/audit/verification", requested.Headers.Location?.ToString());
            var shown = await PlatformScenario.PollAsync(supervisor, "/api/audit/verification",
                v => v.TryGetProperty("full", out var full) && full.ValueKind == JsonValueKind.Object && full.GetProperty("state").GetString() == "completed",
                TimeSpan.FromSeconds(60));
            Assert.False(shown.GetProperty("valid").GetBoolean(), shown.ToString());
            Assert.Equal(5, shown.GetProperty("firstBrokenSequence").GetInt64());
            Assert.False(shown.GetProperty("full").GetProperty("result").GetProperty("valid").GetBoolean());
        }
        finally
        {
            var current = (await table.GetEntityAsync<TableEntity>("chain", TableAuditLog.RowKeyOf(5))).Value;
            current["Action"] = original;
            await table.UpdateEntityAsync(current, current.ETag, TableUpdateMode.Replace);
        }

        // A checkpoint written around the platform (no valid signature) is refused.
        TableEntity? checkpoint = null;
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == "checkpoints", maxPerPage: 1))
        {
            checkpoint = row;
            break;
        }

        Assert.NotNull(checkpoint);
        checkpoint["Hash"] = new string('0', 64);
        await table.UpdateEntityAsync(checkpoint, checkpoint.ETag, TableUpdateMode.Replace);
        var forged = await supervisor.GetFromJsonAsync<JsonElement>("/api/audit/verification");
        Assert.False(forged.GetProperty("valid").GetBoolean());
        Assert.Contains("signature", forged.GetProperty("reason").GetString(), StringComparison.Ordinal);
        await table.DeleteEntityAsync(checkpoint.PartitionKey, checkpoint.RowKey);
    }

    private static object Organization(string name) => new { name, kind = "operator", creditCode = TestCreditCodes.New(), region = "420100" };

    private sealed record ChainEntry(long Sequence, string Action);

    private static async Task<List<ChainEntry>> ChainAsync(HttpClient supervisor)
    {
        var entries = new List<ChainEntry>();
        string? token = null;
        do
        {
            var page = await supervisor.GetFromJsonAsync<JsonElement>("/api/audit?pageSize=200" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)));
            entries.AddRange(page.GetProperty("items").EnumerateArray().Select(e => new ChainEntry(e.GetProperty("sequence").GetInt64(), e.GetProperty("action").GetString()!)));
            token = page.TryGetProperty("continuationToken", out var next) ? next.GetString() : null;
        }
        while (token is not null);

        return entries;
    }

    private static async Task<List<ChainEntry>> PollChainAsync(HttpClient supervisor, int skip, Func<List<ChainEntry>, bool> until, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var entries = await ChainAsync(supervisor);
            if (until(entries.Skip(skip).ToList()) || DateTime.UtcNow > deadline)
            {
                return entries;
            }

            await Task.Delay(1000);
        }
    }
}
