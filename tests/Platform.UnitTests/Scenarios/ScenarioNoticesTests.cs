using Platform.Domain.Notifications;
using Platform.Domain.Scenarios;
using Platform.Domain.Security;
using Xunit;

namespace Platform.UnitTests.Scenarios;

public sealed class ScenarioNoticesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    private static readonly ScenarioReview Expert = new("expert-org-rev", ReviewerKind.Expert, Recipient.Organization("org-rev"), null, false, null);

    private static readonly ScenarioRound Round = new(2, "scenario-review-scn-1-r2", Now, new DateTimeOffset(2026, 3, 7, 2, 0, 0, TimeSpan.Zero),
        new ScenarioContent("充电桩布局", "优化布局", ScenarioUseCategory.PublicGood, "经济价值", "社会价值", "商业模式", [], true, ["org-rev"]),
        [Expert], null, null);

    [Fact]
    public void ReviewLink_FirstRequest_ReviewerGetsTheLinkRoundAndDueTimeInChinaTime()
    {
        var notice = ScenarioNotices.ReviewLink("scn-1", Round, Expert, 0, "运营公司", "https://x/approvals/t", Now);

        Assert.Equal(("scenario-review-scn-1-r2-expert-org-rev", Recipient.Organization("org-rev"), "scenario-review"), (notice.Id, notice.Recipient, notice.Category));
        Assert.Equal("应用场景评审：充电桩布局", notice.Subject);
        Assert.Contains("运营机构 运营公司 提交了应用场景「充电桩布局」（第 2 轮，评审专家）", notice.Body, StringComparison.Ordinal);
        Assert.Contains("请在 2026-03-07 10:00（北京时间） 前打开链接", notice.Body, StringComparison.Ordinal);
        Assert.Equal(("https://x/approvals/t", "scenarios/scn-1"), (notice.Link, notice.Target));
    }

    [Fact]
    public void ReviewLink_Reminder_OwnIdPerReminderAndNotConsentBySilence()
    {
        var notice = ScenarioNotices.ReviewLink("scn-1", Round, Expert, 3, "运营公司", "https://x/approvals/u", Now);

        Assert.Equal(("scenario-review-scn-1-r2-expert-org-rev-reminder-3", "应用场景评审催办：充电桩布局"), (notice.Id, notice.Subject));
        Assert.Contains("不会视为默认同意", notice.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Overdue_LateReviewer_AuthorityToldWhoAndWhich()
    {
        var notice = ScenarioNotices.Overdue("scn-1", Round, Expert with { ReviewerKind = ReviewerKind.Provider }, 1, "运营公司", "电网公司", Now);

        Assert.Equal(("scenario-review-scn-1-r2-expert-org-rev-overdue-1", Recipient.Role(Roles.Authority)), (notice.Id, notice.Recipient));
        Assert.StartsWith("数据提供单位 电网公司 未在 2026-03-07 10:00（北京时间） 前完成对运营机构 运营公司 的应用场景「充电桩布局」（第 2 轮）的评审", notice.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReviewRoundOutcome.Approved, "评审通过。")]
    [InlineData(ReviewRoundOutcome.Rejected, "评审未通过。")]
    [InlineData(ReviewRoundOutcome.ChangesRequested, "评审意见为需修改。")]
    [InlineData(ReviewRoundOutcome.Cancelled, "评审已取消。")]
    public void Result_Outcome_OperatorAndAuthorityToldTheResult(ReviewRoundOutcome outcome, string result)
    {
        var notices = ScenarioNotices.Result("scn-1", "org-op", Round, outcome, Now);

        Assert.Equal([Recipient.Organization("org-op"), Recipient.Role(Roles.Authority)], notices.Select(n => n.Recipient));
        Assert.Equal(["scenario-review-scn-1-r2-result-org:org-op", "scenario-review-scn-1-r2-result-role:authority"], notices.Select(n => n.Id));
        Assert.All(notices, n => Assert.StartsWith($"应用场景「充电桩布局」第 2 轮评审结果：{result}", n.Body, StringComparison.Ordinal));
    }

    [Fact]
    public void Cancelled_AgreementEnded_OperatorToldTheAgreement()
    {
        var scenario = new Scenario("scn-1", "agr-1", "org-op", ScenarioStatus.Cancelled, [Round], Now, "op-user", Now);

        var notice = ScenarioNotices.Cancelled(scenario, Round, "agr-1", Now);

        Assert.Equal(("scenario-review-scn-1-r2-cancelled", Recipient.Organization("org-op")), (notice.Id, notice.Recipient));
        Assert.Equal("授权运营协议 agr-1 已结束，应用场景「充电桩布局」的评审随之取消。", notice.Body);
    }
}
