using Platform.Domain.Notifications;
using Platform.Domain.Oversight;
using Platform.Domain.Security;
using Xunit;

namespace Platform.UnitTests.Oversight;

public sealed class OversightNoticesTests
{
    private static readonly DateTimeOffset Now = OversightTestData.Now;

    [Fact]
    public void Suspended_ToOperatorWithReasonAndIdPerSuspension()
    {
        var period = new SuspensionPeriod("未按期整改", Now.AddMinutes(-1), "authority-1", null, null, null);

        var notice = OversightNotices.Suspended("org-op-1", period, Now);

        Assert.Equal($"org-op-1-suspended-{period.SuspendedAt.ToUnixTimeMilliseconds()}", notice.Id);
        Assert.Equal(Recipient.Organization("org-op-1"), notice.Recipient);
        Assert.Equal("suspension", notice.Category);
        Assert.Equal("运营资格已暂停", notice.Subject);
        Assert.Equal("主管部门已暂停贵单位的授权运营活动：未按期整改。暂停期间沙箱作业停止、数据访问被拒绝。", notice.Body);
        Assert.Equal("operators/org-op-1", notice.Target);
        Assert.Equal(Now, notice.CreatedAt);
    }

    [Theory]
    [InlineData(IncidentKind.Loss, "数据丢失")]
    [InlineData(IncidentKind.Leak, "数据泄露")]
    [InlineData(IncidentKind.Tampering, "数据篡改")]
    [InlineData(IncidentKind.Destruction, "数据毁损")]
    public void IncidentReported_ToAuthorityInChinaTime(IncidentKind kind, string kindName)
    {
        var incident = new SecurityIncident("inc-1", "org-op-1", kind, "库表被误删", new DateTimeOffset(2026, 11, 27, 1, 30, 0, TimeSpan.Zero), Now, "user-1", [], null);

        var notice = OversightNotices.IncidentReported(incident, Now);

        Assert.Equal("inc-1-reported", notice.Id);
        Assert.Equal(Recipient.Role(Roles.Authority), notice.Recipient);
        Assert.Equal($"数据安全事件报告：{kindName}", notice.Subject);
        Assert.Equal($"org-op-1 于 2026-11-27 09:30（北京时间）发生数据安全事件（{kindName}）：库表被误删", notice.Body);
        Assert.Equal("incidents/inc-1", notice.Target);
    }

    [Theory]
    [InlineData(EvaluationGrade.Excellent, "优秀")]
    [InlineData(EvaluationGrade.Good, "良好")]
    [InlineData(EvaluationGrade.Pass, "合格")]
    [InlineData(EvaluationGrade.Fail, "不合格")]
    public void EvaluationRecorded_ToOperatorWithGradeAndScore(EvaluationGrade grade, string gradeName)
    {
        var evaluation = new OperatorEvaluation("agr-1", "org-op-1", 2025, grade, 88, null, "doc-1", Now, "authority-1");

        var notice = OversightNotices.EvaluationRecorded(evaluation);

        Assert.Equal("agr-1-evaluation-2025", notice.Id);
        Assert.Equal(Recipient.Organization("org-op-1"), notice.Recipient);
        Assert.Equal("2025 年度运营评估结果", notice.Subject);
        Assert.Equal($"主管部门已完成协议 agr-1 的 2025 年度运营评估（M5.7）：等级 {gradeName}，得分 88。", notice.Body);
        Assert.Equal("agreements/agr-1", notice.Target);
        Assert.Equal(Now, notice.CreatedAt);
    }

    [Fact]
    public void EvaluationOverdue_ToAuthorityNamingAgreementOperatorAndDueDay()
    {
        var notice = OversightNotices.EvaluationOverdue("sweep-1", "agr-1", "org-op-1", 2025, new DateOnly(2026, 3, 31), Now);

        Assert.Equal("sweep-1", notice.Id);
        Assert.Equal(Recipient.Role(Roles.Authority), notice.Recipient);
        Assert.Equal("evaluation", notice.Category);
        Assert.Equal("2025 年度运营评估逾期未完成", notice.Subject);
        Assert.Equal("协议 agr-1（运营机构 org-op-1）的 2025 年度运营评估应于 2026-03-31（北京时间）前完成（M5.7），目前尚无评估记录。", notice.Body);
        Assert.Equal("agreements/agr-1", notice.Target);
    }
}
