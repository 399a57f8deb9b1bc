using Platform.Domain.Agreements;
using Platform.Domain.Notifications;
using Platform.Domain.Oversight;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.OperatorSecurity;

/// <summary>
/// Settings of the operator security duties (section <c>OperatorSecurity</c>, M5.5): how often every active staff member
/// must be trained and risk assessments and security checks repeated (months), and how long after telling the operator
/// about an overdue duty the sweep escalates it to the authority (days; compressed by <c>Platform:TimeCompression</c>).
/// </summary>
public sealed class OperatorSecurityOptions
{
    public const string SectionName = "OperatorSecurity";

    public int TrainingIntervalMonths { get; set; } = 12;

    public int AssessmentIntervalMonths { get; set; } = 12;

    public double EscalationGraceDays { get; set; } = 7;

    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (TrainingIntervalMonths is < 1 or > 12)
        {
            failures.Add($"{SectionName}:{nameof(TrainingIntervalMonths)} must be 1 to 12 months (M5.5: at least once a year); it is {TrainingIntervalMonths}.");
        }

        if (AssessmentIntervalMonths is < 1 or > 36)
        {
            failures.Add($"{SectionName}:{nameof(AssessmentIntervalMonths)} must be 1 to 36 months; it is {AssessmentIntervalMonths}.");
        }

        if (double.IsNaN(EscalationGraceDays) || EscalationGraceDays is < 0 or > 90)
        {
            failures.Add($"{SectionName}:{nameof(EscalationGraceDays)} must be 0 to 90 days; it is {EscalationGraceDays}.");
        }

        return failures;
    }

    public SecurityDutyPeriods Periods => new(TrainingIntervalMonths, AssessmentIntervalMonths);
}

/// <summary>The escalation grace in real time: the configured days, compressed like every lifecycle.</summary>
public sealed record SecurityEscalationGrace(TimeSpan Value);

/// <summary>
/// Sweep step (M5.5): for every operator holding an agreement not ended, each duty past its due date is told to the
/// operator once; when still overdue after the grace period, to the authority once. Both messages have fixed ids and the
/// flag rows are conditional writes, so running the sweep twice sends nothing twice.
/// </summary>
public sealed class OperatorSecuritySweepStep(
    IAgreementStore agreements, IOperatorSecurityStore store, OperatorSecurityService security, INotificationOutbox outbox, SecurityDutyPeriods periods, SecurityEscalationGrace grace) : IDeadlineSweepStep
{
    public const string StepName = "operator-security";
    private const int PageSize = 200;

    public string Name => StepName;

    public async Task<int> SweepAsync(DateTimeOffset nowUtc, CancellationToken cancellationToken = default)
    {
        var today = ChinaTime.LegalDate(nowUtc);
        var flagged = 0;
        foreach (var operatorId in await OperatorsAsync(cancellationToken))
        {
            var snapshot = await security.LoadSnapshotAsync(operatorId, today, cancellationToken);
            var overdue = OperatorSecurityRules.Overdue(snapshot, today, periods);
            if (overdue.Count == 0)
            {
                continue;
            }

            var flags = (await store.ListFlagsAsync(operatorId, cancellationToken)).ToDictionary(f => f.ItemKey, StringComparer.Ordinal);
            foreach (var duty in overdue)
            {
                if (!flags.TryGetValue(duty.Key, out var flag))
                {
                    await outbox.SendAsync(OperatorSecurityNotices.DutyOverdue(operatorId, duty, nowUtc), cancellationToken);
                    if (await store.TryAddFlagAsync(new SecurityDutyFlag(operatorId, duty.Key, nowUtc, null), cancellationToken))
                    {
                        flagged++;
                    }
                }
                else if (OperatorSecurityRules.EscalationDue(flag, nowUtc, grace.Value))
                {
                    await outbox.SendAsync(OperatorSecurityNotices.DutyEscalated(operatorId, duty, flag.NotifiedAt, nowUtc), cancellationToken);
                    if (await store.TryMarkEscalatedAsync(operatorId, duty.Key, nowUtc, cancellationToken))
                    {
                        flagged++;
                    }
                }
            }
        }

        return flagged;
    }

    private async Task<IReadOnlyList<string>> OperatorsAsync(CancellationToken cancellationToken)
    {
        var operators = new SortedSet<string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var (page, next) = await agreements.ListAsync(null, PageSize, token, cancellationToken);
            operators.UnionWith(page.Where(a => !a.HasEnded).Select(a => a.OperatorId));
            token = next;
        }
        while (token is not null);

        return [.. operators];
    }
}

/// <summary>The messages of the security duties (M5.5), pure.</summary>
public static class OperatorSecurityNotices
{
    public static string OverdueId(string operatorId, string key) => $"{operatorId}-security-{key}-overdue";

    public static string EscalatedId(string operatorId, string key) => $"{operatorId}-security-{key}-escalated";

    /// <summary>To the operator: one of its duties is overdue.</summary>
    public static Notification DutyOverdue(string operatorId, OverdueDuty duty, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(duty);
        return new Notification(
            OverdueId(operatorId, duty.Key), Recipient.Organization(operatorId), "security", $"数据安全义务逾期：{DutyName(duty.Kind)}",
            $"贵单位的{DutyName(duty.Kind)}（{duty.Subject}）应于 {duty.DueOn:yyyy-MM-dd}（北京时间）前完成（M5.5），目前已逾期，请尽快完成并在平台登记。",
            null, $"operators/{operatorId}/security", now);
    }

    /// <summary>To the authority: an operator left a duty overdue after being told.</summary>
    public static Notification DutyEscalated(string operatorId, OverdueDuty duty, DateTimeOffset notifiedAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(duty);
        return new Notification(
            EscalatedId(operatorId, duty.Key), Recipient.Role(Roles.Authority), "security", $"运营机构数据安全义务逾期未履行：{DutyName(duty.Kind)}",
            $"运营机构 {operatorId} 的{DutyName(duty.Kind)}（{duty.Subject}）应于 {duty.DueOn:yyyy-MM-dd}（北京时间）前完成（M5.5），"
            + $"平台已于 {ChinaTime.ToChinaTime(notifiedAt):yyyy-MM-dd HH:mm}（北京时间）提醒，至今仍未完成。",
            null, $"operators/{operatorId}/security", now);
    }

    public static string DutyName(SecurityDutyKind kind) => kind switch
    {
        SecurityDutyKind.ManagementSystem => "数据安全管理制度建立",
        SecurityDutyKind.ManagementSystemReview => "数据安全管理制度年度评审",
        SecurityDutyKind.Training => "数据安全教育培训",
        SecurityDutyKind.RiskAssessment => "数据安全风险评估",
        SecurityDutyKind.SecurityCheck => "数据安全检查",
        SecurityDutyKind.Finding => "安全问题整改",
        SecurityDutyKind.EmergencyPlan => "应急预案制定",
        _ => "应急演练",
    };
}
