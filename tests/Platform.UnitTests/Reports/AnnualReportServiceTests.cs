using Platform.Domain.Agreements;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Oversight;
using Platform.Domain.Reports;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;
using Xunit;
using static Platform.UnitTests.Reports.ReportTestWorld;

namespace Platform.UnitTests.Reports;

public sealed class AnnualReportServiceTests
{
    private static readonly Caller Operator1 = new("op-user", Roles.Operator, "org-1");

    private static ReportTestWorld WorldWithTwoOperators()
    {
        var world = new ReportTestWorld();
        world.Agreements.Add(Agreement("agr-1", "org-1", new DateOnly(2026, 3, 1), new DateOnly(2028, 2, 29)));
        world.Agreements.Add(Agreement("agr-2", "org-2", new DateOnly(2025, 1, 1), new DateOnly(2026, 6, 30)));
        world.Agreements.Add(Agreement("agr-3", "org-3", new DateOnly(2024, 1, 1), new DateOnly(2025, 12, 31)));
        world.Scenarios.Add(Scenario("scn-1", "org-1", Cst(2026, 3, 2), approvedAt: Cst(2026, 3, 9)));
        world.Scenarios.Add(Scenario("scn-2", "org-1", Cst(2026, 4, 2)));
        world.Scenarios.Add(Scenario("scn-3", "org-2", Cst(2025, 4, 2), approvedAt: Cst(2025, 5, 2)));
        world.Requests.Add(Request("drq-1", "org-1", Cst(2026, 3, 10), DataRequestStatus.Approved, Cst(2026, 3, 16)));
        world.Grants.Add(Grant("gnt-1", "org-1", Cst(2026, 3, 16)));
        world.Jobs.Add(Job("sbj-1", "org-1", Cst(2026, 3, 17), SandboxMode.Sample, SandboxJobStatus.Released));
        world.Jobs.Add(Job("sbj-2", "org-2", Cst(2026, 3, 17), SandboxMode.Full, SandboxJobStatus.Withheld));
        world.Incidents.Add(Incident("inc-1", "org-2", Cst(2026, 5, 1)));
        world.Incidents.Add(Incident("inc-2", "org-2", Cst(2025, 5, 1), IncidentKind.Loss));
        world.Suspensions["org-2"] = new OperatorSuspension("org-2", false, [new SuspensionPeriod("泄露", Cst(2026, 5, 1), "authority", Cst(2026, 5, 20), "authority", null)]);
        return world;
    }

    [Fact]
    public async Task RequestAsync_NewYear_DraftsForOperatorsInForceWithTheYearsCounts()
    {
        var world = WorldWithTwoOperators();

        var outcome = await world.ReportRequests.RequestAsync(NewYearFiring);

        Assert.Equal(new AnnualReportRequestOutcome(2026, 2, 0, true), outcome);
        var first = world.Store.OperatorReports.Single(r => r.OperatorId == "org-1");
        Assert.Equal(new OperatorActivityCounts(2, 1, 1, 1, 1, first.Counts.SandboxJobs, 0, 0, 0, 0), first.Counts);
        Assert.Equal(1, first.Counts.SandboxJobs.Sample);
        Assert.Equal(OperatorReportStatus.Draft, first.Status);
        Assert.Equal(new DateOnly(2027, 1, 31), first.DueOn);
        Assert.Equal(["agr-1"], first.AgreementIds);
        var second = world.Store.OperatorReports.Single(r => r.OperatorId == "org-2");
        Assert.Equal((0, 0, 1, 1), (second.Counts.ScenariosSubmitted, second.Counts.ScenariosApproved, second.Counts.SandboxJobs.Full, second.Counts.IncidentsReported));
        Assert.DoesNotContain(world.Store.OperatorReports, r => r.OperatorId == "org-3");
    }

    [Fact]
    public async Task RequestAsync_NewYear_OperatorToldItsDueDateAndAuthorityReportAggregates()
    {
        var world = WorldWithTwoOperators();

        await world.ReportRequests.RequestAsync(NewYearFiring);

        var message = Assert.Single(world.Outbox.Sent, n => n.Recipient.Value == "org-1");
        Assert.Contains("2027年1月31日", message.Body, StringComparison.Ordinal);
        Assert.Equal("reports/annual/2026/operators/org-1", message.Target);
        var view = await world.Service.GetAsync(2026, new Caller("a", Roles.Authority, "org-authority"));
        var authority = view.AuthorityReport!;
        Assert.Equal(2, authority.OperatorTotals.ScenariosSubmitted);
        Assert.Equal(2, authority.OperatorTotals.SandboxJobs.Total);
        Assert.Equal(1, authority.OperatorTotals.IncidentsReported);
        Assert.Equal(2, authority.Platform.AgreementsActive);
        Assert.Equal(1, authority.Platform.IncidentsReported);
        Assert.Equal(new Dictionary<string, int> { ["leak"] = 1 }, authority.Platform.IncidentsByKind);
        Assert.Equal((1, 1), (authority.Platform.SuspensionsImposed, authority.Platform.OperatorsSuspended));
        Assert.Equal(new OperatorReportProgress(2, 0, 0, 0), view.Progress);
    }

    [Fact]
    public async Task RequestAsync_RunTwice_NothingDuplicatedAndEditsKept()
    {
        var world = WorldWithTwoOperators();
        await world.ReportRequests.RequestAsync(NewYearFiring);
        await world.Service.EditAsync(2026, "org-1", new OperatorReportNarrative(Summary: "已填写"), null, Operator1);
        world.Scenarios.Add(Scenario("scn-9", "org-1", Cst(2026, 12, 1)));

        var again = await world.ReportRequests.RequestAsync(NewYearFiring.AddMinutes(5));

        Assert.Equal(new AnnualReportRequestOutcome(2026, 0, 2, false), again);
        var report = world.Store.OperatorReports.Single(r => r.OperatorId == "org-1");
        Assert.Equal("已填写", report.Narrative.Summary);
        Assert.Equal(2, report.Counts.ScenariosSubmitted);
        Assert.Single(world.Outbox.Sent, n => n.Recipient.Value == "org-1");
        Assert.Single(world.Audit.Records, r => r.Action == "annual_report.authority_drafted");
    }

    [Fact]
    public async Task GetAsync_Operator_SeesOnlyItsOwnReport()
    {
        var world = WorldWithTwoOperators();
        await world.ReportRequests.RequestAsync(NewYearFiring);

        var view = await world.Service.GetAsync(2026, Operator1);

        Assert.Null(view.AuthorityReport);
        Assert.Equal(["org-1"], view.OperatorReports.Select(r => r.OperatorId));
    }

    [Fact]
    public async Task GetAsync_OperatorWithoutReport_404()
    {
        var world = WorldWithTwoOperators();
        await world.ReportRequests.RequestAsync(NewYearFiring);

        var error = await Assert.ThrowsAsync<DomainException>(() => world.Service.GetAsync(2026, new Caller("x", Roles.Operator, "org-3")));

        Assert.Equal((FailureKind.NotFound, "report.not_found"), (error.Kind, error.Code));
    }

    [Fact]
    public async Task GetAsync_YearWithoutReports_404ForTheAuthority()
    {
        var world = WorldWithTwoOperators();

        var error = await Assert.ThrowsAsync<DomainException>(() => world.Service.GetAsync(2026, new Caller("a", Roles.Supervisor, "org-sup")));

        Assert.Equal("report.not_found", error.Code);
    }

    [Fact]
    public async Task GetAsync_Provider_403()
    {
        var world = WorldWithTwoOperators();
        await world.ReportRequests.RequestAsync(NewYearFiring);

        var error = await Assert.ThrowsAsync<DomainException>(() => world.Service.GetAsync(2026, new Caller("p", Roles.Provider, "org-provider")));

        Assert.Equal(FailureKind.Forbidden, error.Kind);
    }

    [Fact]
    public async Task EditAsync_AnotherOperatorsReport_404()
    {
        var world = WorldWithTwoOperators();
        await world.ReportRequests.RequestAsync(NewYearFiring);

        var error = await Assert.ThrowsAsync<DomainException>(() => world.Service.EditAsync(2026, "org-2", new OperatorReportNarrative(Summary: "x"), null, Operator1));

        Assert.Equal("report.not_found", error.Code);
    }

    [Fact]
    public async Task EditAsync_StaleETag_412()
    {
        var world = WorldWithTwoOperators();
        await world.ReportRequests.RequestAsync(NewYearFiring);
        var read = await world.Service.GetOperatorReportAsync(2026, "org-1", Operator1);
        await world.Service.EditAsync(2026, "org-1", new OperatorReportNarrative(Summary: "第一次"), read.ETag, Operator1);

        var error = await Assert.ThrowsAsync<DomainException>(() => world.Service.EditAsync(2026, "org-1", new OperatorReportNarrative(Summary: "第二次"), read.ETag, Operator1));

        Assert.Equal("concurrency.etag_mismatch", error.Code);
    }

    [Fact]
    public async Task SubmitAsync_BeforeDue_SubmittedOnTimeAndAuthorityTold()
    {
        var world = WorldWithTwoOperators();
        await world.ReportRequests.RequestAsync(NewYearFiring);
        await world.Service.EditAsync(2026, "org-1", new OperatorReportNarrative(Summary: "概述", DataSecurity: "无事件"), null, Operator1);
        world.Clock.UtcNow = Cst(2027, 1, 31, 23, 59, 59);

        var submitted = await world.Service.SubmitAsync(2026, "org-1", null, Operator1);

        Assert.Equal(OperatorReportStatus.Submitted, submitted.Value.Status);
        Assert.False(submitted.Value.Late);
        Assert.Contains(world.Outbox.Sent, n => n.Id == "annual-report-2026-org-1-submitted" && n.Recipient == Platform.Domain.Notifications.Recipient.Role(Roles.Authority));
    }

    [Fact]
    public async Task SubmitAsync_AtDueInstant_MarkedLate()
    {
        var world = WorldWithTwoOperators();
        await world.ReportRequests.RequestAsync(NewYearFiring);
        await world.Service.EditAsync(2026, "org-1", new OperatorReportNarrative(Summary: "概述", DataSecurity: "无事件"), null, Operator1);
        world.Clock.UtcNow = Cst(2027, 2, 1, 0, 0, 0);

        var submitted = await world.Service.SubmitAsync(2026, "org-1", null, Operator1);

        Assert.True(submitted.Value.Late);
        Assert.Contains(world.Outbox.Sent, n => n.Id == "annual-report-2026-org-1-submitted" && n.Subject.Contains("逾期", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EditAsync_AfterSubmission_409()
    {
        var world = WorldWithTwoOperators();
        await world.ReportRequests.RequestAsync(NewYearFiring);
        await world.Service.EditAsync(2026, "org-1", new OperatorReportNarrative(Summary: "概述", DataSecurity: "无事件"), null, Operator1);
        await world.Service.SubmitAsync(2026, "org-1", null, Operator1);

        var error = await Assert.ThrowsAsync<DomainException>(() => world.Service.EditAsync(2026, "org-1", new OperatorReportNarrative(Summary: "改"), null, Operator1));

        Assert.Equal("report.already_submitted", error.Code);
    }

    [Fact]
    public async Task Sweep_AfterDue_FlagsUnsubmittedOnceAndTellsAuthorityOnce()
    {
        var world = WorldWithTwoOperators();
        await world.ReportRequests.RequestAsync(NewYearFiring);
        await world.Service.EditAsync(2026, "org-1", new OperatorReportNarrative(Summary: "概述", DataSecurity: "无事件"), null, Operator1);
        await world.Service.SubmitAsync(2026, "org-1", null, Operator1);
        var afterDue = Cst(2027, 2, 1, 0, 0, 0);

        var before = await world.Sweep.SweepAsync(Cst(2027, 1, 31, 23, 59, 59));
        var first = await world.Sweep.SweepAsync(afterDue);
        var second = await world.Sweep.SweepAsync(afterDue.AddDays(1));

        Assert.Equal((0, 1, 0), (before, first, second));
        Assert.True(world.Store.OperatorReports.Single(r => r.OperatorId == "org-2").Overdue);
        Assert.False(world.Store.OperatorReports.Single(r => r.OperatorId == "org-1").Overdue);
        Assert.Single(world.Outbox.Sent, n => n.Id == "annual-report-2026-org-2-overdue" && n.Recipient == Platform.Domain.Notifications.Recipient.Role(Roles.Authority));
        var view = await world.Service.GetAsync(2026, new Caller("a", Roles.Authority, "org-authority"));
        Assert.Equal(new OperatorReportProgress(2, 1, 0, 1), view.Progress);
    }
}
