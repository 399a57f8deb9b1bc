using Platform.Domain.Notifications;
using Platform.Domain.Security;

namespace Platform.Domain.Agreements;

/// <summary>
/// The notifications of agreements, built from the records alone (unit-tested without stores): each goes to the
/// operator and to the authority, with ids stable per agreement, event and recipient.
/// </summary>
public static class AgreementNotices
{
    public const string Category = "agreement";

    /// <summary>The agreement ended (expired or terminated) and everything it carried was revoked (M3.6).</summary>
    public static IReadOnlyList<Notification> Revoked(Agreement agreement, string reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        return ToBoth(agreement, recipient => $"{agreement.Id}-revoked-{recipient.Key}", "授权运营协议已终止，授权已撤销",
            $"协议 {agreement.Id} 已因{(reason == "expired" ? "期满" : "终止")}结束，基于该协议的授权、作业、数据申请和未发布产品均已撤销。", now);
    }

    /// <summary>
    /// A milestone: the start of the term, the expiry warnings, the expiry itself, and the filing deadline (M5.6) only when the filing is overdue
    /// (nothing otherwise). <paramref name="wireKind"/> is the milestone's wire name, part of the ids.
    /// </summary>
    public static IReadOnlyList<Notification> Milestone(Agreement agreement, AgreementMilestoneKind kind, string wireKind, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        (string Subject, string Body)? message = kind switch
        {
            AgreementMilestoneKind.FilingDeadline when agreement.FilingOverdue =>
                ("授权运营协议备案已逾期", $"协议 {agreement.Id} 应于 {agreement.FilingDueOn:yyyy-MM-dd} 前完成备案（M5.6），目前尚未备案。"),
            AgreementMilestoneKind.FilingDeadline => null,
            // M3.4: the term begins; data may be used from now on.
            AgreementMilestoneKind.Start =>
                ("授权运营协议已生效", $"协议 {agreement.Id} 自 {agreement.StartsOn:yyyy-MM-dd}（北京时间）起生效，可在授权范围内开展数据加工和产品开发。"),
            AgreementMilestoneKind.Expiry =>
                ("授权运营协议已到期", $"协议 {agreement.Id} 已于 {agreement.EndsOn:yyyy-MM-dd}（北京时间）期满。"),
            _ => ("授权运营协议即将到期", $"协议 {agreement.Id} 将于 {agreement.EndsOn:yyyy-MM-dd}（北京时间）到期，距今 {AgreementRules.DaysBefore(kind)} 天。"),
        };
        return message is null
            ? []
            : ToBoth(agreement, recipient => $"{agreement.Id}-{wireKind}-{recipient.Key}", message.Value.Subject, message.Value.Body, now);
    }

    private static IReadOnlyList<Notification> ToBoth(Agreement agreement, Func<Recipient, string> idFor, string subject, string body, DateTimeOffset now)
        => new[] { Recipient.Organization(agreement.OperatorId), Recipient.Role(Roles.Authority) }
            .Select(recipient => new Notification(idFor(recipient), recipient, Category, subject, body, null, $"agreements/{agreement.Id}", now))
            .ToList();
}
