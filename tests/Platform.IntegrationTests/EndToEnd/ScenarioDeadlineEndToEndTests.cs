using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.IntegrationTests.Infrastructure;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.ScenarioSteps;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Deadlines and link expiry on a host of their own whose review deadline is 4 seconds and whose links live 10 seconds
/// (Scenarios__ReviewDeadline, Links__Lifetime): an unanswered review escalates to the authority, the reviewer gets
/// a reminder with a fresh link, an expired link answers 410, and nothing is approved by silence.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ScenarioDeadlineEndToEndTests
{
    private readonly AuthOptions _auth = PlatformHostFixture.ReadSampleAuth();

    [Fact]
    public async Task Review_ProviderSilentPastDeadline_EscalatedRemindedExpiredLink410AndNotApprovedBySilence()
    {
        var settings = new HostSettings();
        settings["Audit__TableName"] = $"audit{Guid.NewGuid():N}"[..20];
        settings["Scenarios__ReviewDeadline"] = "PT4S";
        settings["Links__Lifetime"] = "PT10S";
        await using var host = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
        using var authority = Client(host, Roles.Authority, "org-authority");
        var (operatorId, agreementId) = await CreateOperatorWithAgreementAsync(authority);
        var providerId = await CreateOrganizationAsync(authority, "provider", "湖北省电力公司");
        using var provider = Client(host, Roles.Provider, providerId);
        using var owner = Client(host, Roles.Operator, operatorId);
        using var anonymous = Client(host, null, "");
        var scenarioId = await SubmitAsync(owner, Body(agreementId, [await PublishResourceAsync(authority, provider)]));
        var instance = InstanceId(scenarioId, 1);
        var authorityLink = await LinkAsync(authority, scenarioId, $"{instance}-authority", asRole: true);
        var firstProviderLink = await LinkAsync(provider, scenarioId, $"{instance}-provider-{providerId}");
        var issuedAt = DateTime.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(anonymous, authorityLink, "approve")).StatusCode);

        var overdue = await PlatformScenario.PollAsync(owner, $"/api/scenarios/{scenarioId}",
            s => s.GetProperty("reviews").EnumerateArray().Any(r => r.GetProperty("state").GetString() == "overdue"), TimeSpan.FromSeconds(30));
        var escalation = await MessageAsync(authority, scenarioId, $"{instance}-provider-{providerId}-overdue-1", asRole: true);
        await MessageAsync(provider, scenarioId, $"{instance}-provider-{providerId}-reminder-1");
        var wait = issuedAt + TimeSpan.FromSeconds(11) - DateTime.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        var expiredPage = await anonymous.GetAsync(firstProviderLink);
        var expiredPost = await DecideAsync(anonymous, firstProviderLink, "approve");
        var stillInReview = await owner.GetFromJsonAsync<JsonElement>($"/api/scenarios/{scenarioId}");
        var decided = await DecideWithFreshReminderAsync(anonymous, provider, scenarioId, $"{instance}-provider-{providerId}-reminder-");

        var providerReview = overdue.GetProperty("reviews").EnumerateArray().Single(r => r.GetProperty("slot").GetString() == $"provider-{providerId}");
        Assert.True(providerReview.GetProperty("overdue").GetBoolean());
        Assert.Equal(JsonValueKind.String, providerReview.GetProperty("escalatedAt").ValueKind);
        Assert.Contains("不以沉默视为同意", escalation.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, expiredPage.StatusCode);
        Assert.Contains("链接已过期", await expiredPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await FoundationEndToEndTests.AssertProblemAsync(expiredPost, HttpStatusCode.Gone, "approval.link_expired");
        Assert.Equal("in-review", stillInReview.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var approved = await WaitForStatusAsync(owner, scenarioId, "approved");
        Assert.True(approved.GetProperty("reviews").EnumerateArray().Single(r => r.GetProperty("slot").GetString() == $"provider-{providerId}").GetProperty("overdue").GetBoolean());
    }

    /// <summary>
    /// Decides through the newest reminder's link. Links live 10 s here and a reminder follows every 4 s; on a loaded machine the
    /// newest may already have expired when used, so an expired one is followed by the next, for up to 40 s.
    /// </summary>
    private static async Task<HttpResponseMessage> DecideWithFreshReminderAsync(HttpClient anonymous, HttpClient provider, string scenarioId, string prefix)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (true)
        {
            var decided = await DecideAsync(anonymous, await LatestReminderAsync(provider, scenarioId, prefix), "approve");
            if (decided.StatusCode != HttpStatusCode.Gone || DateTime.UtcNow > until)
            {
                return decided;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private static async Task<string> LatestReminderAsync(HttpClient reader, string scenarioId, string prefix)
    {
        var reminders = (await MessagesAsync(reader, scenarioId))
            .Where(m => m.GetProperty("id").GetString()!.StartsWith(prefix, StringComparison.Ordinal))
            .OrderByDescending(m => int.Parse(m.GetProperty("id").GetString()![prefix.Length..], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.NotEmpty(reminders);
        return new Uri(reminders[0].GetProperty("link").GetString()!).AbsolutePath;
    }

    private HttpClient Client(HostProcess host, string? role, string organization)
    {
        var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        if (role is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                DevelopmentTokenIssuer.Mint(_auth, role, organization, $"{role}-tester", TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
        }

        return client;
    }
}
