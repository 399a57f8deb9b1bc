using Azure.Data.Tables;
using Platform.Adapters.Agreements;
using Platform.Adapters.DataRequests;
using Platform.Adapters.Grants;
using Platform.Adapters.Oversight;
using Platform.Adapters.Reports;
using Platform.Adapters.Sandbox;
using Platform.Adapters.Scenarios;
using Platform.Adapters.Storage;
using Platform.Domain.Agreements;
using Platform.Domain.DataRequests;
using Platform.Domain.Grants;
using Platform.Domain.Oversight;
using Platform.Domain.Reports;
using Platform.Domain.Sandbox;
using Platform.Domain.Scenarios;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.Reports;

/// <summary>
/// The year-filtered queries the annual reports count from, on Azurite. The record tables are shared with other tests,
/// so each test uses operators (and, for agreements, years) of its own.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AnnualReportStoreQueryTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset From = new(2025, 12, 31, 16, 0, 0, TimeSpan.Zero); // 2026-01-01 00:00 CST
    private static readonly DateTimeOffset To = new(2026, 12, 31, 16, 0, 0, TimeSpan.Zero);
    private readonly TableServiceClient _tables = new(azurite.StorageConnectionString);

    private static string NewOperator() => $"org-{Guid.NewGuid():N}"[..30];

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Scenarios_ByOperatorActiveBetween_CreatedBeforeEndAndChangedSinceStartOnly()
    {
        var store = new TableScenarioStore(_tables);
        var operatorId = NewOperator();
        var expected = new[]
        {
            Scenario(NewId("scn"), operatorId, From.AddSeconds(-1), From), // submitted 2025, decided at the first instant of 2026
            Scenario(NewId("scn"), operatorId, To.AddSeconds(-1), To.AddDays(3)),
        };
        foreach (var scenario in expected)
        {
            await store.AddAsync(scenario);
        }

        await store.AddAsync(Scenario(NewId("scn"), operatorId, From.AddDays(-10), From.AddSeconds(-1))); // all in 2025
        await store.AddAsync(Scenario(NewId("scn"), operatorId, To, To)); // created at the first instant of 2027
        await store.AddAsync(Scenario(NewId("scn"), NewOperator(), From.AddDays(1), From.AddDays(1)));

        var found = await store.ListActiveBetweenAsync(operatorId, From, To);

        Assert.Equal(expected.Select(s => s.Id).Order(), found.Select(s => s.Id).Order());
    }

    [Fact]
    public async Task Scenarios_Replaced_QueriedByTheNewChangeTime()
    {
        var store = new TableScenarioStore(_tables);
        var operatorId = NewOperator();
        var scenario = Scenario(NewId("scn"), operatorId, From.AddDays(-30), From.AddDays(-20));
        var etag = await store.AddAsync(scenario);
        Assert.Empty(await store.ListActiveBetweenAsync(operatorId, From, To));

        await store.ReplaceAsync(scenario with { UpdatedAt = From.AddDays(2) }, etag);

        Assert.Equal([scenario.Id], (await store.ListActiveBetweenAsync(operatorId, From, To)).Select(s => s.Id));
    }

    [Fact]
    public async Task DataRequests_ByOperatorActiveBetween_SubmittedBeforeEndAndChangedSinceStartOnly()
    {
        var store = new TableDataRequestStore(_tables);
        var operatorId = NewOperator();
        var inYear = Request(NewId("drq"), operatorId, From.AddDays(5), From.AddDays(9));
        var completedInYear = Request(NewId("drq"), operatorId, From.AddDays(-3), From.AddDays(2));
        await store.AddAsync(inYear);
        await store.AddAsync(completedInYear);
        await store.AddAsync(Request(NewId("drq"), operatorId, From.AddDays(-9), From.AddDays(-2)));
        await store.AddAsync(Request(NewId("drq"), operatorId, To, To.AddDays(1)));
        await store.AddAsync(Request(NewId("drq"), NewOperator(), From.AddDays(5), From.AddDays(9)));

        var found = await store.ListActiveBetweenAsync(operatorId, From, To);

        Assert.Equal(new[] { inYear.Id, completedInYear.Id }.Order(), found.Select(r => r.Id).Order());
    }

    [Fact]
    public async Task Grants_IssuedBetween_HalfOpenPeriodOfOneOperator()
    {
        var store = new TableGrantStore(_tables);
        var operatorId = NewOperator();
        var first = Grant(NewId("gnt"), operatorId, From);
        var last = Grant(NewId("gnt"), operatorId, To.AddTicks(-10));
        await store.AddAsync(first);
        await store.AddAsync(last);
        await store.AddAsync(Grant(NewId("gnt"), operatorId, From.AddSeconds(-1)));
        await store.AddAsync(Grant(NewId("gnt"), operatorId, To));
        await store.AddAsync(Grant(NewId("gnt"), NewOperator(), From.AddDays(1)));

        var found = await store.ListIssuedBetweenAsync(operatorId, From, To);

        Assert.Equal(new[] { first.Id, last.Id }.Order(), found.Select(g => g.Id).Order());
    }

    [Fact]
    public async Task SandboxJobs_SubmittedBetween_HalfOpenPeriodOfOneOrganisation()
    {
        var store = new TableSandboxJobStore(_tables);
        var operatorId = NewOperator();
        var sample = new SandboxJob(NewId("sbj"), "gnt-1", operatorId, "staff-1", SandboxMode.Sample, "select 1", SandboxJobStatus.Released, From);
        var full = sample with { Id = NewId("sbj"), Mode = SandboxMode.Full, Status = SandboxJobStatus.Withheld, SubmittedAt = To.AddSeconds(-1), Sql = new string('x', 70_000) };
        await store.AddAsync(sample);
        await store.AddAsync(full);
        await store.AddAsync(sample with { Id = NewId("sbj"), SubmittedAt = To });
        await store.AddAsync(sample with { Id = NewId("sbj"), OrganizationId = NewOperator() });

        var found = await store.ListSubmittedBetweenAsync(operatorId, From, To);

        Assert.Equal(new[] { sample.Id, full.Id }.Order(), found.Select(j => j.Id).Order());
        Assert.Equal((operatorId, SandboxMode.Full, SandboxJobStatus.Withheld, full.SubmittedAt), found.Single(j => j.Id == full.Id) is var f ? (f.OrganizationId, f.Mode, f.Status, f.SubmittedAt) : default);
        Assert.Contains(await store.ListSubmittedBetweenAsync(null, From, To), j => j.Id == sample.Id);
    }

    [Fact]
    public async Task Incidents_ReportedBetween_OfOneOrganisationOrAll()
    {
        var store = new TableIncidentStore(_tables);
        var operatorId = NewOperator();
        var other = NewOperator();
        var mine = Incident(NewId("inc"), operatorId, From.AddDays(40));
        var theirs = Incident(NewId("inc"), other, From.AddDays(41));
        await store.AddAsync(mine);
        await store.AddAsync(theirs);
        await store.AddAsync(Incident(NewId("inc"), operatorId, From.AddSeconds(-1)));

        var ofOperator = await store.ListReportedBetweenAsync(operatorId, From, To);
        var ofAll = await store.ListReportedBetweenAsync(null, From, To);

        Assert.Equal([mine.Id], ofOperator.Select(i => i.Id));
        Assert.Equal("日志中发现未脱敏手机号", ofOperator[0].Description);
        Assert.Contains(ofAll, i => i.Id == theirs.Id);
        Assert.DoesNotContain(ofAll, i => i.OrganizationId == operatorId && i.ReportedAt < From);
    }

    [Fact]
    public async Task Agreements_TermOverlapping_InclusiveDateBounds()
    {
        var store = new TableAgreementStore(_tables);
        var operatorId = NewOperator();
        var endsOnFirstDay = Agreement(NewId("agr"), operatorId, new DateOnly(2089, 1, 1), new DateOnly(2090, 1, 1));
        var startsOnLastDay = Agreement(NewId("agr"), operatorId, new DateOnly(2090, 12, 31), new DateOnly(2093, 1, 1));
        await store.AddAsync(endsOnFirstDay);
        await store.AddAsync(startsOnLastDay);
        await store.AddAsync(Agreement(NewId("agr"), operatorId, new DateOnly(2088, 1, 1), new DateOnly(2089, 12, 31)));
        await store.AddAsync(Agreement(NewId("agr"), operatorId, new DateOnly(2091, 1, 1), new DateOnly(2092, 1, 1)));

        var found = await store.ListTermOverlappingAsync(new DateOnly(2090, 1, 1), new DateOnly(2090, 12, 31));

        Assert.Equal(new[] { endsOnFirstDay.Id, startsOnLastDay.Id }.Order(), found.Where(a => a.OperatorId == operatorId).Select(a => a.Id).Order());
    }

    [Fact]
    public async Task QueryAll_MoreRowsThanAPage_ReadsEveryPage()
    {
        var tableName = "reportpaging" + Guid.NewGuid().ToString("N")[..12];
        var store = new JsonTableStore<Grant>(_tables, tableName, "grant", "grant");
        try
        {
            for (var i = 0; i < 7; i++)
            {
                await store.AddAsync($"gnt-{i}", Grant($"gnt-{i}", "org-paging", From.AddDays(i)), null, new Dictionary<string, object> { ["OperatorId"] = "org-paging" });
            }

            var found = await store.QueryAllAsync(TableClient.CreateQueryFilter($"OperatorId eq {"org-paging"}"), pageSize: 2);

            Assert.Equal(7, found.Count);
        }
        finally
        {
            await _tables.DeleteTableAsync(tableName);
        }
    }

    [Fact]
    public async Task AnnualReportStore_ConditionalInsertListAndOverdueQuery_AnswerAsStored()
    {
        var tableName = "annualreports" + Guid.NewGuid().ToString("N")[..12];
        var store = new TableAnnualReportStore(_tables, tableName);
        try
        {
            var dueAt = new DateTimeOffset(2027, 1, 31, 16, 0, 0, TimeSpan.Zero);
            var draft = Report("org-a", "运营机构甲", dueAt);
            Assert.True(await store.TryAddOperatorReportAsync(draft));
            Assert.False(await store.TryAddOperatorReportAsync(draft with { OperatorName = "另一个" }));
            Assert.True(await store.TryAddOperatorReportAsync(Report("org-b", "运营机构乙", dueAt) with { Status = OperatorReportStatus.Submitted }));
            Assert.True(await store.TryAddOperatorReportAsync(Report("org-c", "运营机构丙", dueAt) with { Overdue = true }));
            Assert.True(await store.TryAddOperatorReportAsync(Report("org-d", "运营机构丁", dueAt) with { Year = 2025, Id = OperatorAnnualReport.IdFor(2025, "org-d") }));

            var ofYear = await store.ListOperatorReportsAsync(2026);
            var beforeDue = await store.ListUnflaggedOverdueAsync(dueAt.AddSeconds(-1));
            var atDue = await store.ListUnflaggedOverdueAsync(dueAt);

            Assert.Equal(["org-a", "org-b", "org-c"], ofYear.Select(r => r.Value.OperatorId));
            Assert.Equal("运营机构甲", ofYear[0].Value.OperatorName);
            Assert.DoesNotContain(beforeDue, r => r.Value.Year == 2026);
            Assert.Equal(["org-a"], atDue.Where(r => r.Value.Year == 2026).Select(r => r.Value.OperatorId));

            var read = (await store.GetOperatorReportAsync(2026, "org-a"))!;
            await store.ReplaceOperatorReportAsync(read.Value with { Overdue = true }, read.ETag);
            Assert.DoesNotContain(await store.ListUnflaggedOverdueAsync(dueAt), r => r.Value.Year == 2026);

            var authority = new AuthorityAnnualReport("2026", 2026, new PlatformFigures(1, 1, 0, 1, 0, new Dictionary<string, int>(), 0, 0),
                OperatorActivityCounts.None, ["org-a"], dueAt, new DateOnly(2027, 1, 31));
            Assert.True(await store.TryAddAuthorityReportAsync(authority));
            Assert.False(await store.TryAddAuthorityReportAsync(authority));
            Assert.Equal(["org-a"], (await store.GetAuthorityReportAsync(2026))!.OperatorIds);
        }
        finally
        {
            await _tables.DeleteTableAsync(tableName);
        }
    }

    private static OperatorAnnualReport Report(string operatorId, string name, DateTimeOffset dueAt)
        => new(OperatorAnnualReport.IdFor(2026, operatorId), 2026, operatorId, name, ["agr-1"], OperatorActivityCounts.None, From, OperatorReportNarrative.Empty,
            OperatorReportStatus.Draft, new DateOnly(2027, 1, 31), dueAt, From, From);

    private static Scenario Scenario(string id, string operatorId, DateTimeOffset createdAt, DateTimeOffset updatedAt)
    {
        var content = new ScenarioContent("充电桩布局优化", "目的", ScenarioUseCategory.PublicGood, "经济", "社会", "模式", [], false, []);
        return new Scenario(id, "agr-1", operatorId, ScenarioStatus.InReview,
            [new ScenarioRound(1, $"scenario-review-{id}-r1", createdAt, createdAt.AddDays(5), content, [], null, null)], createdAt, "op", updatedAt);
    }

    private static DataRequest Request(string id, string operatorId, DateTimeOffset submittedAt, DateTimeOffset updatedAt)
        => new(id, "scn-1", "场景", "agr-1", operatorId, "用途", [], [], DataRequestStatus.Pending, submittedAt, "op", updatedAt);

    private static Grant Grant(string id, string operatorId, DateTimeOffset issuedAt)
        => new(id, "agr-1", "scn-1", operatorId, "drq-1", "org-provider", [], issuedAt, issuedAt.AddYears(1), GrantStatus.Active, null, null);

    private static SecurityIncident Incident(string id, string operatorId, DateTimeOffset reportedAt)
        => new(id, operatorId, IncidentKind.Leak, "日志中发现未脱敏手机号", reportedAt.AddHours(-1), reportedAt, "op", [], null);

    private static Agreement Agreement(string id, string operatorId, DateOnly startsOn, DateOnly endsOn)
        => new(id, "pln-1", operatorId, SelectionMethod.PublicTender, "决策记录", startsOn, endsOn, From, AgreementStatus.Active,
            startsOn.AddMonths(1), null, false, [], [], null, null, "authority");
}
