using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Oversight;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.IntegrationTests.Infrastructure;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.PlatformScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// The breach watch (M5.8) on a host of its own whose time is compressed so that the rest of today (CST) — the
/// rectification deadline of a breach due today — passes in about 15 s. One breach stays unrectified: the operator is
/// told at once and reminded halfway, and the authority is told at the deadline. The other is rectified at once: its
/// watch ends and nobody is told about it again.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BreachWatchEndToEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly AuthOptions _auth = PlatformHostFixture.ReadSampleAuth();

    [Fact]
    public async Task BreachWatch_DeadlinePassesUnrectified_OperatorToldAndRemindedAuthorityEscalatedRectifiedOneLeftAlone()
    {
        var untilDeadline = BreachWatchRules.DeadlineUtc(TodayCst) - DateTime.UtcNow;
        var settings = new HostSettings();
        settings["Platform__TimeCompression"] = Math.Max(1, untilDeadline.TotalSeconds / 15).ToString(CultureInfo.InvariantCulture);
        await using var host = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
        using var authority = Client(host, Roles.Authority, "org-authority");
        var operatorId = await CreateOperatorAsync(authority);
        var planId = await CreateApprovedPlanAsync(authority);
        var signed = await SignAgreementAsync(authority, planId, operatorId, TodayCst, TodayCst.AddYears(3));
        Assert.Equal(HttpStatusCode.Created, signed.StatusCode);
        var agreementId = (await signed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var operatorClient = Client(host, Roles.Operator, operatorId);
        using var supervisor = Client(host, Roles.Supervisor, "org-supervisor");

        var open = await RecordBreachAsync(authority, agreementId, "超出授权范围向第三方提供数据产品");
        var fixedAtOnce = await RecordBreachAsync(authority, agreementId, "未按期报送年度报告");
        var rectified = await authority.PostAsJsonAsync($"/api/agreements/{agreementId}/breaches/{fixedAtOnce}/rectification", new { note = "已补报" });
        Assert.Equal(HttpStatusCode.OK, rectified.StatusCode);

        var target = $"agreements/{agreementId}";
        var told = await MessageAsync(operatorClient, "org", target, $"{open}-recorded");
        var reminded = await MessageAsync(operatorClient, "org", target, $"{open}-reminder");
        var escalated = await MessageAsync(authority, "role", target, $"{open}-escalated");
        await Task.Delay(TimeSpan.FromSeconds(4));
        var authorityMessages = await MessagesAsync(authority, "role", target);
        var operatorMessages = await MessagesAsync(operatorClient, "org", target);
        var audit = await supervisor.GetFromJsonAsync<JsonElement>($"/api/audit?target={Uri.EscapeDataString($"{target}/breaches/{open}")}");

        Assert.Contains(TodayCst.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), told.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Contains("整改", reminded.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Contains(operatorId, escalated.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.True(Instant(escalated) >= Instant(reminded));
        Assert.Contains(operatorMessages, m => m.GetProperty("id").GetString() == $"{fixedAtOnce}-recorded");
        Assert.DoesNotContain(operatorMessages, m => m.GetProperty("id").GetString() == $"{fixedAtOnce}-reminder");
        Assert.DoesNotContain(authorityMessages, m => m.GetProperty("id").GetString() == $"{fixedAtOnce}-escalated");
        Assert.Single(authorityMessages, m => m.GetProperty("id").GetString() == $"{open}-escalated");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "agreement.breach_escalated");
    }

    private static async Task<string> RecordBreachAsync(HttpClient authority, string agreementId, string description)
    {
        var recorded = await authority.PostAsJsonAsync($"/api/agreements/{agreementId}/breaches", new { description, rectifyBy = TodayCst.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        return recorded.Headers.Location!.ToString().Split('/')[^1];
    }

    private static DateTimeOffset Instant(JsonElement message) => DateTimeOffset.Parse(message.GetProperty("createdAt").GetString()!, CultureInfo.InvariantCulture);

    private static async Task<JsonElement> MessageAsync(HttpClient reader, string recipient, string target, string id)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            if ((await MessagesAsync(reader, recipient, target)).FirstOrDefault(m => m.GetProperty("id").GetString() == id) is { ValueKind: JsonValueKind.Object } message)
            {
                return message;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No message {id} within {Timeout}.");
            await Task.Delay(500);
        }
    }

    private static async Task<List<JsonElement>> MessagesAsync(HttpClient reader, string recipient, string target)
    {
        var page = await reader.GetFromJsonAsync<JsonElement>($"/api/notifications?recipient={recipient}&pageSize=200&target={Uri.EscapeDataString(target)}");
        return page.GetProperty("items").EnumerateArray().ToList();
    }

    private HttpClient Client(HostProcess host, string role, string organization)
    {
        var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            DevelopmentTokenIssuer.Mint(_auth, role, organization, $"{role}-tester", TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
        return client;
    }
}
