using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.ScenarioSteps;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Issue 16 items 1–2 through HTTP: the reviewers of a scenario come from the data it needs (M4.2), experts are chosen by
/// the authority (M2.3), and reviews stay sealed while the round is open.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ScenarioPartiesEndToEndTests(PlatformHostFixture platform)
{
    [Fact]
    public async Task Submit_BodyNamesAnotherProvider_LinkGoesToTheResourcesHolderOnly()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var (operatorId, agreementId) = await CreateOperatorWithAgreementAsync(authority);
        var holderId = await CreateOrganizationAsync(authority, "provider", "湖北省电力公司");
        var otherId = await CreateOrganizationAsync(authority, "provider", "武汉市交通运输局");
        using var holder = platform.Client(Roles.Provider, holderId);
        using var other = platform.Client(Roles.Provider, otherId);
        using var owner = platform.Client(Roles.Operator, operatorId);
        var resourceId = await PublishResourceAsync(authority, holder);

        var scenarioId = await SubmitAsync(owner, new
        {
            agreementId, title = Title, purpose = "优化充电桩布局", useCategory = "public-good", economicValue = "高", socialValue = "高", businessModel = "按次收费",
            dataNeeds = new[] { new { resourceId, providerId = otherId, fields = new[] { "区县" }, justification = "按区县统计需求。" } },
        });

        var link = await LinkAsync(holder, scenarioId, $"{InstanceId(scenarioId, 1)}-provider-{holderId}");
        var view = await authority.GetFromJsonAsync<JsonElement>($"/api/scenarios/{scenarioId}");
        Assert.StartsWith("/api/approvals/", link, StringComparison.Ordinal);
        Assert.Equal(["authority", $"provider-{holderId}"], view.GetProperty("reviews").EnumerateArray().Select(r => r.GetProperty("slot").GetString()));
        Assert.Equal(holderId, view.GetProperty("dataNeeds")[0].GetProperty("providerId").GetString());
        Assert.Empty(await MessagesAsync(other, scenarioId));
        await FoundationEndToEndTests.AssertProblemAsync(await other.GetAsync($"/api/scenarios/{scenarioId}"), HttpStatusCode.NotFound, "scenario.not_found");
    }

    [Fact]
    public async Task Review_AuthorityAddsExpert_ExpertLinkRoundWaitsForItAndReviewsSealedUntilClosed()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var (operatorId, agreementId) = await CreateOperatorWithAgreementAsync(authority);
        var providerId = await CreateOrganizationAsync(authority, "provider", "湖北省电力公司");
        var expertId = await CreateOrganizationAsync(authority, "reviewer", "湖北数据治理专家委员会");
        using var provider = platform.Client(Roles.Provider, providerId);
        using var expert = platform.Client(Roles.Reviewer, expertId);
        using var owner = platform.Client(Roles.Operator, operatorId);
        using var anonymous = platform.Client();
        var scenarioId = await SubmitAsync(owner, Body(agreementId, [await PublishResourceAsync(authority, provider)]));
        var instance = InstanceId(scenarioId, 1);

        // M2.3: only the authority chooses experts; not the operator, and never the operator itself.
        var byOperator = await owner.PostAsJsonAsync($"/api/scenarios/{scenarioId}/experts", new { experts = new[] { expertId } });
        var operatorItself = await authority.PostAsJsonAsync($"/api/scenarios/{scenarioId}/experts", new { experts = new[] { operatorId } });
        await FoundationEndToEndTests.AssertProblemAsync(byOperator, HttpStatusCode.Forbidden, "auth.forbidden_role");
        await FoundationEndToEndTests.AssertProblemAsync(operatorItself, HttpStatusCode.Conflict, "scenario.reviewer_conflict");
        await AddExpertsAsync(authority, scenarioId, expertId);

        var expertLink = await LinkAsync(expert, scenarioId, $"{instance}-expert-{expertId}");
        var authorityLink = await LinkAsync(authority, scenarioId, $"{instance}-authority", asRole: true);
        var providerLink = await LinkAsync(provider, scenarioId, $"{instance}-provider-{providerId}");
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(anonymous, authorityLink, "approve", "主管部门同意。")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(anonymous, providerLink, "approve", "电力公司同意。")).StatusCode);
        var bothDecided = await PlatformScenario.PollAsync(authority, $"/api/scenarios/{scenarioId}",
            s => s.GetProperty("reviews").EnumerateArray().Count(r => r.GetProperty("state").GetString() == "decided") == 2, TimeSpan.FromSeconds(60));

        // The round waits for the expert: two approvals of three do not approve it.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var waiting = await owner.GetFromJsonAsync<JsonElement>($"/api/scenarios/{scenarioId}");
        Assert.Equal("in-review", waiting.GetProperty("status").GetString());
        Assert.Equal("主管部门同意。", Review(bothDecided, "authority").GetProperty("comment").GetString());

        // Sealed: the provider sees its own decision only; the expert sees none; the operator sees states without decisions.
        var asProvider = await provider.GetFromJsonAsync<JsonElement>($"/api/scenarios/{scenarioId}");
        Assert.Equal(("decided", "approve", "电力公司同意。"), Parts(Review(asProvider, $"provider-{providerId}")));
        Assert.Equal(("sealed", null, null), Parts(Review(asProvider, "authority")));
        var asExpert = await expert.GetFromJsonAsync<JsonElement>($"/api/scenarios/{scenarioId}");
        Assert.Equal(("sealed", null, null), Parts(Review(asExpert, "authority")));
        Assert.Equal(("sealed", null, null), Parts(Review(asExpert, $"provider-{providerId}")));
        Assert.Equal(("pending", null, null), Parts(Review(asExpert, $"expert-{expertId}")));
        Assert.Equal(("decided", null, null), Parts(Review(waiting, "authority")));
        Assert.Equal(("pending", null, null), Parts(Review(waiting, $"expert-{expertId}")));
        Assert.DoesNotContain("电力公司同意", waiting.GetRawText(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(anonymous, expertLink, "approve", "专家同意。")).StatusCode);
        var approved = await WaitForStatusAsync(owner, scenarioId, "approved");
        Assert.Equal(("decided", "approve", "电力公司同意。"), Parts(Review(approved, $"provider-{providerId}")));
        Assert.Equal(("decided", "approve", "专家同意。"), Parts(Review(approved, $"expert-{expertId}")));
    }

    private static JsonElement Review(JsonElement scenario, string slot)
        => scenario.GetProperty("reviews").EnumerateArray().Single(r => r.GetProperty("slot").GetString() == slot);

    private static (string? State, string? Decision, string? Comment) Parts(JsonElement review)
        => (review.GetProperty("state").GetString(), Text(review, "decision"), Text(review, "comment"));

    private static string? Text(JsonElement review, string name)
        => review.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
