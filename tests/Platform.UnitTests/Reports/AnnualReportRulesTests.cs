using Platform.Domain.Agreements;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Reports;
using Platform.Domain.Sandbox;
using Xunit;
using static Platform.UnitTests.Reports.ReportTestWorld;

namespace Platform.UnitTests.Reports;

public sealed class AnnualReportRulesTests
{
    [Fact]
    public void Scenarios_SubmittedAndApprovedAcrossNewYear_CountedInTheYearEachHappened()
    {
        var scenarios = new[]
        {
            Scenario("scn-a", "org-1", Cst(2025, 12, 31, 23, 59, 59), approvedAt: Cst(2026, 1, 1, 0, 0, 0)), // submitted 2025, approved 2026
            Scenario("scn-b", "org-1", Cst(2026, 1, 1, 0, 0, 0)), // submitted at the first instant of 2026
            Scenario("scn-c", "org-1", Cst(2026, 12, 31, 23, 0, 0), approvedAt: Cst(2027, 1, 2)), // approved next year
        };

        Assert.Equal(2, AnnualReportRules.ScenariosSubmitted(scenarios, 2026));
        Assert.Equal(1, AnnualReportRules.ScenariosApproved(scenarios, 2026));
        Assert.Equal(1, AnnualReportRules.ScenariosSubmitted(scenarios, 2025));
        Assert.Equal(1, AnnualReportRules.ScenariosApproved(scenarios, 2027));
    }

    [Fact]
    public void DataRequests_ApprovedOrPartlyApprovedCompletedInYear_CountAsApproved()
    {
        var requests = new[]
        {
            Request("drq-a", "org-1", Cst(2026, 3, 1), DataRequestStatus.Approved, Cst(2026, 3, 6)),
            Request("drq-b", "org-1", Cst(2026, 4, 1), DataRequestStatus.PartiallyApproved, Cst(2026, 4, 7)),
            Request("drq-c", "org-1", Cst(2026, 5, 1), DataRequestStatus.Rejected, Cst(2026, 5, 7)),
            Request("drq-d", "org-1", Cst(2026, 12, 30), DataRequestStatus.Approved, Cst(2027, 1, 5)),
            Request("drq-e", "org-1", Cst(2026, 6, 1)),
        };

        Assert.Equal(5, AnnualReportRules.DataRequestsSubmitted(requests, 2026));
        Assert.Equal(2, AnnualReportRules.DataRequestsApproved(requests, 2026));
    }

    [Fact]
    public void SandboxJobs_InYear_CountedByModeAndOutcome()
    {
        var jobs = new[]
        {
            Job("sbj-1", "org-1", Cst(2026, 2, 1), SandboxMode.Sample, SandboxJobStatus.Released),
            Job("sbj-2", "org-1", Cst(2026, 2, 2), SandboxMode.Full, SandboxJobStatus.Released),
            Job("sbj-3", "org-1", Cst(2026, 2, 3), SandboxMode.Full, SandboxJobStatus.Withheld),
            Job("sbj-4", "org-1", Cst(2026, 2, 4), SandboxMode.Sample, SandboxJobStatus.Refused),
            Job("sbj-5", "org-1", Cst(2025, 12, 31, 23, 59, 59), SandboxMode.Full, SandboxJobStatus.Failed),
        };

        var counts = AnnualReportRules.SandboxJobs(jobs.Select(Platform.Domain.Sandbox.SandboxJobActivity.Of), 2026);

        Assert.Equal(4, counts.Total);
        Assert.Equal(2, counts.Sample);
        Assert.Equal(2, counts.Full);
        Assert.Equal(new Dictionary<string, int> { ["refused"] = 1, ["released"] = 2, ["withheld"] = 1 }, counts.ByOutcome);
    }

    [Fact]
    public void InForceDuring_TermAndTermination_DecideWhetherTheOperatorReports()
    {
        var spanning = Agreement("agr-1", "org-1", new DateOnly(2025, 6, 1), new DateOnly(2027, 5, 31));
        var endedOnNewYearsEve = Agreement("agr-2", "org-2", new DateOnly(2024, 1, 1), new DateOnly(2025, 12, 31));
        var terminatedBefore = Agreement("agr-3", "org-3", new DateOnly(2025, 1, 1), new DateOnly(2028, 1, 1),
            new AgreementTermination(TerminationGround.Other, "x", Cst(2025, 12, 31, 23, 0, 0), "authority"));
        var terminatedDuring = Agreement("agr-4", "org-4", new DateOnly(2025, 1, 1), new DateOnly(2028, 1, 1),
            new AgreementTermination(TerminationGround.Other, "x", Cst(2026, 3, 1), "authority"));

        Assert.True(AnnualReportRules.InForceDuring(spanning, 2026));
        Assert.False(AnnualReportRules.InForceDuring(endedOnNewYearsEve, 2026));
        Assert.False(AnnualReportRules.InForceDuring(terminatedBefore, 2026));
        Assert.True(AnnualReportRules.InForceDuring(terminatedDuring, 2026));
    }

    [Fact]
    public void Total_OperatorCounts_AddUpFieldByFieldAndOutcomeByOutcome()
    {
        var first = new OperatorActivityCounts(1, 1, 2, 1, 1, new SandboxJobCounts(3, 2, 1, new Dictionary<string, int> { ["released"] = 2, ["refused"] = 1 }), 1, 0, 100, 0);
        var second = new OperatorActivityCounts(2, 0, 1, 1, 0, new SandboxJobCounts(1, 0, 1, new Dictionary<string, int> { ["withheld"] = 1, ["released"] = 0 }), 0, 1, 5_000_000_000, 2);

        var total = AnnualReportRules.Total([first, second]);

        Assert.Equal(new OperatorActivityCounts(3, 1, 3, 2, 1, total.SandboxJobs, 1, 1, 5_000_000_100, 2), total);
        Assert.Equal((4, 2, 2), (total.SandboxJobs.Total, total.SandboxJobs.Sample, total.SandboxJobs.Full));
        Assert.Equal(new Dictionary<string, int> { ["refused"] = 1, ["released"] = 2, ["withheld"] = 1 }, total.SandboxJobs.ByOutcome);
    }

    [Fact]
    public void Total_NoOperators_IsZero()
        => Assert.Equal(0, AnnualReportRules.Total([]).SandboxJobs.Total);

    [Fact]
    public void ValidateNarrative_OversizedSection_422NamingTheSection()
    {
        var error = Assert.Throws<DomainException>(() => AnnualReportRules.ValidateNarrative(new OperatorReportNarrative(Summary: "好", NextYearPlan: new string('划', AnnualReportRules.MaxSectionLength + 1))));

        Assert.Equal("report.invalid", error.Code);
        Assert.Equal(["nextYearPlan"], error.Errors!.Keys);
    }

    [Fact]
    public void ValidateNarrative_WhitespaceSections_TrimmedOrDropped()
    {
        var narrative = AnnualReportRules.ValidateNarrative(new OperatorReportNarrative(Summary: "  全年运行平稳。\n ", DataSecurity: "   "));

        Assert.Equal("全年运行平稳。", narrative.Summary);
        Assert.Null(narrative.DataSecurity);
    }

    [Fact]
    public void EnsureComplete_MissingDataSecurity_422ReportIncomplete()
    {
        var error = Assert.Throws<DomainException>(() => AnnualReportRules.EnsureComplete(new OperatorReportNarrative(Summary: "概述")));

        Assert.Equal("report.incomplete", error.Code);
        Assert.Equal(["dataSecurity"], error.Errors!.Keys);
    }
}
