using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Platform.Adapters.Agreements;
using Platform.Adapters.OperatorSecurity;
using Platform.Adapters.Organizations;
using Platform.Adapters.Personnel;
using Platform.Domain.Agreements;
using Platform.Domain.OperatorSecurity;
using Platform.Domain.Organizations;
using Platform.Domain.Personnel;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Functions.Http;
using Platform.IntegrationTests.Infrastructure;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.PlatformScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// The security duties of M5.5 on a platform host of its own whose deadline sweep fires every two seconds and whose
/// time runs 120 960 times faster (the 7-day escalation grace takes 5 s). An operator authorised two years ago, with a
/// filed staff member never trained and an emergency plan approved two years ago and never drilled, is flagged and told,
/// then — still overdue after the grace — escalated to the authority; recording the drill takes it off the overdue list.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class OperatorSecurityEndToEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task SecuritySweep_UntrainedStaffAndUndrilledPlanPastTheYear_OperatorToldThenAuthorityEscalatedAndDrillClearsIt()
    {
        var (operatorId, staffId) = await SeedAsync();
        var settings = new HostSettings();
        settings["Oversight__DeadlineSweepSchedule"] = "*/2 * * * * *";
        settings["Platform__TimeCompression"] = "120960";
        settings["OperatorSecurity__EscalationGraceDays"] = "7";
        await using var host = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
        var auth = PlatformHostFixture.ReadSampleAuth();
        using var operatorClient = DataRequestSteps.Client(host, auth, Roles.Operator, operatorId);
        using var authority = DataRequestSteps.Client(host, auth, Roles.Authority, "org-authority");
        using var supervisor = DataRequestSteps.Client(host, auth, Roles.Supervisor, "org-supervisor");
        using var otherOperator = DataRequestSteps.Client(host, auth, Roles.Operator, "org-someone-else");
        var target = $"operators/{operatorId}/security";

        var toldTraining = await MessageAsync(operatorClient, "org", target, m => m.Contains($"-security-training-{staffId}-", StringComparison.Ordinal) && m.EndsWith("-overdue", StringComparison.Ordinal));
        var toldDrill = await MessageAsync(operatorClient, "org", target, m => m.Contains("-security-emergency-drill-", StringComparison.Ordinal) && m.EndsWith("-overdue", StringComparison.Ordinal));
        var escalatedTraining = await MessageAsync(authority, "role", target, m => m.Contains($"-security-training-{staffId}-", StringComparison.Ordinal) && m.EndsWith("-escalated", StringComparison.Ordinal));
        var escalatedDrill = await MessageAsync(authority, "role", target, m => m.Contains("-security-emergency-drill-", StringComparison.Ordinal) && m.EndsWith("-escalated", StringComparison.Ordinal));
        var overview = await supervisor.GetFromJsonAsync<JsonElement>($"/api/{target}");
        var foreign = await otherOperator.GetAsync($"/api/{target}");

        Assert.Contains("数据安全教育培训", toldTraining.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Contains("应急演练", toldDrill.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Contains(operatorId, escalatedTraining.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Contains("应急演练", escalatedDrill.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.True(DateTimeOffset.Parse(escalatedDrill.GetProperty("createdAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            >= DateTimeOffset.Parse(toldDrill.GetProperty("createdAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture).AddSeconds(4));
        var overdue = overview.GetProperty("overdue").EnumerateArray().ToList();
        var drill = Assert.Single(overdue, d => d.GetProperty("kind").GetString() == "emergency-drill");
        Assert.Equal(JsonValueKind.String, drill.GetProperty("escalatedAt").ValueKind);
        Assert.Contains(overdue, d => d.GetProperty("kind").GetString() == "training" && d.GetProperty("subject").GetString() == staffId);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);

        var drilled = await operatorClient.PostAsJsonAsync($"/api/{target}/emergency-plan/drills", new { drilledOn = TodayCst.ToString("yyyy-MM-dd"), scenario = "数据库勒索病毒应急演练" });
        var invalid = await operatorClient.PostAsJsonAsync($"/api/{target}/trainings", new { heldOn = TodayCst.AddDays(1).ToString("yyyy-MM-dd"), topic = "", staffIds = new[] { staffId } });
        var foreignStaff = await operatorClient.PostAsJsonAsync($"/api/{target}/trainings", new { heldOn = TodayCst.ToString("yyyy-MM-dd"), topic = "数据分类分级", staffIds = new[] { ResourceId.New("stf", DateTimeOffset.UtcNow) } });
        var after = await authority.GetFromJsonAsync<JsonElement>($"/api/{target}");
        var audit = await supervisor.GetFromJsonAsync<JsonElement>($"/api/audit?target={Uri.EscapeDataString(target)}");

        Assert.Equal(HttpStatusCode.OK, drilled.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        var problem = await invalid.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("security.invalid", problem.GetProperty("code").GetString());
        Assert.Equal("security.unknown_staff", (await foreignStaff.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.DoesNotContain(after.GetProperty("overdue").EnumerateArray(), d => d.GetProperty("kind").GetString() == "emergency-drill");
        Assert.Equal(TodayCst.ToString("yyyy-MM-dd"), after.GetProperty("emergencyPlan").GetProperty("drills")[0].GetProperty("drilledOn").GetString());
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "security.emergency_drill_recorded");
    }

    /// <summary>An operator authorised two years ago, one filed staff member, and an emergency plan approved then and never drilled.</summary>
    private static async Task<(string OperatorId, string StaffId)> SeedAsync()
    {
        var tables = new TableServiceClient(AzuriteFixture.ConnectionString);
        var now = DateTimeOffset.UtcNow;
        var operatorId = ResourceId.New("org", now);
        var staffId = ResourceId.New("stf", now);
        var twoYearsAgo = now.AddYears(-2);
        var qualification = new OrganizationQualification(true, true, true, true, "信用核查报告", now, "authority-tester");
        await new TableOrganizationStore(tables).AddAsync(new Organization(operatorId, "湖北数安运营有限公司", OrganizationKind.Operator, TestCreditCodes.New(), "420100", twoYearsAgo, "authority-tester", qualification));
        var signedOn = ChinaTime.LegalDate(twoYearsAgo);
        await new TableAgreementStore(tables).AddAsync(new Agreement(
            ResourceId.New("agr", now), "pln-seeded", operatorId, SelectionMethod.PublicTender, "三重一大集体决策纪要", signedOn, signedOn.AddYears(5).AddDays(-1), twoYearsAgo,
            AgreementStatus.Active, AgreementRules.FilingDueOn(twoYearsAgo), null, false, [], [], null, null, "authority-tester"));
        await new TablePersonnelStore(tables).AddAsync(new StaffMember(
            staffId, operatorId, "王五", $"hash-{Guid.NewGuid():N}", "420***********123X", true, FilingState.Filed, null, null, twoYearsAgo, "operator-tester"));
        await new TableOperatorSecurityStore(tables).SaveProfileAsync(new SecurityProfile(operatorId,
            new ManagementSystemRecord("v1", "数安制度〔2024〕1号", TodayCst.AddMonths(-1), now, "operator-tester", []),
            new EmergencyPlanRecord("v1", "应急预案〔2024〕1号", signedOn, now, "operator-tester", [])), null);
        return (operatorId, staffId);
    }

    private static async Task<JsonElement> MessageAsync(HttpClient reader, string recipient, string target, Func<string, bool> idMatches)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var page = await reader.GetFromJsonAsync<JsonElement>($"/api/notifications?recipient={recipient}&pageSize=200&target={Uri.EscapeDataString(target)}");
            if (page.GetProperty("items").EnumerateArray().FirstOrDefault(m => idMatches(m.GetProperty("id").GetString()!)) is { ValueKind: JsonValueKind.Object } message)
            {
                return message;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No matching message to {recipient} about {target} within {Timeout}.");
            await Task.Delay(500);
        }
    }
}
