using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Oversight;

/// <summary>
/// The messages of oversight, pure: suspensions (M5.5), security incidents (M5.5.3) and operator evaluations (M5.7).
/// Given the record and the instant they build the notification — recipient, Chinese subject and body, target.
/// </summary>
public static class OversightNotices
{
    /// <summary>To the operator: the authority suspended its operation.</summary>
    public static Notification Suspended(string operatorId, SuspensionPeriod period, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(period);
        return new Notification(
            $"{operatorId}-suspended-{period.SuspendedAt.ToUnixTimeMilliseconds()}", Recipient.Organization(operatorId), "suspension", "运营资格已暂停",
            $"主管部门已暂停贵单位的授权运营活动：{period.Reason}。暂停期间沙箱作业停止、数据访问被拒绝。", null, $"operators/{operatorId}", now);
    }

    /// <summary>To the authority: an organisation reported a security incident.</summary>
    public static Notification IncidentReported(SecurityIncident incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return new Notification(
            $"{incident.Id}-reported", Recipient.Role(Roles.Authority), "incident", $"数据安全事件报告：{KindName(incident.Kind)}",
            $"{incident.OrganizationId} 于 {ChinaTime.ToChinaTime(incident.OccurredAt):yyyy-MM-dd HH:mm}（北京时间）发生数据安全事件（{KindName(incident.Kind)}）：{incident.Description}",
            null, $"incidents/{incident.Id}", now);
    }

    /// <summary>To the operator: the authority recorded the year's evaluation of its agreement.</summary>
    public static Notification EvaluationRecorded(OperatorEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        return new Notification(
            $"{evaluation.AgreementId}-evaluation-{evaluation.Year}", Recipient.Organization(evaluation.OperatorId), "evaluation", $"{evaluation.Year} 年度运营评估结果",
            $"主管部门已完成协议 {evaluation.AgreementId} 的 {evaluation.Year} 年度运营评估（M5.7）：等级 {GradeName(evaluation.Grade)}，得分 {evaluation.Score}。",
            null, $"agreements/{evaluation.AgreementId}", evaluation.RecordedAt);
    }

    /// <summary>To the authority: the year's evaluation of an agreement is past its due day (M5.7).</summary>
    public static Notification EvaluationOverdue(string id, string agreementId, string operatorId, int year, DateOnly dueOn, DateTimeOffset now) => new(
        id, Recipient.Role(Roles.Authority), "evaluation", $"{year} 年度运营评估逾期未完成",
        $"协议 {agreementId}（运营机构 {operatorId}）的 {year} 年度运营评估应于 {dueOn:yyyy-MM-dd}（北京时间）前完成（M5.7），目前尚无评估记录。",
        null, $"agreements/{agreementId}", now);

    public static string KindName(IncidentKind kind) => kind switch
    {
        IncidentKind.Loss => "数据丢失",
        IncidentKind.Leak => "数据泄露",
        IncidentKind.Tampering => "数据篡改",
        IncidentKind.Destruction => "数据毁损",
        _ => "重大安全风险",
    };

    public static string GradeName(EvaluationGrade grade) => grade switch
    {
        EvaluationGrade.Excellent => "优秀",
        EvaluationGrade.Good => "良好",
        EvaluationGrade.Pass => "合格",
        _ => "不合格",
    };
}
