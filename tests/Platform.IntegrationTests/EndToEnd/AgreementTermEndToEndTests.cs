using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Functions.Auth;
using Platform.IntegrationTests.Infrastructure;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.PlatformScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// The term of an agreement (issue 15 item 2, M3.4, M5.6) through HTTP on a host whose lifecycles run fast enough that
/// the start of next month comes about 20 seconds after signing: the agreement is <c>signed</c> until then, refuses
/// data use with <c>agreement.not_in_force</c>, and becomes <c>active</c> by itself at 00:00 CST of its start date.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AgreementTermEndToEndTests
{
    private readonly AuthOptions _auth = PlatformHostFixture.ReadSampleAuth();

    [Fact]
    public async Task Term_SignedTodayStartingNextMonth_RefusesScenarioUntilActiveOnItsStartDateThenAccepts()
    {
        var today = TodayCst;
        var startsOn = new DateOnly(today.Year, today.Month, 1).AddMonths(1);
        var untilStart = ChinaTime.StartOfDayUtc(startsOn) - DateTimeOffset.UtcNow;
        var settings = new HostSettings();
        settings["Platform__TimeCompression"] = Math.Max(1, untilStart.TotalSeconds / 20).ToString(CultureInfo.InvariantCulture);
        settings["Audit__TableName"] = $"audit{Guid.NewGuid():N}"[..20];
        await using var host = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
        using var authority = Client(host, Roles.Authority, "org-authority");
        var operatorId = await CreateOperatorAsync(authority);
        var providerId = await ScenarioSteps.CreateOrganizationAsync(authority, "provider", "武汉市交通运输局");
        var planId = await CreateApprovedPlanAsync(authority);
        using var owner = Client(host, Roles.Operator, operatorId);
        using var provider = Client(host, Roles.Provider, providerId);
        // Scenario data needs name published resources; their holder reviews (M4.2).
        var resourceId = await ResourceScenario.PublishAsync(authority, provider);

        var futureSigning = await SignAgreementAsync(authority, planId, operatorId, startsOn, startsOn.AddYears(1), signedOn: today.AddDays(1));
        var signed = await SignAgreementAsync(authority, planId, operatorId, startsOn, startsOn.AddYears(1), signedOn: today);
        Assert.Equal(HttpStatusCode.Created, signed.StatusCode);
        var location = signed.Headers.Location!.ToString();
        var agreement = await signed.Content.ReadFromJsonAsync<JsonElement>();
        var agreementId = agreement.GetProperty("id").GetString()!;
        var early = await owner.PostAsJsonAsync("/api/scenarios", ScenarioSteps.Body(agreementId, [resourceId]));
        var filedBeforeSigning = await authority.PostAsJsonAsync(location + "/filing", new { documentRef = "鄂数备〔2026〕1号", filedOn = today.AddDays(-1).ToString("yyyy-MM-dd") });

        Assert.Equal("agreement.invalid", (await FoundationEndToEndTests.AssertProblemAsync(futureSigning, HttpStatusCode.UnprocessableEntity, "agreement.invalid")).GetProperty("code").GetString());
        Assert.Equal("signed", agreement.GetProperty("status").GetString());
        Assert.Equal(today.ToString("yyyy-MM-dd"), agreement.GetProperty("signedOn").GetString());
        Assert.Equal(today.AddMonths(1).ToString("yyyy-MM-dd"), agreement.GetProperty("filingDueOn").GetString());
        var refused = await FoundationEndToEndTests.AssertProblemAsync(early, HttpStatusCode.Conflict, "agreement.not_in_force");
        Assert.Equal(startsOn.ToString("yyyy-MM-dd"), refused.GetProperty("errors").GetProperty("startsOn")[0].GetString());
        Assert.Equal("signed", refused.GetProperty("errors").GetProperty("status")[0].GetString());
        Assert.True((await FoundationEndToEndTests.AssertProblemAsync(filedBeforeSigning, HttpStatusCode.UnprocessableEntity, "agreement.invalid")).GetProperty("errors").TryGetProperty("filedOn", out _));

        var active = await PollAsync(authority, location, a => a.GetProperty("status").GetString() != "signed", TimeSpan.FromSeconds(90));
        Assert.Equal("active", active.GetProperty("status").GetString());
        Assert.Contains("start", MilestoneKinds(active));
        var accepted = await owner.PostAsJsonAsync("/api/scenarios", ScenarioSteps.Body(agreementId, [resourceId]));
        Assert.True(accepted.StatusCode == HttpStatusCode.Created, await accepted.Content.ReadAsStringAsync());
        var filed = await authority.PostAsJsonAsync(location + "/filing", new { documentRef = "鄂数备〔2026〕1号", filedOn = today.ToString("yyyy-MM-dd") });
        Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
    }

    private HttpClient Client(HostProcess host, string role, string organization)
    {
        var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            DevelopmentTokenIssuer.Mint(_auth, role, organization, $"{role}-tester", TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
        return client;
    }
}
