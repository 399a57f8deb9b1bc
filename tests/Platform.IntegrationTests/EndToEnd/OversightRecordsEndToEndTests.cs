using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.PlatformScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>Yearly operator evaluations (M5.7), the filing overview (M5.6) and operator disclosure (M4.7.4) through HTTP.</summary>
[Collection(PlatformCollection.Name)]
public sealed class OversightRecordsEndToEndTests(PlatformHostFixture platform)
{
    [Fact]
    public async Task Evaluation_RecordedByTheAuthority_ShownOnTheAgreementAndASecondForTheYearIs409()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var operatorId = await CreateOperatorAsync(authority);
        var planId = await CreateApprovedPlanAsync(authority);
        var signed = await SignAgreementAsync(authority, planId, operatorId, TodayCst.AddYears(-1), TodayCst.AddYears(2));
        var agreementId = (await signed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var lastYear = TodayCst.Year - 1;
        var body = new { year = lastYear, grade = "good", score = 86, comment = "数据安全管理规范，产品服务有待丰富", documentRef = "鄂数评〔2026〕3号" };

        var recorded = await authority.PostAsJsonAsync($"/api/agreements/{agreementId}/evaluations", body);
        var duplicate = await authority.PostAsJsonAsync($"/api/agreements/{agreementId}/evaluations", body with { grade = "fail", score = 10 });
        var beforeTerm = await authority.PostAsJsonAsync($"/api/agreements/{agreementId}/evaluations", body with { year = lastYear - 1 });
        var badGrade = await authority.PostAsJsonAsync($"/api/agreements/{agreementId}/evaluations", body with { grade = "superb" });
        using var owner = platform.Client(Roles.Operator, operatorId);
        var byOperator = await owner.PostAsJsonAsync($"/api/agreements/{agreementId}/evaluations", body with { year = TodayCst.Year });
        var agreement = await owner.GetFromJsonAsync<JsonElement>($"/api/agreements/{agreementId}");

        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        Assert.Equal($"/api/agreements/{agreementId}/evaluations/{lastYear}", recorded.Headers.Location?.OriginalString);
        await FoundationEndToEndTests.AssertProblemAsync(duplicate, HttpStatusCode.Conflict, "evaluation.already_recorded");
        await FoundationEndToEndTests.AssertProblemAsync(beforeTerm, HttpStatusCode.UnprocessableEntity, "evaluation.year_outside_term");
        await FoundationEndToEndTests.AssertProblemAsync(badGrade, HttpStatusCode.BadRequest, "request.invalid_enum_value");
        Assert.Equal(HttpStatusCode.Forbidden, byOperator.StatusCode);
        var evaluation = Assert.Single(agreement.GetProperty("evaluations").EnumerateArray());
        Assert.Equal((lastYear, "good", 86, "数据安全管理规范，产品服务有待丰富", operatorId),
            (evaluation.GetProperty("year").GetInt32(), evaluation.GetProperty("grade").GetString(), evaluation.GetProperty("score").GetInt32(),
             evaluation.GetProperty("comment").GetString(), evaluation.GetProperty("operatorId").GetString()));
        using var supervisor = platform.Client(Roles.Supervisor, "org-supervisor");
        var audit = await supervisor.GetFromJsonAsync<JsonElement>($"/api/audit?target={Uri.EscapeDataString($"agreements/{agreementId}/evaluations/{lastYear}")}");
        Assert.Equal("evaluation.recorded", Assert.Single(audit.GetProperty("items").EnumerateArray()).GetProperty("action").GetString());
    }

    [Fact]
    public async Task Filings_PlanUnfiledMonthsAfterApproval_ListedOverdueForTheSupervisorAndAFreshAgreementIsNot()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var created = await authority.PostAsJsonAsync("/api/plans", new { title = "武汉市公共数据授权运营实施方案", mode = "domain", region = "420100", coImplementingDepartment = "武汉市交通运输局" });
        var planId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var approvedOn = TodayCst.AddMonths(-2);
        var approval = await authority.PostAsJsonAsync($"/api/plans/{planId}/approval", new { approvedBy = "武汉市人民政府", documentRef = "武政函〔2026〕8号", approvedOn = approvedOn.ToString("yyyy-MM-dd") });
        Assert.True(approval.IsSuccessStatusCode, await approval.Content.ReadAsStringAsync());
        var operatorId = await CreateOperatorAsync(authority);
        var signed = await SignAgreementAsync(authority, await CreateApprovedPlanAsync(authority), operatorId, TodayCst, TodayCst.AddYears(1));
        var agreementId = (await signed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var supervisor = platform.Client(Roles.Supervisor, "org-supervisor");

        var overdue = await AllFilingsAsync(supervisor, "?overdue=true&pageSize=200");
        var all = await AllFilingsAsync(supervisor, "?pageSize=200");
        using var owner = platform.Client(Roles.Operator, operatorId);
        var byOperator = await owner.GetAsync("/api/oversight/filings");
        var badFilter = await supervisor.GetAsync("/api/oversight/filings?overdue=maybe");

        var plan = Assert.Single(overdue, f => f.GetProperty("id").GetString() == planId);
        Assert.Equal(("plan", approvedOn.AddMonths(1).ToString("yyyy-MM-dd"), true, JsonValueKind.Null),
            (plan.GetProperty("kind").GetString(), plan.GetProperty("filingDueOn").GetString(), plan.GetProperty("overdue").GetBoolean(), plan.GetProperty("filedOn").ValueKind));
        Assert.True(plan.GetProperty("daysOverdue").GetInt32() > 0);
        Assert.All(overdue, f => Assert.True(f.GetProperty("overdue").GetBoolean()));
        Assert.DoesNotContain(overdue, f => f.GetProperty("id").GetString() == agreementId);
        var agreement = Assert.Single(all, f => f.GetProperty("id").GetString() == agreementId);
        Assert.Equal(("agreement", false, operatorId), (agreement.GetProperty("kind").GetString(), agreement.GetProperty("overdue").GetBoolean(), agreement.GetProperty("operatorId").GetString()));
        Assert.Equal(TodayCst.AddMonths(1).ToString("yyyy-MM-dd"), agreement.GetProperty("filingDueOn").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, byOperator.StatusCode);
        await FoundationEndToEndTests.AssertProblemAsync(badFilter, HttpStatusCode.BadRequest, "request.invalid_query");
    }

    [Fact]
    public async Task OperatorDisclosure_JsonAndCsv_ExactlyItsAuthorisationAndGrantedResourceWithoutPersonalData()
    {
        var setup = await SandboxScenario.GrantedAsync(platform);
        using var anonymous = platform.Client();
        using var owner = platform.Client(Roles.Operator, setup.OperatorId);
        var grant = await owner.GetFromJsonAsync<JsonElement>($"/api/grants/{setup.GrantId}");
        var table = grant.GetProperty("tables")[0];

        var jsonResponse = await anonymous.GetAsync($"/api/disclosure/operators/{setup.OperatorId}");
        var csvResponse = await anonymous.GetAsync($"/api/disclosure/operators/{setup.OperatorId}?format=csv");
        using var acceptCsv = new HttpRequestMessage(HttpMethod.Get, $"/api/disclosure/operators/{setup.OperatorId}");
        acceptCsv.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var negotiated = await anonymous.SendAsync(acceptCsv);
        var provider = await anonymous.GetAsync($"/api/disclosure/operators/{setup.ProviderId}");
        var unknown = await anonymous.GetAsync("/api/disclosure/operators/org-01jd8x3kq7m4r6t9v2w5y8z1ab");

        var jsonText = await jsonResponse.Content.ReadAsStringAsync();
        var json = JsonDocument.Parse(jsonText).RootElement;
        Assert.Equal(setup.OperatorId, json.GetProperty("operatorId").GetString());
        Assert.Equal([setup.AgreementId], json.GetProperty("authorizations").EnumerateArray().Select(a => a.GetProperty("agreementId").GetString()));
        Assert.Empty(json.GetProperty("products").EnumerateArray());
        var usage = Assert.Single(json.GetProperty("resourceUsage").EnumerateArray());
        Assert.Equal((setup.GrantId, table.GetProperty("resourceId").GetString(), setup.ProviderId, "武汉市民政局", table.GetProperty("fields").GetArrayLength(), "active"),
            (usage.GetProperty("grantId").GetString(), usage.GetProperty("resourceId").GetString(), usage.GetProperty("providerId").GetString(),
             usage.GetProperty("providerName").GetString(), usage.GetProperty("grantedFieldCount").GetInt32(), usage.GetProperty("status").GetString()));
        Assert.Equal(grant.GetProperty("expiresAt").GetString(), usage.GetProperty("expiresAt").GetString());
        var csv = (await csvResponse.Content.ReadAsStringAsync()).TrimStart('\uFEFF');
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"authorization,{setup.OperatorId},湖北数据运营有限公司,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"resource-usage,{setup.OperatorId},", lines[2], StringComparison.Ordinal);
        Assert.Contains($",{setup.ProviderId},武汉市民政局,{table.GetProperty("fields").GetArrayLength()},", lines[2], StringComparison.Ordinal);
        Assert.Equal(csv, (await negotiated.Content.ReadAsStringAsync()).TrimStart('\uFEFF'));
        foreach (var person in setup.People)
        {
            Assert.DoesNotContain(person.Name, jsonText, StringComparison.Ordinal);
            Assert.DoesNotContain(person.Name, csv, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(setup.StaffId, jsonText, StringComparison.Ordinal);
        foreach (var field in table.GetProperty("fields").EnumerateArray())
        {
            Assert.DoesNotContain($"\"{field.GetProperty("name").GetString()}\"", jsonText, StringComparison.Ordinal);
        }

        await FoundationEndToEndTests.AssertProblemAsync(provider, HttpStatusCode.NotFound, "organization.not_found");
        await FoundationEndToEndTests.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "organization.not_found");
    }

    [Fact]
    public async Task Snapshot_YearNotPublished_404ProblemAndMalformedYear400()
    {
        using var anonymous = platform.Client();

        var notYet = await anonymous.GetAsync($"/api/disclosure/snapshots/{TodayCst.Year + 1}");
        var malformed = await anonymous.GetAsync("/api/disclosure/snapshots/20x6");

        await FoundationEndToEndTests.AssertProblemAsync(notYet, HttpStatusCode.NotFound, "disclosure.snapshot_not_found");
        await FoundationEndToEndTests.AssertProblemAsync(malformed, HttpStatusCode.BadRequest, "request.invalid_year");
    }

    private static async Task<List<JsonElement>> AllFilingsAsync(HttpClient reader, string query)
    {
        var all = new List<JsonElement>();
        string? token = null;
        do
        {
            var page = await reader.GetFromJsonAsync<JsonElement>("/api/oversight/filings" + query + (token is null ? "" : $"&continuationToken={Uri.EscapeDataString(token)}"));
            all.AddRange(page.GetProperty("items").EnumerateArray());
            token = page.TryGetProperty("continuationToken", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (token is not null);

        return all;
    }
}
