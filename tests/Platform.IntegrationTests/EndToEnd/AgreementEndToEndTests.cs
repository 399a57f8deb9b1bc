using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.PlatformScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>Agreements (M3.4–M3.6) through HTTP on the platform's local host, in real time.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AgreementEndToEndTests(PlatformHostFixture platform)
{
    [Fact]
    public async Task SignAgreement_FiveYearsAndOneDay_Returns422TermExceeds()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var operatorId = await CreateOperatorAsync(authority);
        var planId = await CreateApprovedPlanAsync(authority);
        var start = TodayCst;

        var tooLong = await SignAgreementAsync(authority, planId, operatorId, start, start.AddYears(5).AddDays(1));
        var exactlyFive = await SignAgreementAsync(authority, planId, operatorId, start, start.AddYears(5));

        var problem = await FoundationEndToEndTests.AssertProblemAsync(tooLong, HttpStatusCode.UnprocessableEntity, "agreement.term_exceeds_5_years");
        Assert.True(problem.GetProperty("errors").TryGetProperty("endsOn", out _));
        Assert.Equal(HttpStatusCode.Created, exactlyFive.StatusCode);
    }

    [Fact]
    public async Task SignAgreement_LeapDayStart_EndsAtLatestOn28FebruaryFiveYearsLater()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var operatorId = await CreateOperatorAsync(authority);
        var planId = await CreateApprovedPlanAsync(authority);
        var leapDay = new DateOnly(2028, 2, 29);

        var onTheLastDay = await SignAgreementAsync(authority, planId, operatorId, leapDay, new DateOnly(2033, 2, 28));
        var oneDayMore = await SignAgreementAsync(authority, planId, operatorId, leapDay, new DateOnly(2033, 3, 1));

        Assert.Equal(HttpStatusCode.Created, onTheLastDay.StatusCode);
        await FoundationEndToEndTests.AssertProblemAsync(oneDayMore, HttpStatusCode.UnprocessableEntity, "agreement.term_exceeds_5_years");
    }

    [Fact]
    public async Task SignAgreement_UnqualifiedOperator_Returns422()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var operatorId = await CreateOperatorAsync(authority, qualified: false);
        var planId = await CreateApprovedPlanAsync(authority);

        var response = await SignAgreementAsync(authority, planId, operatorId, TodayCst, TodayCst.AddYears(1));

        await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "agreement.operator_not_qualified");
    }

    [Fact]
    public async Task SignAgreement_NotAuthority_Returns403()
    {
        using var operatorClient = platform.Client(Roles.Operator, "org-01jd8x3kq7m4r6t9v2w5y8z1ab");

        var response = await SignAgreementAsync(operatorClient, "pln-01jd8x3kq7m4r6t9v2w5y8z1ab", "org-01jd8x3kq7m4r6t9v2w5y8z1ab", TodayCst, TodayCst.AddYears(1));

        await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.Forbidden, "auth.forbidden_role");
    }

    [Fact]
    public async Task GetAgreement_OwnOperatorSeesItAndAnotherOperatorGets404()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var operatorId = await CreateOperatorAsync(authority);
        var planId = await CreateApprovedPlanAsync(authority);
        var signed = await SignAgreementAsync(authority, planId, operatorId, TodayCst, TodayCst.AddYears(2));
        Assert.Equal(HttpStatusCode.Created, signed.StatusCode);
        var location = signed.Headers.Location!.ToString();

        using var owner = platform.Client(Roles.Operator, operatorId);
        using var other = platform.Client(Roles.Operator, "org-01jd8x3kq7m4r6t9v2w5y8z1ab");
        var mine = await owner.GetFromJsonAsync<JsonElement>(location);
        var notMine = await other.GetAsync(location);

        Assert.Equal("active", mine.GetProperty("status").GetString());
        Assert.Equal(TodayCst.AddYears(2).ToString("yyyy-MM-dd"), mine.GetProperty("endsOn").GetString());
        Assert.Equal(TodayCst.AddMonths(1).ToString("yyyy-MM-dd"), mine.GetProperty("filingDueOn").GetString());
        await FoundationEndToEndTests.AssertProblemAsync(notMine, HttpStatusCode.NotFound, "agreement.not_found");
        var ownList = await owner.GetFromJsonAsync<JsonElement>("/api/agreements?pageSize=50");
        Assert.All(ownList.GetProperty("items").EnumerateArray(), a => Assert.Equal(operatorId, a.GetProperty("operatorId").GetString()));
    }

    [Fact]
    public async Task Terminate_BreachUnrectifiedWithoutOverdueBreach_Returns422AndSanctionedTerminatesAndRevokes()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var operatorId = await CreateOperatorAsync(authority);
        var planId = await CreateApprovedPlanAsync(authority);
        var signed = await SignAgreementAsync(authority, planId, operatorId, TodayCst, TodayCst.AddYears(1));
        var location = signed.Headers.Location!.ToString();
        var breach = await authority.PostAsJsonAsync(location + "/breaches", new { description = "未按要求开展安全评估", rectifyBy = TodayCst.AddDays(30).ToString("yyyy-MM-dd") });
        Assert.Equal(HttpStatusCode.Created, breach.StatusCode);

        var early = await authority.PostAsJsonAsync(location + "/termination", new { ground = "breach-unrectified", detail = "逾期未整改" });
        var sanctioned = await authority.PostAsJsonAsync(location + "/termination", new { ground = "sanctioned", detail = "发生重大数据安全事件" });
        var again = await authority.PostAsJsonAsync(location + "/termination", new { ground = "other", detail = "重复终止" });

        await FoundationEndToEndTests.AssertProblemAsync(early, HttpStatusCode.UnprocessableEntity, "agreement.termination_ground_not_met");
        Assert.Equal(HttpStatusCode.OK, sanctioned.StatusCode);
        await FoundationEndToEndTests.AssertProblemAsync(again, HttpStatusCode.Conflict, "agreement.not_active");
        var revoked = await PollAsync(authority, location, a => a.GetProperty("revocation").ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(30));
        Assert.Equal("terminated", revoked.GetProperty("status").GetString());
        Assert.Equal("terminated", revoked.GetProperty("revocation").GetProperty("reason").GetString());
        using var owner = platform.Client(Roles.Operator, operatorId);
        var messages = await owner.GetFromJsonAsync<JsonElement>("/api/notifications");
        Assert.Contains(messages.GetProperty("items").EnumerateArray(), m => m.GetProperty("id").GetString()!.Contains("revoked", StringComparison.Ordinal));
    }
}
