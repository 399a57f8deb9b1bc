using Platform.Domain.Agreements;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.UnitTests.Grants;
using Xunit;

namespace Platform.UnitTests.Agreements;

public sealed class AgreementNoticesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    private static readonly Agreement Live = GrantRulesTests.Agreement(new DateOnly(2028, 12, 31));

    [Theory]
    [InlineData("expired", "期满")]
    [InlineData("terminated", "终止")]
    public void Revoked_Reason_OperatorAndAuthorityToldWhyItEnded(string reason, string word)
    {
        var notices = AgreementNotices.Revoked(Live, reason, Now);

        Assert.Equal(["agr-1-revoked-org:org-op", "agr-1-revoked-role:authority"], notices.Select(n => n.Id));
        Assert.Equal([Recipient.Organization("org-op"), Recipient.Role(Roles.Authority)], notices.Select(n => n.Recipient));
        Assert.All(notices, n => Assert.Equal($"协议 agr-1 已因{word}结束，基于该协议的授权、作业、数据申请和未发布产品均已撤销。", n.Body));
        Assert.All(notices, n => Assert.Equal(("agreement", "agreements/agr-1"), (n.Category, n.Target)));
    }

    [Fact]
    public void Milestone_Start_SaysTheAgreementIsInForceFromItsStartDate()
    {
        var notices = AgreementNotices.Milestone(Live, AgreementMilestoneKind.Start, "start", Now);

        Assert.Equal(["agr-1-start-org:org-op", "agr-1-start-role:authority"], notices.Select(n => n.Id));
        Assert.All(notices, n => Assert.Equal("授权运营协议已生效", n.Subject));
        Assert.All(notices, n => Assert.Contains($"自 {Live.StartsOn:yyyy-MM-dd}（北京时间）起生效", n.Body, StringComparison.Ordinal));
    }

    [Fact]
    public void Milestone_Reminder90_SaysTheEndDateAndTheDaysLeft()
    {
        var notices = AgreementNotices.Milestone(Live, AgreementMilestoneKind.Reminder90, "reminder90", Now);

        Assert.Equal(["agr-1-reminder90-org:org-op", "agr-1-reminder90-role:authority"], notices.Select(n => n.Id));
        Assert.All(notices, n => Assert.Equal("协议 agr-1 将于 2028-12-31（北京时间）到期，距今 90 天。", n.Body));
    }

    [Fact]
    public void Milestone_Expiry_SaysItExpired()
    {
        var notice = AgreementNotices.Milestone(Live, AgreementMilestoneKind.Expiry, "expiry", Now)[0];

        Assert.Equal(("授权运营协议已到期", "协议 agr-1 已于 2028-12-31（北京时间）期满。"), (notice.Subject, notice.Body));
    }

    [Fact]
    public void Milestone_FilingDeadlineFiled_Nothing()
        => Assert.Empty(AgreementNotices.Milestone(Live with { FilingOverdue = false }, AgreementMilestoneKind.FilingDeadline, "filing-deadline", Now));

    [Fact]
    public void Milestone_FilingDeadlineOverdue_SaysTheDueDate()
    {
        var notice = AgreementNotices.Milestone(Live with { FilingOverdue = true }, AgreementMilestoneKind.FilingDeadline, "filing-deadline", Now)[0];

        Assert.Equal("授权运营协议备案已逾期", notice.Subject);
        Assert.Contains($"应于 {Live.FilingDueOn:yyyy-MM-dd} 前完成备案（M5.6）", notice.Body, StringComparison.Ordinal);
    }
}
