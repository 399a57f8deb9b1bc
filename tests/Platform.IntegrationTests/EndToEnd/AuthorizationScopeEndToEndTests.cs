using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.PlatformScenario;
using static Platform.IntegrationTests.EndToEnd.SandboxScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Issue 15 through HTTP on the local host: the authorisation binds (M3.3, M5.5.4) — the scope of the plan version an
/// agreement stands on decides what may be requested; an approved amendment widens or narrows it, and narrowing revokes the
/// grants outside it and stops their running sandbox jobs. M3.5 is re-checked at submission.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AuthorizationScopeEndToEndTests(PlatformHostFixture platform)
{
    [Fact]
    public async Task PlanAmendments_NarrowRevokesGrantAndStopsJobRequestRefusedWidenAcceptsItAgain()
    {
        var setup = await GrantedAsync(platform);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var owner = platform.Client(Roles.Operator, setup.OperatorId);
        using var staff = StaffClient(platform, setup);
        var grant = await owner.GetFromJsonAsync<JsonElement>($"/api/grants/{setup.GrantId}");
        var scenarioId = grant.GetProperty("scenarioId").GetString()!;
        var resourceId = grant.GetProperty("tables")[0].GetProperty("resourceId").GetString()!;
        var agreement = await owner.GetFromJsonAsync<JsonElement>($"/api/agreements/{setup.AgreementId}");
        var planId = agreement.GetProperty("planId").GetString()!;
        Assert.Equal((1, "whole", "420000"), (agreement.GetProperty("scope").GetProperty("planVersion").GetInt32(),
            agreement.GetProperty("scope").GetProperty("plan").GetProperty("mode").GetString(), agreement.GetProperty("scope").GetProperty("plan").GetProperty("region").GetString()));

        // A long-running job on the grant.
        var aliases = string.Join(", ", Enumerable.Range(0, 7).Select(i => $"{setup.TableName} a{i}"));
        var sum = string.Join(" + ", Enumerable.Range(0, 7).Select(i => $"a{i}.age"));
        var submitted = await SubmitAsync(staff, setup, "sample", $"SELECT count(*) AS n FROM {aliases} WHERE {sum} > 0");
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var jobUrl = submitted.Headers.Location!.ToString();
        await PollAsync(staff, jobUrl, j => j.GetProperty("status").GetString() == "running", TimeSpan.FromSeconds(60));

        // Amendment 2 narrows the plan to another resource: the grant falls outside.
        await AmendAsync(authority, planId, 2, new { reason = "收窄授权范围，仅保留人口基础信息", mode = "scenario", resourceCatalog = new[] { "res-other-resource" }, coImplementingDepartment = "湖北省民政厅" });

        var revoked = await owner.GetFromJsonAsync<JsonElement>($"/api/grants/{setup.GrantId}");
        Assert.Equal("revoked", revoked.GetProperty("status").GetString());
        var job = await staff.GetFromJsonAsync<JsonElement>(jobUrl);
        Assert.Equal("cancelled", job.GetProperty("status").GetString());
        var moved = await owner.GetFromJsonAsync<JsonElement>($"/api/agreements/{setup.AgreementId}");
        Assert.Equal(2, moved.GetProperty("scope").GetProperty("planVersion").GetInt32());
        Assert.Equal(["res-other-resource"], moved.GetProperty("scope").GetProperty("plan").GetProperty("resourceIds").EnumerateArray().Select(e => e.GetString()));

        // The same request is now outside the authorisation.
        var outside = await RequestAsync(owner, scenarioId, resourceId);
        var problem = await FoundationEndToEndTests.AssertProblemAsync(outside, HttpStatusCode.UnprocessableEntity, "scope.outside_authorization");
        Assert.Contains(resourceId, problem.GetProperty("errors").GetProperty("items[0].resourceId")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains(resourceId, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var stale = await owner.PostAsJsonAsync("/api/scenarios", ScenarioWith(setup, resourceId));
        var staleProblem = await FoundationEndToEndTests.AssertProblemAsync(stale, HttpStatusCode.UnprocessableEntity, "scope.outside_authorization");
        Assert.True(staleProblem.GetProperty("errors").TryGetProperty("dataNeeds[0].resourceId", out _));

        // Amendment 3 adds it: the same request is accepted.
        await AmendAsync(authority, planId, 3, new { reason = "新增养老服务登记数据", resourceCatalog = new[] { "res-other-resource", resourceId } });
        var accepted = await RequestAsync(owner, scenarioId, resourceId);
        Assert.True(accepted.StatusCode == HttpStatusCode.Created, await accepted.Content.ReadAsStringAsync());

        var plan = await authority.GetFromJsonAsync<JsonElement>($"/api/plans/{planId}");
        Assert.Equal([1, 2, 3], plan.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal("鄂政函〔2026〕103号", plan.GetProperty("approval").GetProperty("documentRef").GetString());
        using var supervisor = platform.Client(Roles.Supervisor, "org-supervisor");
        var audit = await supervisor.GetFromJsonAsync<JsonElement>($"/api/audit?target={Uri.EscapeDataString($"grants/{setup.GrantId}")}");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), r => r.GetProperty("action").GetString() == "grant.revoked");
    }

    [Fact]
    public async Task ConfirmedIncident_OperatorUnqualifiedNextScenarioRefusedNamingTheCondition()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var (operatorId, agreementId) = await ScenarioSteps.CreateOperatorWithAgreementAsync(authority);
        var providerId = await ScenarioSteps.CreateOrganizationAsync(authority, "provider", "武汉市交通运输局");
        using var provider = platform.Client(Roles.Provider, providerId);
        var resourceId = await ScenarioSteps.PublishResourceAsync(authority, provider);
        using var owner = platform.Client(Roles.Operator, operatorId);
        var before = await owner.PostAsJsonAsync("/api/scenarios", ScenarioSteps.Body(agreementId, [resourceId]));
        Assert.True(before.StatusCode == HttpStatusCode.Created, await before.Content.ReadAsStringAsync());

        var reported = await owner.PostAsJsonAsync("/api/incidents", new
        {
            kind = "leak", description = "测试环境日志中发现未脱敏的手机号", occurredAt = DateTimeOffset.UtcNow.AddDays(-2), measuresTaken = "已删除日志并排查",
        });
        Assert.Equal(HttpStatusCode.Created, reported.StatusCode);
        var incidentId = (await reported.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var stillQualified = await owner.PostAsJsonAsync("/api/scenarios", ScenarioSteps.Body(agreementId, [resourceId]));
        var byOperator = await owner.PostAsJsonAsync($"/api/incidents/{incidentId}/confirmation", new { note = "自认" });
        var confirmed = await authority.PostAsJsonAsync($"/api/incidents/{incidentId}/confirmation", new { note = "经核查属实，构成数据安全事件" });
        var again = await authority.PostAsJsonAsync($"/api/incidents/{incidentId}/confirmation", new { note = "再次确认" });
        var after = await owner.PostAsJsonAsync("/api/scenarios", ScenarioSteps.Body(agreementId, [resourceId]));
        var planId = await PlatformScenario.CreateApprovedPlanAsync(authority);
        var newAgreement = await PlatformScenario.SignAgreementAsync(authority, planId, operatorId, TodayCst, TodayCst.AddYears(1));

        Assert.Equal(HttpStatusCode.Created, stillQualified.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byOperator.StatusCode);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        await FoundationEndToEndTests.AssertProblemAsync(again, HttpStatusCode.Conflict, "incident.already_confirmed");
        var problem = await FoundationEndToEndTests.AssertProblemAsync(after, HttpStatusCode.UnprocessableEntity, "organization.not_qualified");
        Assert.Equal(["noSecurityIncidentsLast3Years"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Contains("noSecurityIncidentsLast3Years", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // M3.5 at signing too: the confirmed incident refuses a new agreement although the recorded facts still say clean.
        var signing = await FoundationEndToEndTests.AssertProblemAsync(newAgreement, HttpStatusCode.UnprocessableEntity, "agreement.operator_not_qualified");
        Assert.Contains("noSecurityIncidentsLast3Years", signing.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static async Task AmendAsync(HttpClient authority, string planId, int version, object amendment)
    {
        var proposed = await authority.PostAsJsonAsync($"/api/plans/{planId}/amendments", amendment);
        Assert.True(proposed.StatusCode == HttpStatusCode.Created, await proposed.Content.ReadAsStringAsync());
        Assert.Equal($"/api/plans/{planId}/amendments/{version}", proposed.Headers.Location!.ToString());
        var approved = await authority.PostAsJsonAsync($"/api/plans/{planId}/amendments/{version}/approval",
            new { approvedBy = "湖北省人民政府", documentRef = $"鄂政函〔2026〕10{version}号", approvedOn = TodayCst.ToString("yyyy-MM-dd") });
        Assert.True(approved.StatusCode == HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        Assert.Equal(version, (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
    }

    private static Task<HttpResponseMessage> RequestAsync(HttpClient owner, string scenarioId, string resourceId)
        => owner.PostAsJsonAsync($"/api/scenarios/{scenarioId}/data-requests", new
        {
            items = new[] { new { resourceId, fields = FieldNames } },
            purpose = "在沙箱中按区县统计养老服务登记人数与平均年龄。",
        });

    private static object ScenarioWith(SandboxSetup setup, string resourceId) => new
    {
        agreementId = setup.AgreementId,
        title = "养老服务设施布局优化",
        purpose = "按区县统计养老服务登记人数，优化养老服务设施布局。",
        useCategory = "public-good",
        economicValue = "减少设施空置。",
        socialValue = "便利老年人就近养老。",
        businessModel = "向民政部门提供分析报告，公益用途免费。",
        dataNeeds = new[] { new { resourceId, providerId = setup.ProviderId, fields = FieldNames, justification = "统计各区县老年人口分布。" } },
        expertReview = false,
        experts = Array.Empty<string>(),
    };
}
