using Platform.Domain.Calendar;
using Platform.Domain.Notifications;
using Platform.Domain.Quality;
using Platform.Domain.Security;
using Xunit;

namespace Platform.UnitTests.Quality;

public sealed class QualityNoticesTests
{
    private static readonly DateTimeOffset Raised = QualityTestWorld.MondayMorning;
    private static readonly DateTimeOffset Now = Raised.AddHours(1);

    [Fact]
    public void Raised_FieldsTicket_ToProviderNamingFieldsDueDateAndEndpoints()
    {
        var issue = NewIssue();

        var notice = QualityNotices.Raised(issue, "武汉数据运营有限公司", Now);

        Assert.Equal($"{issue.InstanceId}-raised", notice.Id);
        Assert.Equal(Recipient.Organization(QualityTestWorld.ProviderOrg), notice.Recipient);
        Assert.Equal("quality-issue", notice.Category);
        Assert.Equal("数据质量问题待核实：《电网负荷数据》", notice.Subject);
        Assert.StartsWith("武汉数据运营有限公司 对贵单位数据资源《电网负荷数据》的字段（负荷）提出质量问题/异议：", notice.Body, StringComparison.Ordinal);
        Assert.Contains($"{issue.DueLegalDate:yyyy-MM-dd}（北京时间当日 24:00）（5 个工作日", notice.Body, StringComparison.Ordinal);
        Assert.Contains("POST /api/quality-issues/qis-1/acknowledgement", notice.Body, StringComparison.Ordinal);
        Assert.Contains("POST /api/quality-issues/qis-1/resolution", notice.Body, StringComparison.Ordinal);
        Assert.Equal("quality-issues/qis-1", notice.Target);
        Assert.Null(notice.Link);
        Assert.Equal(Now, notice.CreatedAt);
    }

    [Fact]
    public void Raised_ManyRows_ListsTwentyAndSaysMore()
    {
        var rows = Enumerable.Range(1, 25).Select(i => $"r{i}").ToList();
        var issue = NewIssue() with { Kind = QualityIssueKind.Rows, Fields = [], RowRefs = rows };

        var notice = QualityNotices.Raised(issue, "甲", Now);

        Assert.Contains($"数据行（{string.Join("、", rows.Take(20))} 等）", notice.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("r21", notice.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Acknowledged_ToRaiserWithDueDate()
    {
        var issue = NewIssue();

        var notice = QualityNotices.Acknowledged(issue, Now);

        Assert.Equal($"{issue.InstanceId}-acknowledged", notice.Id);
        Assert.Equal(Recipient.Organization(QualityTestWorld.OperatorOrg), notice.Recipient);
        Assert.Equal($"数据提供单位已受理您提出的质量问题，正在核实，处理期限为 {issue.DueLegalDate:yyyy-MM-dd}（北京时间当日 24:00）。", notice.Body);
    }

    [Fact]
    public void Resolved_OnTime_OnlyRaiserTold()
    {
        var resolved = Resolve(Acknowledged(), Raised.AddHours(2), QualityResolutionOutcome.Corrected);

        var notices = QualityNotices.Resolved(resolved, Now);

        var notice = Assert.Single(notices);
        Assert.Equal($"{resolved.InstanceId}-resolved", notice.Id);
        Assert.Equal(Recipient.Organization(QualityTestWorld.OperatorOrg), notice.Recipient);
        Assert.Equal("数据提供单位对您提出的质量问题（《电网负荷数据》）已核实并更正：已更正。如无异议请关闭工单（POST /api/quality-issues/qis-1/closure）。", notice.Body);
    }

    [Fact]
    public void Resolved_AfterEscalation_AuthorityAlsoToldAndLateMarked()
    {
        var escalated = Acknowledged() with { Overdue = true, EscalatedAt = Raised.AddDays(10) };
        var resolved = Resolve(escalated, Raised.AddDays(11), QualityResolutionOutcome.Disputed);

        var notices = QualityNotices.Resolved(resolved, Now);

        Assert.Equal(2, notices.Count);
        Assert.Contains("经核实有异议", notices[0].Body, StringComparison.Ordinal);
        Assert.Contains("（逾期处理）", notices[0].Body, StringComparison.Ordinal);
        Assert.Equal($"{resolved.InstanceId}-resolved-after-escalation", notices[1].Id);
        Assert.Equal(Recipient.Role(Roles.Authority), notices[1].Recipient);
        Assert.Equal("逾期质量问题已处理：《电网负荷数据》", notices[1].Subject);
        Assert.Equal(notices[0].Body, notices[1].Body);
    }

    [Fact]
    public void Resolved_NoResolution_Throws()
        => Assert.Throws<ArgumentException>(() => QualityNotices.Resolved(NewIssue(), Now));

    [Theory]
    [InlineData(null, "质量问题工单 qis-1 已关闭。")]
    [InlineData("谢谢", "质量问题工单 qis-1 已关闭：谢谢。")]
    public void Closed_ToProviderWithOptionalComment(string? comment, string body)
    {
        var notice = QualityNotices.Closed(NewIssue() with { ClosingComment = comment }, Now);

        Assert.Equal(Recipient.Organization(QualityTestWorld.ProviderOrg), notice.Recipient);
        Assert.Equal(body, notice.Body);
    }

    [Fact]
    public void OverdueReminder_IdCarriesTheCheck()
    {
        var issue = NewIssue();

        var notice = QualityNotices.OverdueReminder(issue, 3, Now);

        Assert.Equal($"{issue.InstanceId}-overdue-reminder-3", notice.Id);
        Assert.Equal(Recipient.Organization(QualityTestWorld.ProviderOrg), notice.Recipient);
        Assert.Contains("已报主管部门", notice.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Escalated_ToAuthorityNamingBothOrganisations()
    {
        var issue = NewIssue();

        var notice = QualityNotices.Escalated(issue, "提供单位", "提出单位", Now);

        Assert.Equal($"{issue.InstanceId}-overdue", notice.Id);
        Assert.Equal(Recipient.Role(Roles.Authority), notice.Recipient);
        Assert.StartsWith($"数据提供单位 提供单位 未在 {issue.DueLegalDate:yyyy-MM-dd}（北京时间当日 24:00） 前处理 提出单位 对数据资源《电网负荷数据》", notice.Body, StringComparison.Ordinal);
    }

    private static QualityIssue NewIssue()
    {
        var deadline = ReviewDeadline.Compute(Raised, 5, ShippedCalendars.Calendar);
        var valid = QualityIssueRules.Validate(QualityTestWorld.FieldsDraft("负荷"));
        return QualityIssueRules.Create("qis-1", valid, "电网负荷数据", QualityTestWorld.ProviderOrg, ["负荷"], QualityTestWorld.Operator, deadline, Raised);
    }

    private static QualityIssue Acknowledged() => QualityIssueRules.Acknowledge(NewIssue(), "prov-user", Raised.AddMinutes(5));

    private static QualityIssue Resolve(QualityIssue issue, DateTimeOffset at, QualityResolutionOutcome outcome)
        => QualityIssueRules.Resolve(issue, outcome, "已更正", [], "prov-user", at, at);
}
