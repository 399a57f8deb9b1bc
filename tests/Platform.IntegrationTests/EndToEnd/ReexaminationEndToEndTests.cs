using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.PlatformScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>A fail evaluation (M5.7) through HTTP: the operator is under re-examination wherever it is looked at.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ReexaminationEndToEndTests(PlatformHostFixture platform)
{
    [Fact]
    public async Task FailEvaluation_SigningAgain_409WithoutOverrideThenSignedWithReasonAuditedAndShownOnQualificationAndDisclosure()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var supervisor = platform.Client(Roles.Supervisor, "org-supervisor");
        using var anonymous = platform.Client(null, "");
        var operatorId = await CreateOperatorAsync(authority);
        var planId = await CreateApprovedPlanAsync(authority);
        var first = await SignAgreementAsync(authority, planId, operatorId, TodayCst, TodayCst.AddYears(2));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var agreementId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var evaluated = await authority.PostAsJsonAsync($"/api/agreements/{agreementId}/evaluations",
            new { year = TodayCst.Year, grade = "fail", score = 42, comment = "安全管理制度未落实", documentRef = "评估〔2026〕9号" });
        Assert.Equal(HttpStatusCode.Created, evaluated.StatusCode);

        var refused = await SignAgreementAsync(authority, planId, operatorId, TodayCst, TodayCst.AddYears(1));
        var overridden = await authority.PostAsJsonAsync("/api/agreements", new
        {
            planId,
            operatorId,
            selectionMethod = "public-tender",
            decisionRecord = "省数据局党组会议纪要〔2026〕13号（三重一大集体决策）",
            startsOn = TodayCst.ToString("yyyy-MM-dd"),
            endsOn = TodayCst.AddYears(1).ToString("yyyy-MM-dd"),
            reexaminationOverrideReason = "整改复查已通过，经集体研究同意续签",
        });
        var organization = await authority.GetFromJsonAsync<JsonElement>($"/api/organizations/{operatorId}");
        var disclosure = await anonymous.GetFromJsonAsync<JsonElement>($"/api/disclosure/operators/{operatorId}");
        var csv = await anonymous.GetStringAsync($"/api/disclosure/operators/{operatorId}?format=csv");

        await FoundationEndToEndTests.AssertProblemAsync(refused, HttpStatusCode.Conflict, "agreement.operator_under_reexamination");
        Assert.Equal(HttpStatusCode.Created, overridden.StatusCode);
        var signed = await overridden.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("整改复查已通过，经集体研究同意续签", signed.GetProperty("reexaminationOverride").GetProperty("reason").GetString());
        var audit = await supervisor.GetFromJsonAsync<JsonElement>($"/api/audit?target={Uri.EscapeDataString($"agreements/{signed.GetProperty("id").GetString()}")}");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "agreement.reexamination_overridden");
        Assert.Equal((agreementId, TodayCst.Year), (organization.GetProperty("reexamination").GetProperty("agreementId").GetString(), organization.GetProperty("reexamination").GetProperty("year").GetInt32()));
        Assert.Equal(agreementId, disclosure.GetProperty("reexamination").GetProperty("agreementId").GetString());
        Assert.Contains($"reexamination,{operatorId},", csv, StringComparison.Ordinal);
    }
}
