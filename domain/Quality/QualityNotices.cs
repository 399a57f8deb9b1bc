using Platform.Domain.Notifications;
using Platform.Domain.Security;

namespace Platform.Domain.Quality;

/// <summary>
/// The messages of a quality ticket (M4.7.1), pure: given the ticket (and the organisation names the caller looked up)
/// they build the notification — recipient, Chinese subject and body, target. Ids are deterministic per cause.
/// </summary>
public static class QualityNotices
{
    public const string Category = "quality-issue";

    /// <summary>To the provider: a ticket was raised on its resource and must be verified before the deadline.</summary>
    public static Notification Raised(QualityIssue issue, string raiserName, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(issue);
        var target = QualityIssueRules.TargetOf(issue.Id);
        var what = issue.Kind switch
        {
            QualityIssueKind.Fields => $"字段（{string.Join("、", issue.Fields)}）",
            QualityIssueKind.Rows => $"数据行（{string.Join("、", issue.RowRefs.Take(20))}{(issue.RowRefs.Count > 20 ? " 等" : "")}）",
            QualityIssueKind.Description => "资源描述",
            _ => "其他方面",
        };
        return new Notification(
            $"{issue.InstanceId}-raised", Recipient.Organization(issue.ProviderId), Category,
            $"数据质量问题待核实：《{issue.ResourceName}》",
            $"{raiserName} 对贵单位数据资源《{issue.ResourceName}》的{what}提出质量问题/异议：{issue.Description}。请在 {DueText(issue)}（{issue.CorrectionWorkingDays} 个工作日，《实施办法》第四章第七条）前核实并更正，" +
            $"先确认受理（POST /api/{target}/acknowledgement），再提交处理结果（POST /api/{target}/resolution）。逾期未处理的将报主管部门。",
            null, target, now);
    }

    /// <summary>To the raiser: the provider acknowledged the ticket.</summary>
    public static Notification Acknowledged(QualityIssue issue, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return new Notification(
            $"{issue.InstanceId}-acknowledged", Recipient.Organization(issue.RaisedByOrganization), Category,
            $"质量问题已受理：《{issue.ResourceName}》",
            $"数据提供单位已受理您提出的质量问题，正在核实，处理期限为 {DueText(issue)}。", null, QualityIssueRules.TargetOf(issue.Id), now);
    }

    /// <summary>
    /// To the raiser, and to the authority when the ticket had been escalated: the provider's answer (corrected or disputed).
    /// </summary>
    public static IReadOnlyList<Notification> Resolved(QualityIssue resolved, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        var resolution = resolved.Resolution ?? throw new ArgumentException("The ticket has no resolution.", nameof(resolved));
        var target = QualityIssueRules.TargetOf(resolved.Id);
        var result = resolution.Outcome == QualityResolutionOutcome.Corrected ? "已核实并更正" : "经核实有异议";
        var body = $"数据提供单位对您提出的质量问题（《{resolved.ResourceName}》）{result}：{resolution.Comment}。" +
                   (resolution.OnTime ? "" : "（逾期处理）") + $"如无异议请关闭工单（POST /api/{target}/closure）。";
        var messages = new List<Notification>
        {
            new($"{resolved.InstanceId}-resolved", Recipient.Organization(resolved.RaisedByOrganization), Category,
                $"质量问题处理结果：《{resolved.ResourceName}》", body, null, target, now),
        };
        if (resolved.Overdue)
        {
            messages.Add(new($"{resolved.InstanceId}-resolved-after-escalation", Recipient.Role(Roles.Authority), Category,
                $"逾期质量问题已处理：《{resolved.ResourceName}》", body, null, target, now));
        }

        return messages;
    }

    /// <summary>To the provider: the ticket was closed.</summary>
    public static Notification Closed(QualityIssue closed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(closed);
        return new Notification($"{closed.InstanceId}-closed", Recipient.Organization(closed.ProviderId), Category,
            $"质量问题工单已关闭：《{closed.ResourceName}》", $"质量问题工单 {closed.Id} 已关闭{(closed.ClosingComment is null ? "" : $"：{closed.ClosingComment}")}。",
            null, QualityIssueRules.TargetOf(closed.Id), now);
    }

    /// <summary>To the provider, once per deadline period (<paramref name="check"/>): its answer is overdue and was reported.</summary>
    public static Notification OverdueReminder(QualityIssue issue, int check, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return new Notification($"{issue.InstanceId}-overdue-reminder-{check}", Recipient.Organization(issue.ProviderId), Category,
            $"数据质量问题处理已逾期：《{issue.ResourceName}》",
            $"贵单位对数据资源《{issue.ResourceName}》质量问题的处理已超过期限 {DueText(issue)}，已报主管部门（《实施办法》第四章第七条）。请尽快核实更正并提交处理结果；工单不会自动关闭。",
            null, QualityIssueRules.TargetOf(issue.Id), now);
    }

    /// <summary>To the authority: the provider let the deadline pass (M4.7.1).</summary>
    public static Notification Escalated(QualityIssue issue, string providerName, string raiserName, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return new Notification($"{issue.InstanceId}-overdue", Recipient.Role(Roles.Authority), Category,
            $"数据质量问题处理逾期：《{issue.ResourceName}》",
            $"数据提供单位 {providerName} 未在 {DueText(issue)} 前处理 {raiserName} 对数据资源《{issue.ResourceName}》提出的质量问题（{issue.Description}），现报请督促（《实施办法》第四章第七条）。工单继续等待处理，不会自动关闭。",
            null, QualityIssueRules.TargetOf(issue.Id), now);
    }

    private static string DueText(QualityIssue issue) => $"{issue.DueLegalDate:yyyy-MM-dd}（北京时间当日 24:00）";
}
