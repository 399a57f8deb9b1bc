using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.IntegrationTests.Infrastructure;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.PlatformScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// The agreement-lifecycle orchestration with real durable timers, seen through HTTP on a platform host whose
/// lifecycle durations run 432,000 times faster: a 200-day agreement lives about 40 seconds. The hosts run on an Azurite
/// of the class's own, so no host of another collection sweeps or consumes what they write (docs/testing.md).
/// </summary>
[Collection(IsolatedCollectionA.Name)]
public sealed class AgreementLifecycleEndToEndTests(PrivateAzurite storage) : IClassFixture<PrivateAzurite>
{
    private const int TermDays = 200;
    private const double Compression = TermDays * 86400 / 40.0;
    private static readonly string[] AllMilestonesInOrder = ["reminder180", "filing-deadline", "reminder90", "reminder30", "expiry"];
    private readonly AuthOptions _auth = PlatformHostFixture.ReadSampleAuth();

    [Fact]
    public async Task Lifecycle_CompressedTime_ExpiringThenExpiredWithRemindersInOrder()
    {
        var settings = CompressedSettings();
        await using var host = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
        using var authority = Client(host, Roles.Authority, "org-authority");
        var location = await SignAsync(authority);

        var expiring = await PollAsync(authority, location, a => a.GetProperty("status").GetString() != "active", TimeSpan.FromSeconds(40));
        Assert.Equal("expiring", expiring.GetProperty("status").GetString());
        var expired = await PollAsync(authority, location, a => a.GetProperty("revocation").ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(90));

        Assert.Equal("expired", expired.GetProperty("status").GetString());
        Assert.Equal(AllMilestonesInOrder, MilestoneKinds(expired));
        Assert.Equal(new[] { "reminder180", "reminder90", "reminder30" }, expired.GetProperty("remindersSent").EnumerateArray().Select(r => r.GetProperty("kind").GetString()!).ToArray());
        Assert.True(expired.GetProperty("filingOverdue").GetBoolean());
        Assert.Equal("expired", expired.GetProperty("revocation").GetProperty("reason").GetString());
        var operatorId = expired.GetProperty("operatorId").GetString()!;
        using var owner = Client(host, Roles.Operator, operatorId);
        var messages = (await owner.GetFromJsonAsync<JsonElement>("/api/notifications?pageSize=50")).GetProperty("items").EnumerateArray().Select(m => m.GetProperty("subject").GetString()).ToList();
        Assert.Equal(3, messages.Count(s => s == "授权运营协议即将到期"));
        Assert.Single(messages, s => s == "授权运营协议备案已逾期");
        Assert.Single(messages, s => s == "授权运营协议已到期");
    }

    [Fact]
    public async Task Lifecycle_TerminatedAfterFirstReminder_NoFurtherRemindersAndRevoked()
    {
        var settings = CompressedSettings();
        await using var host = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
        using var authority = Client(host, Roles.Authority, "org-authority");
        var location = await SignAsync(authority);
        await PollAsync(authority, location, a => MilestoneKinds(a).Contains("reminder180"), TimeSpan.FromSeconds(40));

        var terminated = await authority.PostAsJsonAsync(location + "/termination", new { ground = "other", detail = "运营机构申请解除协议" });
        Assert.Equal(HttpStatusCode.OK, terminated.StatusCode);
        await PollAsync(authority, location, a => a.GetProperty("revocation").ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(25)); // past the moment reminder90 would have fired

        var final = await authority.GetFromJsonAsync<JsonElement>(location);
        Assert.Equal("terminated", final.GetProperty("status").GetString());
        Assert.DoesNotContain("reminder90", MilestoneKinds(final));
        Assert.DoesNotContain("expiry", MilestoneKinds(final));
    }

    [Fact]
    public async Task Lifecycle_HostKilledBetweenReminders_RemainingMilestonesHappenExactlyOnce()
    {
        var settings = CompressedSettings();
        string location;
        await using (var first = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings))
        {
            using var authority = Client(first, Roles.Authority, "org-authority");
            location = await SignAsync(authority);
            var afterFirst = await PollAsync(authority, location, a => MilestoneKinds(a).Contains("reminder180"), TimeSpan.FromSeconds(40));
            Assert.DoesNotContain("reminder90", MilestoneKinds(afterFirst));
            first.Kill();
        }

        await using var second = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
        using var again = Client(second, Roles.Authority, "org-authority");
        JsonElement expired;
        try
        {
            expired = await PollAsync(again, location, a => a.GetProperty("revocation").ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nHost output after restart:\n{second.Output}", e);
        }

        Assert.Equal(AllMilestonesInOrder, MilestoneKinds(expired));
        using var supervisor = Client(second, Roles.Supervisor, "org-supervisor");
        var target = Uri.EscapeDataString(location.Replace("/api/", "", StringComparison.Ordinal));
        var audit = await supervisor.GetFromJsonAsync<JsonElement>($"/api/audit?target={target}&pageSize=200");
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToList();
        foreach (var milestone in AllMilestonesInOrder)
        {
            Assert.Single(actions, a => a == $"agreement.milestone.{milestone}");
        }

        Assert.Single(actions, a => a == "agreement.revoked");
    }

    private HostSettings CompressedSettings()
    {
        var settings = new HostSettings(storageConnectionString: storage.ConnectionString);
        settings["Platform__TimeCompression"] = Compression.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Audit__TableName"] = $"audit{Guid.NewGuid():N}"[..20];
        return settings;
    }

    private async Task<string> SignAsync(HttpClient authority)
    {
        var operatorId = await CreateOperatorAsync(authority);
        var planId = await CreateApprovedPlanAsync(authority);
        var signed = await SignAgreementAsync(authority, planId, operatorId, TodayCst, TodayCst.AddDays(TermDays));
        Assert.Equal(HttpStatusCode.Created, signed.StatusCode);
        return signed.Headers.Location!.ToString();
    }

    private HttpClient Client(HostProcess host, string role, string organization)
    {
        var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            DevelopmentTokenIssuer.Mint(_auth, role, organization, $"{role}-tester", TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
        return client;
    }
}
