using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.ScenarioSteps;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>Scenario review (M4.2) through HTTP on the platform's local host, decided through the links in the outbox.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ScenarioEndToEndTests(PlatformHostFixture platform)
{
    /// <summary>The published resource each provider of the test holds (xunit makes one instance per test).</summary>
    private readonly Dictionary<string, string> _resourceOf = new(StringComparer.Ordinal);

    [Fact]
    public async Task Review_TwoProvidersAllApprove_ApprovedAndOperatorTold()
    {
        var (scenarioId, operatorClient, authority, providers, _, _) = await SubmitWithProvidersAsync(2);

        var links = await RoundLinksAsync(scenarioId, 1, authority, providers);
        Assert.Equal(3, links.Count);
        foreach (var (_, link) in links)
        {
            using var anonymous = platform.Client();
            var page = await anonymous.GetAsync(link);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains(Title, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var decided = await DecideAsync(anonymous, link, "approve", "数据需求合理。");
            Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        }

        var approved = await WaitForStatusAsync(operatorClient, scenarioId, "approved");
        var reviews = approved.GetProperty("reviews").EnumerateArray().ToList();
        Assert.Equal(3, reviews.Count);
        Assert.All(reviews, r =>
        {
            Assert.Equal("approve", r.GetProperty("decision").GetString());
            Assert.Equal(5, r.GetProperty("scores").GetProperty("socialValue").GetInt32());
            Assert.Equal("数据需求合理。", r.GetProperty("comment").GetString());
        });
        Assert.Equal("approved", approved.GetProperty("rounds")[0].GetProperty("outcome").GetString());
        var result = await MessageAsync(operatorClient, scenarioId, $"{InstanceId(scenarioId, 1)}-result-org:{approved.GetProperty("operatorId").GetString()}");
        Assert.Contains("评审通过", result.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_TwoApproveOneRejects_Rejected()
    {
        var (scenarioId, operatorClient, authority, providers, _, _) = await SubmitWithProvidersAsync(2);
        var links = await RoundLinksAsync(scenarioId, 1, authority, providers);
        using var anonymous = platform.Client();

        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(anonymous, links["authority"], "approve")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(anonymous, links[$"provider-{providers[0].Id}"], "approve")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(anonymous, links[$"provider-{providers[1].Id}"], "reject", "车流量数据涉及敏感点位，不宜提供。", new Dictionary<string, int>())).StatusCode);

        var rejected = await WaitForStatusAsync(operatorClient, scenarioId, "rejected");
        Assert.Equal("rejected", rejected.GetProperty("rounds")[0].GetProperty("outcome").GetString());
        var rejecter = rejected.GetProperty("reviews").EnumerateArray().Single(r => r.GetProperty("decision").GetString() == "reject");
        Assert.Equal("车流量数据涉及敏感点位，不宜提供。", rejecter.GetProperty("comment").GetString());
    }

    [Fact]
    public async Task Review_OneRejectsFirst_RejectedAtOnceAndOtherLinksClosed()
    {
        var (scenarioId, operatorClient, authority, providers, _, _) = await SubmitWithProvidersAsync(1);
        var links = await RoundLinksAsync(scenarioId, 1, authority, providers);
        using var anonymous = platform.Client();

        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(anonymous, links["authority"], "reject", "场景与授权范围不符。", new Dictionary<string, int>())).StatusCode);
        await WaitForStatusAsync(operatorClient, scenarioId, "rejected");

        var late = await DecideAsync(anonymous, links[$"provider-{providers[0].Id}"], "approve");
        await FoundationEndToEndTests.AssertProblemAsync(late, HttpStatusCode.Gone, "approval.link_closed");
        var closedPage = await anonymous.GetAsync(links[$"provider-{providers[0].Id}"]);
        Assert.Equal(HttpStatusCode.Gone, closedPage.StatusCode);
    }

    [Fact]
    public async Task Review_ChangesRequestedThenResubmitted_Round2AndOldLinksRefused()
    {
        var (scenarioId, operatorClient, authority, providers, agreementId, _) = await SubmitWithProvidersAsync(1);
        var round1 = await RoundLinksAsync(scenarioId, 1, authority, providers);
        using var anonymous = platform.Client();
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(anonymous, round1["authority"], "changes", "请补充数据安全保障措施。", new Dictionary<string, int> { ["necessity"] = 2 })).StatusCode);
        var earlyResubmission = await operatorClient.PostAsJsonAsync($"/api/scenarios/{scenarioId}/resubmission", Body(agreementId, [_resourceOf[providers[0].Id]]));
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(anonymous, round1[$"provider-{providers[0].Id}"], "approve")).StatusCode);
        await WaitForStatusAsync(operatorClient, scenarioId, "changes-requested");

        var resubmitted = await operatorClient.PostAsJsonAsync($"/api/scenarios/{scenarioId}/resubmission", Body(agreementId, [_resourceOf[providers[0].Id]], title: Title + "（修订）"));

        await FoundationEndToEndTests.AssertProblemAsync(earlyResubmission, HttpStatusCode.Conflict, "scenario.resubmission_not_allowed");
        Assert.Equal(HttpStatusCode.OK, resubmitted.StatusCode);
        var view = await resubmitted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("in-review", view.GetProperty("status").GetString());
        Assert.Equal(2, view.GetProperty("round").GetInt32());
        Assert.Equal("changes-requested", view.GetProperty("rounds")[0].GetProperty("outcome").GetString());
        var round2 = await RoundLinksAsync(scenarioId, 2, authority, providers);
        Assert.NotEqual(round1["authority"], round2["authority"]);
        var reusedOld = await DecideAsync(anonymous, round1["authority"], "approve");
        await FoundationEndToEndTests.AssertProblemAsync(reusedOld, HttpStatusCode.Conflict, "approval.link_used");
        var page2 = await anonymous.GetStringAsync(round2["authority"]);
        Assert.Contains(Title + "（修订）", page2, StringComparison.Ordinal);
        foreach (var link in round2.Values)
        {
            Assert.Equal(HttpStatusCode.OK, (await DecideAsync(anonymous, link, "approve")).StatusCode);
        }

        var approved = await WaitForStatusAsync(operatorClient, scenarioId, "approved");
        Assert.Equal(2, approved.GetProperty("rounds").GetArrayLength());
    }

    [Fact]
    public async Task Review_ChangesWaitsForEveryAnswer_ResubmissionAsksOnlyTheProvidersNamed()
    {
        var (scenarioId, operatorClient, authority, providers, agreementId, _) = await SubmitWithProvidersAsync(2);
        var round1 = await RoundLinksAsync(scenarioId, 1, authority, providers);
        using var anonymous = platform.Client();
        await DecideAsync(anonymous, round1["authority"], "changes", "补充说明收费标准。", new Dictionary<string, int>());
        await DecideAsync(anonymous, round1[$"provider-{providers[0].Id}"], "approve");
        // providers[1] has not answered: the round waits for it before it can say changes-requested.
        var stillWaiting = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/scenarios/{scenarioId}");
        Assert.Equal("in-review", stillWaiting.GetProperty("status").GetString());
        await DecideAsync(anonymous, round1[$"provider-{providers[1].Id}"], "changes", "字段过多。", new Dictionary<string, int>());
        await WaitForStatusAsync(operatorClient, scenarioId, "changes-requested");

        var resubmitted = await operatorClient.PostAsJsonAsync($"/api/scenarios/{scenarioId}/resubmission", Body(agreementId, [_resourceOf[providers[0].Id]]));
        Assert.Equal(HttpStatusCode.OK, resubmitted.StatusCode);
        var round2 = await RoundLinksAsync(scenarioId, 2, authority, [providers[0]]);

        Assert.Equal(2, round2.Count);
        var view = await resubmitted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.DoesNotContain(view.GetProperty("reviews").EnumerateArray(), r => r.GetProperty("slot").GetString() == $"provider-{providers[1].Id}");
    }

    [Fact]
    public async Task Link_Tampered_403AndNothingChanges()
    {
        var (scenarioId, operatorClient, authority, providers, _, _) = await SubmitWithProvidersAsync(1);
        var links = await RoundLinksAsync(scenarioId, 1, authority, providers);
        var link = links[$"provider-{providers[0].Id}"];
        using var anonymous = platform.Client();

        var alteredSignature = await DecideAsync(anonymous, AlterSignature(link), "approve");
        var alteredReviewer = await DecideAsync(anonymous, AlterPayload(link, "r", "org:org-01jd8x3kq7m4r6t9v2w5y8z1ab"), "approve");
        var alteredSlot = await DecideAsync(anonymous, AlterPayload(link, "s", "authority"), "approve");
        var alteredInstance = await DecideAsync(anonymous, AlterPayload(link, "i", InstanceId(scenarioId, 2)), "approve");
        var garbage = await DecideAsync(anonymous, "/api/approvals/not-a-link", "approve");
        var pageOfAltered = await anonymous.GetAsync(AlterSignature(link));

        foreach (var response in new[] { alteredSignature, alteredReviewer, alteredSlot, alteredInstance, garbage })
        {
            await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.Forbidden, "approval.link_invalid");
        }

        Assert.Equal(HttpStatusCode.Forbidden, pageOfAltered.StatusCode);
        Assert.Equal("text/html", pageOfAltered.Content.Headers.ContentType?.MediaType);
        var unchanged = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/scenarios/{scenarioId}");
        Assert.Equal("in-review", unchanged.GetProperty("status").GetString());
        Assert.All(unchanged.GetProperty("reviews").EnumerateArray(), r => Assert.Equal("pending", r.GetProperty("state").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(anonymous, link, "approve")).StatusCode);
    }

    [Fact]
    public async Task Link_TwoConcurrentPosts_ExactlyOneDecides()
    {
        var (scenarioId, operatorClient, authority, providers, _, _) = await SubmitWithProvidersAsync(1);
        var links = await RoundLinksAsync(scenarioId, 1, authority, providers);
        var link = links["authority"];
        using var first = platform.Client();
        using var second = platform.Client();

        var answers = await Task.WhenAll(DecideAsync(first, link, "approve"), DecideAsync(second, link, "reject", "不同意。", new Dictionary<string, int>()));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        var refused = Assert.Single(answers, a => a.StatusCode != HttpStatusCode.OK);
        await FoundationEndToEndTests.AssertProblemAsync(refused, HttpStatusCode.Conflict, "approval.link_used");
        var winner = await answers.Single(a => a.StatusCode == HttpStatusCode.OK).Content.ReadFromJsonAsync<JsonElement>();
        // Sealed reviews: while the round is open only the authority (and supervisors) read the decision itself.
        var view = await PlatformScenario.PollAsync(authority, $"/api/scenarios/{scenarioId}",
            s => s.GetProperty("reviews").EnumerateArray().Any(r => r.GetProperty("slot").GetString() == "authority" && r.GetProperty("state").GetString() == "decided"),
            TimeSpan.FromSeconds(30));
        var authorityReview = view.GetProperty("reviews").EnumerateArray().Single(r => r.GetProperty("slot").GetString() == "authority");
        Assert.Equal(winner.GetProperty("decision").GetString(), authorityReview.GetProperty("decision").GetString());
        using var supervisor = platform.Client(Roles.Supervisor, "org-supervisor");
        var target = Uri.EscapeDataString($"approvals/{InstanceId(scenarioId, 1)}/authority");
        var audit = await supervisor.GetFromJsonAsync<JsonElement>($"/api/audit?target={target}&pageSize=50");
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Single(actions, a => a == "approval.decided");
        Assert.Single(actions, a => a == "approval.refused");
    }

    [Fact]
    public async Task Page_HtmlInChinese_ShowsFactsCriteriaAndFormWithoutScripts()
    {
        var (scenarioId, _, authority, providers, _, _) = await SubmitWithProvidersAsync(1, expert: true);
        var links = await RoundLinksAsync(scenarioId, 1, authority, providers);
        using var anonymous = platform.Client();

        var response = await anonymous.GetAsync(links["authority"]);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains(Title, html, StringComparison.Ordinal);
        Assert.Contains("湖北数据运营有限公司", html, StringComparison.Ordinal);
        Assert.Contains("评估各区域电网承载能力，确定可建桩数量。", html, StringComparison.Ordinal);
        Assert.Contains("负荷", html, StringComparison.Ordinal);
        foreach (var label in new[] { "经济价值", "社会价值", "商业模式", "合理性", "必要性", "可满足性" })
        {
            Assert.Contains(label, html, StringComparison.Ordinal);
        }

        Assert.Contains("name=\"viewport\"", html, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("name=\"scores.necessity\"", html, StringComparison.Ordinal);
        var view = await authority.GetFromJsonAsync<JsonElement>($"/api/scenarios/{scenarioId}");
        Assert.All(view.GetProperty("reviews").EnumerateArray(), r => Assert.Equal("pending", r.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task Page_FormPost_RecordsDecisionAndAnswersHtml()
    {
        var (scenarioId, operatorClient, authority, providers, _, _) = await SubmitWithProvidersAsync(1);
        var links = await RoundLinksAsync(scenarioId, 1, authority, providers);
        using var anonymous = platform.Client();
        var fields = FullScores.Select(s => new KeyValuePair<string, string>($"scores.{s.Key}", s.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Append(new("decision", "approve"))
            .Append(new("comment", "同意，注意<script>alert(1)</script>数据安全。"))
            .ToList();

        var incomplete = await anonymous.PostAsync(links["authority"], new FormUrlEncodedContent([new("decision", "approve")]));
        var response = await anonymous.PostAsync(links["authority"], new FormUrlEncodedContent(fields));
        var html = await response.Content.ReadAsStringAsync();
        var again = await anonymous.PostAsync(links["authority"], new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, incomplete.StatusCode);
        Assert.Contains("<form", await incomplete.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("您的决定已记录", html, StringComparison.Ordinal);
        Assert.Contains("data-decision=\"approve\"", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("text/html", again.Content.Headers.ContentType?.MediaType);
        var view = await PlatformScenario.PollAsync(authority, $"/api/scenarios/{scenarioId}",
            s => s.GetProperty("reviews").EnumerateArray().Any(r => r.GetProperty("state").GetString() == "decided"), TimeSpan.FromSeconds(30));
        Assert.Equal("同意，注意<script>alert(1)</script>数据安全。", view.GetProperty("reviews")[0].GetProperty("comment").GetString());
        var sealedForOperator = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/scenarios/{scenarioId}");
        Assert.Equal("decided", sealedForOperator.GetProperty("reviews")[0].GetProperty("state").GetString());
        Assert.DoesNotContain("数据安全", sealedForOperator.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_InvalidDecision_422AndLinkStillUsable()
    {
        var (scenarioId, _, authority, providers, _, _) = await SubmitWithProvidersAsync(1);
        var links = await RoundLinksAsync(scenarioId, 1, authority, providers);
        using var anonymous = platform.Client();

        var noScores = await DecideAsync(anonymous, links["authority"], "approve", null, new Dictionary<string, int>());
        var outOfRange = await DecideAsync(anonymous, links["authority"], "approve", null, new Dictionary<string, int>(FullScores) { ["necessity"] = 6 });
        var rejectWithoutReason = await DecideAsync(anonymous, links["authority"], "reject", null, new Dictionary<string, int>());
        var unknownDecision = await DecideAsync(anonymous, links["authority"], "maybe");
        var ok = await DecideAsync(anonymous, links["authority"], "approve");

        Assert.True((await FoundationEndToEndTests.AssertProblemAsync(noScores, HttpStatusCode.UnprocessableEntity, "approval.invalid")).GetProperty("errors").TryGetProperty("scores.economicValue", out _));
        Assert.True((await FoundationEndToEndTests.AssertProblemAsync(outOfRange, HttpStatusCode.UnprocessableEntity, "approval.invalid")).GetProperty("errors").TryGetProperty("scores.necessity", out _));
        Assert.True((await FoundationEndToEndTests.AssertProblemAsync(rejectWithoutReason, HttpStatusCode.UnprocessableEntity, "approval.invalid")).GetProperty("errors").TryGetProperty("comment", out _));
        await FoundationEndToEndTests.AssertProblemAsync(unknownDecision, HttpStatusCode.BadRequest, "request.invalid_enum_value");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Submit_ExpertReview_ExpertGetsALinkAndSeesTheScenario()
    {
        var (scenarioId, _, authority, providers, _, expertId) = await SubmitWithProvidersAsync(1, expert: true);
        using var expert = platform.Client(Roles.Reviewer, expertId!);

        var link = await LinkAsync(expert, scenarioId, $"{InstanceId(scenarioId, 1)}-expert-{expertId}");
        var view = await expert.GetFromJsonAsync<JsonElement>($"/api/scenarios/{scenarioId}");

        Assert.StartsWith("/api/approvals/", link, StringComparison.Ordinal);
        Assert.Equal(3, view.GetProperty("reviews").GetArrayLength());
        Assert.Contains(view.GetProperty("reviews").EnumerateArray(), r => r.GetProperty("reviewerKind").GetString() == "expert");
    }

    [Fact]
    public async Task Submit_WithoutActiveAgreement_409AndInvalidBody422()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var (operatorId, agreementId) = await CreateOperatorWithAgreementAsync(authority);
        var providerId = await CreateOrganizationAsync(authority, "provider", "武汉市数据局");
        using var owner = platform.Client(Roles.Operator, operatorId);
        using var stranger = platform.Client(Roles.Operator, await PlatformScenario.CreateOperatorAsync(authority));

        var otherOperators = await stranger.PostAsJsonAsync("/api/scenarios", Body(agreementId, ["res-01jd8x3kq7m4r6t9v2w5y8z1ab"]));
        var unknownAgreement = await owner.PostAsJsonAsync("/api/scenarios", Body("agr-01jd8x3kq7m4r6t9v2w5y8z1ab", ["res-01jd8x3kq7m4r6t9v2w5y8z1ab"]));
        var noJustification = await owner.PostAsJsonAsync("/api/scenarios", new
        {
            agreementId, title = "场景", purpose = "目的", useCategory = "industry", economicValue = "高", socialValue = "高", businessModel = "收费",
            dataNeeds = new[] { new { resourceId = "res-01jd8x3kq7m4r6t9v2w5y8z1ab", providerId, fields = new[] { "字段" } } },
        });
        var noNeeds = await owner.PostAsJsonAsync("/api/scenarios", new { agreementId, title = "场景", purpose = "目的", useCategory = "industry", economicValue = "高", socialValue = "高", businessModel = "收费", dataNeeds = Array.Empty<object>() });
        var unknownResource = await owner.PostAsJsonAsync("/api/scenarios", Body(agreementId, ["res-01jd8x3kq7m4r6t9v2w5y8z1ab"]));
        var terminated = await authority.PostAsJsonAsync($"/api/agreements/{agreementId}/termination", new { ground = "other", detail = "测试终止" });
        var afterTermination = await owner.PostAsJsonAsync("/api/scenarios", Body(agreementId, ["res-01jd8x3kq7m4r6t9v2w5y8z1ab"]));

        await FoundationEndToEndTests.AssertProblemAsync(otherOperators, HttpStatusCode.Conflict, "scenario.agreement_not_active");
        await FoundationEndToEndTests.AssertProblemAsync(unknownAgreement, HttpStatusCode.Conflict, "scenario.agreement_not_active");
        Assert.True((await FoundationEndToEndTests.AssertProblemAsync(noJustification, HttpStatusCode.UnprocessableEntity, "scenario.invalid")).GetProperty("errors").TryGetProperty("dataNeeds[0].justification", out _));
        Assert.True((await FoundationEndToEndTests.AssertProblemAsync(noNeeds, HttpStatusCode.UnprocessableEntity, "scenario.invalid")).GetProperty("errors").TryGetProperty("dataNeeds", out _));
        // M4.2: the request names resources; the providers come from the catalogue, so an unknown resource is refused.
        Assert.True((await FoundationEndToEndTests.AssertProblemAsync(unknownResource, HttpStatusCode.UnprocessableEntity, "scenario.invalid")).GetProperty("errors").TryGetProperty("dataNeeds[0].resourceId", out _));
        Assert.Equal(HttpStatusCode.OK, terminated.StatusCode);
        await FoundationEndToEndTests.AssertProblemAsync(afterTermination, HttpStatusCode.Conflict, "agreement.not_in_force");
    }

    [Fact]
    public async Task Get_ObjectLevelAccess_OwnerAuthorityInvolvedProviderOnly()
    {
        var (scenarioId, operatorClient, authority, providers, _, _) = await SubmitWithProvidersAsync(1);
        using var involved = platform.Client(Roles.Provider, providers[0].Id);
        using var uninvolved = platform.Client(Roles.Provider, await CreateOrganizationAsync(authority, "provider", "无关单位"));
        using var otherOperator = platform.Client(Roles.Operator, "org-01jd8x3kq7m4r6t9v2w5y8z1ab");
        using var developer = platform.Client(Roles.Developer, "org-dev");
        var url = $"/api/scenarios/{scenarioId}";

        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await authority.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await involved.GetAsync(url)).StatusCode);
        await FoundationEndToEndTests.AssertProblemAsync(await uninvolved.GetAsync(url), HttpStatusCode.NotFound, "scenario.not_found");
        await FoundationEndToEndTests.AssertProblemAsync(await otherOperator.GetAsync(url), HttpStatusCode.NotFound, "scenario.not_found");
        await FoundationEndToEndTests.AssertProblemAsync(await developer.GetAsync(url), HttpStatusCode.Forbidden, "auth.forbidden_role");
    }

    [Fact]
    public async Task AgreementTerminated_OpenReviewCancelledAndLinksClosed()
    {
        var (scenarioId, operatorClient, authority, providers, agreementId, _) = await SubmitWithProvidersAsync(1);
        var links = await RoundLinksAsync(scenarioId, 1, authority, providers);

        var terminated = await authority.PostAsJsonAsync($"/api/agreements/{agreementId}/termination", new { ground = "other", detail = "运营机构申请解除协议" });

        Assert.Equal(HttpStatusCode.OK, terminated.StatusCode);
        var cancelled = await WaitForStatusAsync(operatorClient, scenarioId, "cancelled");
        Assert.Equal("cancelled", cancelled.GetProperty("rounds")[0].GetProperty("outcome").GetString());
        using var anonymous = platform.Client();
        await FoundationEndToEndTests.AssertProblemAsync(await DecideAsync(anonymous, links["authority"], "approve"), HttpStatusCode.Gone, "approval.link_closed");
    }

    private async Task<(string ScenarioId, HttpClient Operator, HttpClient Authority, List<(string Id, HttpClient Client)> Providers, string AgreementId, string? ExpertId)> SubmitWithProvidersAsync(int providerCount, bool expert = false)
    {
        var authority = platform.Client(Roles.Authority, "org-authority");
        var (operatorId, agreementId) = await CreateOperatorWithAgreementAsync(authority);
        var providers = new List<(string Id, HttpClient Client)>();
        for (var i = 0; i < providerCount; i++)
        {
            var id = await CreateOrganizationAsync(authority, "provider", i == 0 ? "湖北省电力公司" : "武汉市交通运输局");
            providers.Add((id, platform.Client(Roles.Provider, id)));
            _resourceOf[id] = await PublishResourceAsync(authority, providers[^1].Client);
        }

        string? expertId = expert ? await CreateOrganizationAsync(authority, "reviewer", "湖北数据治理专家委员会") : null;
        var operatorClient = platform.Client(Roles.Operator, operatorId);
        var scenarioId = await SubmitAsync(operatorClient, Body(agreementId, providers.Select(p => _resourceOf[p.Id]).ToList(), expertId is null ? null : [expertId]));
        if (expertId is not null)
        {
            // M2.3: the operator asked for expert review; the authority chooses the expert.
            await AddExpertsAsync(authority, scenarioId, expertId);
        }
        return (scenarioId, operatorClient, authority, providers, agreementId, expertId);
    }

    /// <summary>The links of a round by slot: the authority's (from the role's outbox) and each provider's (from its own).</summary>
    private static async Task<Dictionary<string, string>> RoundLinksAsync(string scenarioId, int round, HttpClient authority, IReadOnlyList<(string Id, HttpClient Client)> providers)
    {
        var links = new Dictionary<string, string>
        {
            ["authority"] = await LinkAsync(authority, scenarioId, $"{InstanceId(scenarioId, round)}-authority", asRole: true),
        };
        foreach (var (id, client) in providers)
        {
            links[$"provider-{id}"] = await LinkAsync(client, scenarioId, $"{InstanceId(scenarioId, round)}-provider-{id}");
        }

        return links;
    }
}
