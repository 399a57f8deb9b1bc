using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.IntegrationTests.Infrastructure;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.DataRequestSteps;
using static Platform.IntegrationTests.EndToEnd.PlatformScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Quality tickets (M4.7.1) and the contribution score (M4.7.2) through HTTP on a host of its own whose
/// lifecycle time is compressed so that the 5-working-day correction deadline passes about half a minute after a ticket
/// is raised: one ticket is acknowledged, corrected on time and closed; the other is left unanswered, flagged overdue
/// and escalated to the authority; the provider's score changes and shows why.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class QualityEndToEndTests
{
    private static readonly TimeSpan SetUpTime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CorrectionTime = TimeSpan.FromSeconds(30);
    private readonly AuthOptions _auth = PlatformHostFixture.ReadSampleAuth();

    [Fact]
    public async Task QualityTickets_OneCorrectedOnTimeOneLeftSilent_SilentOneEscalatedToAuthorityAndContributionScoreDropsShowingItsInputs()
    {
        var settings = new HostSettings();
        // Quality__CorrectionWorkingDays keeps its default 5, the same count as the data-request review.
        settings["Platform__TimeCompression"] = CompressionFor(SetUpTime, CorrectionTime).ToString(CultureInfo.InvariantCulture);
        settings["Audit__TableName"] = $"audit{Guid.NewGuid():N}"[..20];
        await using var host = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
        using var authority = Client(host, _auth, Roles.Authority, "org-authority");
        var providerId = await ResourceScenario.CreateProviderAsync(authority, "武汉市民政局");
        var otherProviderId = await ResourceScenario.CreateProviderAsync(authority, "武汉市卫生健康委员会");
        var operatorId = await CreateOperatorAsync(authority);
        using var provider = Client(host, _auth, Roles.Provider, providerId);
        using var otherProvider = Client(host, _auth, Roles.Provider, otherProviderId);
        using var operatorClient = Client(host, _auth, Roles.Operator, operatorId);
        using var supervisor = Client(host, _auth, Roles.Supervisor, "org-supervisor");
        var resourceId = await PublishedResourceAsync(provider, authority, "社区养老服务登记", ResourceScenario.NewPeopleFile(4));
        var contributionUrl = $"/api/providers/{providerId}/contribution";
        var before = await provider.GetFromJsonAsync<JsonElement>(contributionUrl);

        // Bad bodies are 4xx problems with a code.
        await FoundationEndToEndTests.AssertProblemAsync(
            await operatorClient.PostAsJsonAsync("/api/quality-issues", new { resourceId, kind = "meteor", description = "x" }), HttpStatusCode.BadRequest, "request.invalid_enum_value");
        var invalid = await FoundationEndToEndTests.AssertProblemAsync(
            await operatorClient.PostAsJsonAsync("/api/quality-issues", new { resourceId, kind = "fields", fields = new[] { "不存在的字段" }, description = "字段错误" }),
            HttpStatusCode.UnprocessableEntity, "quality_issue.invalid");
        Assert.Contains("不存在的字段", invalid.GetProperty("errors").GetProperty("fields")[0].GetString(), StringComparison.Ordinal);

        // Two tickets; the provider is told at once.
        var corrected = await RaiseAsync(operatorClient, new
        {
            resourceId, kind = "fields", fields = new[] { "区县" }, description = "区县名称与行政区划代码不一致", evidence = new[] { "核对表-2026-01" },
        });
        var silent = await RaiseAsync(operatorClient, new { resourceId, kind = "rows", rowRefs = new[] { "第3行" }, description = "服务事项为空" });
        var correctedUrl = $"/api/quality-issues/{corrected}";
        var silentUrl = $"/api/quality-issues/{silent}";
        var told = await MessageAboutAsync(provider, corrected, $"quality-issue-{corrected}-raised");
        Assert.Contains("区县名称与行政区划代码不一致", told.GetProperty("body").GetString(), StringComparison.Ordinal);

        // Object-level authorisation: another provider learns nothing.
        await FoundationEndToEndTests.AssertProblemAsync(await otherProvider.GetAsync(correctedUrl), HttpStatusCode.NotFound, "quality_issue.not_found");
        await FoundationEndToEndTests.AssertProblemAsync(await otherProvider.PostAsync($"{correctedUrl}/acknowledgement", null), HttpStatusCode.NotFound, "quality_issue.not_found");
        await FoundationEndToEndTests.AssertProblemAsync(await otherProvider.GetAsync(contributionUrl), HttpStatusCode.NotFound, "organization.not_found");
        Assert.Empty((await otherProvider.GetFromJsonAsync<JsonElement>("/api/quality-issues")).GetProperty("items").EnumerateArray());

        // The first ticket: acknowledged (If-Match), corrected on time, closed by the raiser; wrong-state moves are 409.
        await FoundationEndToEndTests.AssertProblemAsync(
            await provider.PostAsJsonAsync($"{silentUrl}/resolution", new { outcome = "corrected", comment = "已更正" }), HttpStatusCode.Conflict, "quality_issue.not_acknowledged");
        var read = await provider.GetAsync(correctedUrl);
        var etag = read.Headers.ETag!.ToString();
        var stale = new HttpRequestMessage(HttpMethod.Post, $"{correctedUrl}/acknowledgement") { Headers = { { "If-Match", "W/\"datetime'2000-01-01T00%3A00%3A00Z'\"" } } };
        await FoundationEndToEndTests.AssertProblemAsync(await provider.SendAsync(stale), HttpStatusCode.PreconditionFailed, "concurrency.etag_mismatch");
        var acknowledge = new HttpRequestMessage(HttpMethod.Post, $"{correctedUrl}/acknowledgement") { Headers = { { "If-Match", etag } } };
        var acknowledged = await provider.SendAsync(acknowledge);
        Assert.True(acknowledged.StatusCode == HttpStatusCode.OK, await acknowledged.Content.ReadAsStringAsync());
        Assert.Equal("acknowledged", (await acknowledged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var resolved = await provider.PostAsJsonAsync($"{correctedUrl}/resolution", new { outcome = "corrected", comment = "已按民政区划代码更正区县名称", evidence = new[] { "更正记录-001" } });
        Assert.True(resolved.StatusCode == HttpStatusCode.OK, await resolved.Content.ReadAsStringAsync());
        var resolution = (await resolved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("resolution");
        Assert.Equal(("corrected", true), (resolution.GetProperty("outcome").GetString(), resolution.GetProperty("onTime").GetBoolean()));
        await FoundationEndToEndTests.AssertProblemAsync(await provider.PostAsJsonAsync($"{correctedUrl}/closure", new { comment = "x" }), HttpStatusCode.Forbidden, "auth.forbidden_role");
        var closed = await operatorClient.PostAsJsonAsync($"{correctedUrl}/closure", new { comment = "已核对，确认更正" });
        Assert.True(closed.StatusCode == HttpStatusCode.OK, await closed.Content.ReadAsStringAsync());
        Assert.Equal("closed", (await closed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await FoundationEndToEndTests.AssertProblemAsync(await operatorClient.PostAsJsonAsync($"{correctedUrl}/closure", new { comment = "again" }), HttpStatusCode.Conflict, "quality_issue.closed");
        await MessageAboutAsync(operatorClient, corrected, $"quality-issue-{corrected}-resolved");

        // The second ticket stays unanswered: at its (compressed) deadline it is flagged and escalated, and stays open.
        var overdue = await PollAsync(operatorClient, silentUrl, t => t.GetProperty("overdue").GetBoolean(), TimeSpan.FromSeconds(150));
        Assert.Equal("open", overdue.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, overdue.GetProperty("escalatedAt").ValueKind);
        var escalation = await MessageAboutAsync(authority, silent, $"quality-issue-{silent}-overdue", asRole: true);
        Assert.Contains(overdue.GetProperty("dueOn").GetString()!, escalation.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Contains("不会自动关闭", escalation.GetProperty("body").GetString(), StringComparison.Ordinal);
        await MessageAboutAsync(provider, silent, $"quality-issue-{silent}-overdue-reminder-1");
        var actions = await AuditActionsAsync(supervisor, $"quality-issues/{silent}");
        Assert.Single(actions, a => a == "quality_issue.overdue");
        var open = await provider.GetFromJsonAsync<JsonElement>($"/api/quality-issues?status=open&resourceId={resourceId}");
        Assert.Equal([silent], open.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));

        // The score: before, no tickets; after, one corrected on time and one overdue on one resource.
        var after = await provider.GetFromJsonAsync<JsonElement>(contributionUrl);
        var quality = after.GetProperty("dataQuality");
        var inputs = quality.GetProperty("inputs");
        Assert.Equal((1, 2, 1, 1, 0), (inputs.GetProperty("publishedResources").GetInt32(), inputs.GetProperty("issuesRaised").GetInt32(), inputs.GetProperty("correctedOnTime").GetInt32(),
            inputs.GetProperty("overdueOpen").GetInt32(), inputs.GetProperty("openNotDue").GetInt32()));
        Assert.Equal(0.5, quality.GetProperty("parts").GetProperty("correctedOnTimeShare").GetDouble());
        Assert.Equal(41.7, quality.GetProperty("score").GetDouble());
        Assert.Equal(100.0, before.GetProperty("dataQuality").GetProperty("score").GetDouble());
        Assert.True(after.GetProperty("score").GetDouble() < before.GetProperty("score").GetDouble(), $"before {before}, after {after}");
        Assert.Equal(before.GetProperty("year").GetInt32(), after.GetProperty("year").GetInt32());
        var byAuthority = await authority.GetFromJsonAsync<JsonElement>($"{contributionUrl}?year={after.GetProperty("year").GetInt32()}");
        Assert.Equal(after.GetProperty("score").GetDouble(), byAuthority.GetProperty("score").GetDouble());
    }

    private static async Task<string> RaiseAsync(HttpClient raiser, object body)
    {
        var response = await raiser.PostAsJsonAsync("/api/quality-issues", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var ticket = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = ticket.GetProperty("id").GetString()!;
        Assert.Equal($"/api/quality-issues/{id}", response.Headers.Location!.ToString());
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(("open", false), (ticket.GetProperty("status").GetString(), ticket.GetProperty("overdue").GetBoolean()));
        return id;
    }

    private static async Task<JsonElement> MessageAboutAsync(HttpClient reader, string issueId, string notificationId, bool asRole = false)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var url = new StringBuilder($"/api/notifications?pageSize=100&target={Uri.EscapeDataString($"quality-issues/{issueId}")}");
        if (asRole)
        {
            url.Append("&recipient=role");
        }

        while (true)
        {
            var page = await reader.GetFromJsonAsync<JsonElement>(url.ToString());
            var found = page.GetProperty("items").EnumerateArray().Where(m => m.GetProperty("id").GetString() == notificationId).ToList();
            if (found.Count > 0)
            {
                return found[0];
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No message {notificationId} arrived.");
            }

            await Task.Delay(500);
        }
    }
}
