using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Platform.Adapters.Agreements;
using Platform.Adapters.Organizations;
using Platform.Adapters.Plans;
using Platform.Domain.Agreements;
using Platform.Domain.Organizations;
using Platform.Domain.Plans;
using Platform.Domain.Security;
using Platform.Functions.Http;
using Platform.IntegrationTests.Infrastructure;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.PlatformScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// The oversight timers on a platform host of their own whose schedules (settings Oversight__DeadlineSweepSchedule and
/// Disclosure__SnapshotSchedule) fire every two seconds. The records exist before the host starts (written through the
/// Table adapters), so the first firing already sees them: the snapshot of the previous year is published once, and the
/// sweep tells the authority about the unfiled plan and the missing evaluation.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class OversightTimersEndToEndTests
{
    private static readonly TimeSpan TimerTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Timers_ScheduleOverriddenBySettings_SnapshotPublishedOnceAndOverdueFilingAndEvaluationNotified()
    {
        var (operatorId, planId, agreementId) = await SeedAsync();
        var lastYear = TodayCst.Year - 1;
        var settings = new HostSettings();
        settings["Audit__TableName"] = $"audit{Guid.NewGuid():N}"[..20];
        settings["Oversight__DeadlineSweepSchedule"] = "*/2 * * * * *";
        settings["Disclosure__SnapshotSchedule"] = "*/2 * * * * *";
        settings["Disclosure__SnapshotContainer"] = $"snapshots-{Guid.NewGuid():N}"[..30];
        await using var host = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
        var auth = PlatformHostFixture.ReadSampleAuth();
        using var anonymous = DataRequestSteps.Client(host, auth, null, "");
        using var authority = DataRequestSteps.Client(host, auth, Roles.Authority, "org-authority");

        var snapshot = await PollUntilOkAsync(anonymous, $"/api/disclosure/snapshots/{lastYear}");
        var filing = await AuthorityMessageAsync(authority, $"plans/{planId}", $"{planId}-filing-overdue");
        var evaluation = await AuthorityMessageAsync(authority, $"agreements/{agreementId}", $"{agreementId}-{lastYear}-evaluation-overdue");
        await Task.Delay(TimeSpan.FromSeconds(5));
        var again = await anonymous.GetFromJsonAsync<JsonElement>($"/api/disclosure/snapshots/{lastYear}");
        var csv = (await anonymous.GetStringAsync($"/api/disclosure/snapshots/{lastYear}?format=csv")).TrimStart('\uFEFF');
        var filingMessages = await MessagesAsync(authority, $"plans/{planId}");

        Assert.Equal((lastYear, $"{lastYear}-01-01", $"{lastYear}-12-31"),
            (snapshot.GetProperty("year").GetInt32(), snapshot.GetProperty("periodStart").GetString(), snapshot.GetProperty("periodEnd").GetString()));
        Assert.Contains(snapshot.GetProperty("authorizations").EnumerateArray(), a => a.GetProperty("agreementId").GetString() == agreementId);
        var disclosed = Assert.Single(snapshot.GetProperty("operators").EnumerateArray(), o => o.GetProperty("operatorId").GetString() == operatorId);
        Assert.Equal([agreementId], disclosed.GetProperty("authorizations").EnumerateArray().Select(a => a.GetProperty("agreementId").GetString()));
        Assert.Equal(snapshot.GetProperty("publishedAt").GetString(), again.GetProperty("publishedAt").GetString());
        Assert.Contains($"authorization,{operatorId},湖北数据运营有限公司,", csv, StringComparison.Ordinal);
        Assert.Contains("备案", filing.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Contains($"{lastYear} 年度运营评估", evaluation.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Single(filingMessages, m => m.GetProperty("id").GetString() == $"{planId}-filing-overdue");
        using var supervisor = DataRequestSteps.Client(host, auth, Roles.Supervisor, "org-supervisor");
        var published = await supervisor.GetFromJsonAsync<JsonElement>($"/api/audit?target={Uri.EscapeDataString($"disclosure/snapshots/{lastYear}")}");
        Assert.Equal("disclosure.snapshot_published", Assert.Single(published.GetProperty("items").EnumerateArray()).GetProperty("action").GetString());
    }

    /// <summary>An operator authorised since January of last year with no evaluation, and a plan approved two months ago and never filed.</summary>
    private static async Task<(string OperatorId, string PlanId, string AgreementId)> SeedAsync()
    {
        var tables = new TableServiceClient(AzuriteFixture.ConnectionString);
        var now = DateTimeOffset.UtcNow;
        var operatorId = ResourceId.New("org", now);
        var planId = ResourceId.New("pln", now);
        var agreementId = ResourceId.New("agr", now);
        var qualification = new OrganizationQualification(true, true, true, true, "信用核查报告", now, "authority-tester");
        await new TableOrganizationStore(tables).AddAsync(new Organization(operatorId, "湖北数据运营有限公司", OrganizationKind.Operator, TestCreditCodes.New(), "420100", now, "authority-tester", qualification));
        var approvedOn = TodayCst.AddMonths(-2);
        await new TablePlanStore(tables).AddAsync(new Plan(
            planId, "湖北省公共数据授权运营实施方案", PlanMode.Whole, "420000", null, [], [], PlanStatus.Approved,
            new PlanApproval("湖北省人民政府", "鄂政函〔2026〕1号", approvedOn, now, "authority-tester"), null, now, "authority-tester", now, "authority-tester"));
        var startsOn = new DateOnly(TodayCst.Year - 1, 1, 1);
        await new TableAgreementStore(tables).AddAsync(new Agreement(
            agreementId, planId, operatorId, SelectionMethod.PublicTender, "三重一大集体决策纪要", startsOn, startsOn.AddYears(5).AddDays(-1), now,
            AgreementStatus.Active, AgreementRules.FilingDueOn(now), null, false, [], [], null, null, "authority-tester"));
        return (operatorId, planId, agreementId);
    }

    private static async Task<JsonElement> PollUntilOkAsync(HttpClient client, string url)
    {
        var deadline = DateTime.UtcNow + TimerTimeout;
        while (true)
        {
            var response = await client.GetAsync(url);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await response.Content.ReadFromJsonAsync<JsonElement>();
            }

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, $"{url} was not published within {TimerTimeout}.");
            await Task.Delay(500);
        }
    }

    private static async Task<JsonElement> AuthorityMessageAsync(HttpClient authority, string target, string id)
    {
        var deadline = DateTime.UtcNow + TimerTimeout;
        while (true)
        {
            if ((await MessagesAsync(authority, target)).FirstOrDefault(m => m.GetProperty("id").GetString() == id) is { ValueKind: JsonValueKind.Object } message)
            {
                return message;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No message {id} arrived within {TimerTimeout}.");
            await Task.Delay(500);
        }
    }

    private static async Task<List<JsonElement>> MessagesAsync(HttpClient reader, string target)
    {
        var page = await reader.GetFromJsonAsync<JsonElement>($"/api/notifications?recipient=role&pageSize=200&target={Uri.EscapeDataString(target)}");
        return page.GetProperty("items").EnumerateArray().ToList();
    }
}
