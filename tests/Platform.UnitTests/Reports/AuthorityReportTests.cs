using Platform.Domain.Errors;
using Platform.Domain.Reports;
using Platform.Domain.Security;
using Xunit;
using static Platform.UnitTests.Reports.ReportTestWorld;

namespace Platform.UnitTests.Reports;

public sealed class AuthorityReportTests
{
    private static readonly Caller Authority = new("auth-user", Roles.Authority, "org-authority");
    private static readonly AuthorityReportNarrative Written = new("全年运行平稳。", "监督运营机构三家。", "未发生数据泄露。", null, "明年计划");

    private static async Task<(ReportTestWorld World, AuthorityReportService Service)> DraftedAsync()
    {
        var world = new ReportTestWorld();
        world.Agreements.Add(Agreement("agr-1", "org-1", new DateOnly(2026, 3, 1), new DateOnly(2028, 2, 29)));
        await world.ReportRequests.RequestAsync(NewYearFiring);
        return (world, new AuthorityReportService(world.Store, world.Audit, world.Clock, new AnnualReportOptions()));
    }

    [Fact]
    public void WithDueDate_DefaultSetting_EndOfMarch31CstOfNextYear()
    {
        var report = new AuthorityAnnualReport("2026", 2026, null!, OperatorActivityCounts.None, [], NewYearFiring, new DateOnly(2027, 1, 31));

        var due = AuthorityReportRules.WithDueDate(report, new AnnualReportOptions().AuthorityDueDay);

        Assert.Equal(new DateOnly(2027, 3, 31), due.DueOn);
        Assert.Equal(new DateTimeOffset(2027, 3, 31, 16, 0, 0, TimeSpan.Zero), due.DueAt);
    }

    [Fact]
    public void IsLate_AroundDueInstant_LateFromTheInstantOn()
    {
        var dueAt = new DateTimeOffset(2027, 3, 31, 16, 0, 0, TimeSpan.Zero);

        Assert.False(AuthorityReportRules.IsLate(Cst(2027, 3, 31, 23, 59, 59), dueAt));
        Assert.True(AuthorityReportRules.IsLate(Cst(2027, 4, 1, 0, 0, 0), dueAt));
    }

    [Fact]
    public void Problems_InvalidAuthorityDueDay_NamesTheSetting()
    {
        var options = new AnnualReportOptions { AuthorityReportDueMonthDay = "02-29" };

        Assert.Contains(options.Problems(), p => p.Contains("Reports:AuthorityReportDueMonthDay", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EditAsync_ChineseNarrative_StoredTrimmedAndAudited()
    {
        var (world, service) = await DraftedAsync();
        var current = await service.GetAsync(2026, Authority);

        var updated = await service.EditAsync(2026, Written with { Summary = "  全年运行平稳。 " }, current.ETag, Authority);

        Assert.Equal("全年运行平稳。", updated.Value.Narrative!.Summary);
        Assert.Equal(1, updated.Value.Platform.AgreementsActive);
        Assert.Single(world.Audit.Records, r => r.Action == "authority_report.edited");
    }

    [Fact]
    public async Task EditAsync_StaleETag_Throws412()
    {
        var (_, service) = await DraftedAsync();
        var stale = (await service.GetAsync(2026, Authority)).ETag;
        await service.EditAsync(2026, Written, stale, Authority);

        var error = await Assert.ThrowsAsync<DomainException>(() => service.EditAsync(2026, Written, stale, Authority));

        Assert.Equal(FailureKind.PreconditionFailed, error.Kind);
    }

    [Fact]
    public async Task EditAsync_Supervisor_Forbidden()
    {
        var (_, service) = await DraftedAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => service.EditAsync(2026, Written, null, new Caller("s", Roles.Supervisor, "org-sup")));

        Assert.Equal(FailureKind.Forbidden, error.Kind);
    }

    [Fact]
    public async Task SubmitAsync_OnTime_NotLateAndSecondSubmission409()
    {
        var (world, service) = await DraftedAsync();
        await service.EditAsync(2026, Written, null, Authority);
        world.Clock.UtcNow = Cst(2027, 3, 31, 23, 59, 59);

        var submitted = await service.SubmitAsync(2026, null, Authority);

        Assert.Equal(OperatorReportStatus.Submitted, submitted.Value.Status);
        Assert.False(submitted.Value.Late);
        Assert.Single(world.Audit.Records, r => r.Action == "authority_report.submitted");
        var again = await Assert.ThrowsAsync<DomainException>(() => service.SubmitAsync(2026, null, Authority));
        Assert.Equal("report.already_submitted", again.Code);
    }

    [Fact]
    public async Task SubmitAsync_AtDueInstant_MarkedLate()
    {
        var (world, service) = await DraftedAsync();
        await service.EditAsync(2026, Written, null, Authority);
        world.Clock.UtcNow = Cst(2027, 4, 1, 0, 0, 0);

        var submitted = await service.SubmitAsync(2026, null, Authority);

        Assert.True(submitted.Value.Late);
    }

    [Fact]
    public async Task SubmitAsync_WithoutDataSecurity_422ReportIncomplete()
    {
        var (_, service) = await DraftedAsync();
        await service.EditAsync(2026, Written with { DataSecurity = " " }, null, Authority);

        var error = await Assert.ThrowsAsync<DomainException>(() => service.SubmitAsync(2026, null, Authority));

        Assert.Equal("report.incomplete", error.Code);
    }

    [Fact]
    public async Task GetAsync_Operator_404AndSupervisorReads()
    {
        var (_, service) = await DraftedAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => service.GetAsync(2026, new Caller("o", Roles.Operator, "org-1")));
        var read = await service.GetAsync(2026, new Caller("s", Roles.Supervisor, "org-sup"));

        Assert.Equal(FailureKind.NotFound, error.Kind);
        Assert.Equal(new DateOnly(2027, 3, 31), read.Value.DueOn);
    }
}
