using Platform.Domain.Notifications;
using Platform.Domain.Reports;
using Platform.Domain.Security;
using Xunit;

namespace Platform.UnitTests.Reports;

public sealed class AnnualReportNoticesTests
{
    private static readonly DateTimeOffset Now = ReportTestWorld.Cst(2027, 1, 2, 9, 0, 0);

    [Fact]
    public void Requested_ToOperatorWithChineseDueDate()
    {
        var notice = AnnualReportNotices.Requested(2026, "org-1", new DateOnly(2027, 1, 31), Now);

        Assert.Equal("annual-report-2026-org-1-requested", notice.Id);
        Assert.Equal(Recipient.Organization("org-1"), notice.Recipient);
        Assert.Equal("annual-report", notice.Category);
        Assert.Equal("请填报 2026 年度授权运营情况报告", notice.Subject);
        Assert.StartsWith("请于 2027年1月31日（北京时间）24 时前提交贵单位 2026 年度授权运营情况报告。", notice.Body, StringComparison.Ordinal);
        Assert.Equal("reports/annual/2026/operators/org-1", notice.Target);
        Assert.Equal(Now, notice.CreatedAt);
    }

    [Fact]
    public void AuthorityDrafted_ToAuthorityCountingOperators()
    {
        var notice = AnnualReportNotices.AuthorityDrafted(2026, 3, new DateOnly(2027, 1, 31), Now);

        Assert.Equal("annual-report-2026-authority-drafted", notice.Id);
        Assert.Equal(Recipient.Role(Roles.Authority), notice.Recipient);
        Assert.Contains("平台已汇总 3 家运营机构的 2026 年度数据", notice.Body, StringComparison.Ordinal);
        Assert.Contains("运营机构报告截止日期为 2027年1月31日。", notice.Body, StringComparison.Ordinal);
        Assert.Equal("reports/annual/2026", notice.Target);
    }

    [Theory]
    [InlineData(false, "武汉数据运营有限公司 已提交 2026 年度运营报告", "截止日期为 2027-01-31。")]
    [InlineData(true, "武汉数据运营有限公司 已提交 2026 年度运营报告（逾期）", "截止日期为 2027-01-31，已逾期。")]
    public void Submitted_ToAuthorityMarkingLate(bool late, string subject, string ending)
    {
        var notice = AnnualReportNotices.Submitted(Report() with { Late = late }, ReportTestWorld.Cst(2027, 1, 20, 14, 30, 0));

        Assert.Equal("annual-report-2026-org-1-submitted", notice.Id);
        Assert.Equal(Recipient.Role(Roles.Authority), notice.Recipient);
        Assert.Equal(subject, notice.Subject);
        Assert.StartsWith("武汉数据运营有限公司 于 2027-01-20 14:30（北京时间）提交了 2026 年度授权运营情况报告", notice.Body, StringComparison.Ordinal);
        Assert.EndsWith(ending, notice.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Overdue_AuthorityAndOperatorTold()
    {
        var notices = AnnualReportNotices.Overdue(Report(), Now);

        Assert.Equal(2, notices.Count);
        Assert.Equal("annual-report-2026-org-1-overdue", notices[0].Id);
        Assert.Equal(Recipient.Role(Roles.Authority), notices[0].Recipient);
        Assert.Equal("武汉数据运营有限公司 未按期提交 2026 年度运营报告", notices[0].Subject);
        Assert.Equal("annual-report-2026-org-1-overdue-operator", notices[1].Id);
        Assert.Equal(Recipient.Organization("org-1"), notices[1].Recipient);
        Assert.Contains("截止日期为 2027-01-31（北京时间），已逾期", notices[1].Body, StringComparison.Ordinal);
        Assert.All(notices, n => Assert.Equal("reports/annual/2026/operators/org-1", n.Target));
    }

    private static OperatorAnnualReport Report()
        => new("2026-org-1", 2026, "org-1", "武汉数据运营有限公司", ["agr-1"], OperatorActivityCounts.None,
            ReportTestWorld.Cst(2027, 1, 1, 0, 0, 5), new OperatorReportNarrative(Summary: "概述"), OperatorReportStatus.Draft, new DateOnly(2027, 1, 31),
            ReportTestWorld.Cst(2027, 2, 1, 0, 0, 0), ReportTestWorld.Cst(2027, 1, 1, 0, 0, 5), ReportTestWorld.Cst(2027, 1, 1, 0, 0, 5));
}
