using Platform.Domain.Agreements;
using Platform.Domain.Audit;
using Platform.Domain.Common;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Workflows;

namespace Platform.Domain.Oversight;

/// <summary>Input of the breach watch: the breach, its two legal moments and how fast time runs.</summary>
/// <param name="AnchorUtc">When the breach was recorded; compressed timers count from it.</param>
/// <param name="ReminderUtc">When the operator is reminded (before the deadline).</param>
/// <param name="DeadlineUtc">The end of the rectification day (24:00 CST of <c>rectifyBy</c>).</param>
public sealed record BreachWatchInput(string AgreementId, string BreachId, DateTime AnchorUtc, DateTime ReminderUtc, DateTime DeadlineUtc, double TimeCompression);

/// <summary>Raised on the breach watch when the authority records the rectification.</summary>
public sealed record BreachRectifiedEvent(string AgreementId, string BreachId);

/// <summary>One step of the watch the activities run: remind the operator, or escalate to the authority.</summary>
public sealed record BreachWatchStep(string AgreementId, string BreachId);

public static class BreachWatchRules
{
    /// <summary>The operator is reminded this long before the deadline, or halfway when the whole period is shorter than twice this.</summary>
    public static readonly TimeSpan ReminderLead = TimeSpan.FromDays(3);

    /// <summary>M5.8: the deadline is the end of the rectification day in China Standard Time.</summary>
    public static DateTime DeadlineUtc(DateOnly rectifyBy) => ChinaTime.EndOfDayUtc(rectifyBy).UtcDateTime;

    /// <summary>M5.8: when to remind the operator before the deadline: three days before it, or halfway for a short period; never before the anchor.</summary>
    public static DateTime ReminderUtc(DateTime anchorUtc, DateTime deadlineUtc)
    {
        if (deadlineUtc <= anchorUtc)
        {
            return anchorUtc;
        }

        var period = deadlineUtc - anchorUtc;
        return period >= ReminderLead * 2 ? deadlineUtc - ReminderLead : anchorUtc + (period / 2);
    }

    /// <summary>A step (reminder or escalation) applies only while the breach exists and is unrectified on a live or signed agreement.</summary>
    public static bool StillOpen(Agreement? agreement, string breachId)
        => agreement is not null && !agreement.HasEnded && agreement.Breaches.SingleOrDefault(b => b.Id == breachId) is { Rectified: false };
}

/// <summary>The messages of the breach watch (M5.8), pure.</summary>
public static class BreachNotices
{
    public static Notification Recorded(Agreement agreement, Breach breach, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(breach);
        return new Notification(
            $"{breach.Id}-recorded", Recipient.Organization(agreement.OperatorId), "breach", "违约行为整改通知",
            $"主管部门认定贵单位在协议 {agreement.Id} 下存在违约行为：{breach.Description}。请于 {breach.RectifyBy:yyyy-MM-dd}（北京时间）前完成整改（M5.8），逾期未整改的将报主管部门处理。",
            null, $"agreements/{agreement.Id}", now);
    }

    public static Notification Reminder(Agreement agreement, Breach breach, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(breach);
        return new Notification(
            $"{breach.Id}-reminder", Recipient.Organization(agreement.OperatorId), "breach", "违约整改期限即将届满",
            $"协议 {agreement.Id} 下的违约行为（{breach.Description}）整改期限为 {breach.RectifyBy:yyyy-MM-dd}（北京时间），目前尚未登记整改完成。",
            null, $"agreements/{agreement.Id}", now);
    }

    public static Notification Escalated(Agreement agreement, Breach breach, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(breach);
        return new Notification(
            $"{breach.Id}-escalated", Recipient.Role(Roles.Authority), "breach", "违约行为逾期未整改",
            $"运营机构 {agreement.OperatorId} 在协议 {agreement.Id} 下的违约行为（{breach.Description}）应于 {breach.RectifyBy:yyyy-MM-dd}（北京时间）前整改（M5.8），期限已过仍未整改，可依 M3.6 终止协议。",
            null, $"agreements/{agreement.Id}", now);
    }
}

/// <summary>
/// The breach watch (M5.8): recording a breach tells the operator its rectification deadline and starts a durable watch
/// (instance <c>breach-watch-{breachId}</c>) that reminds the operator before the deadline and escalates to the authority
/// at it unless the rectification arrives first. Each step re-reads the breach and sends a message with a fixed id, so
/// a redelivered activity sends nothing twice.
/// </summary>
public sealed class BreachWatchService(IAgreementStore agreements, INotificationOutbox outbox, IAuditTrail audit, IClock clock, TimeCompression compression)
{
    public const string Kind = "breach-watch";
    public const string Orchestrator = OrchestratorNames.BreachWatch;
    public const string RectifiedEventName = nameof(BreachRectifiedEvent);

    public static string InstanceId(string breachId) => WorkflowInstanceIds.For(Kind, breachId);

    /// <summary>Tells the operator and starts the watch of a just-recorded breach (idempotent: fixed message id, idempotent start).</summary>
    public async Task StartAsync(Agreement agreement, string breachId, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(workflows);
        var breach = agreement.Breaches.Single(b => b.Id == breachId);
        await outbox.SendAsync(BreachNotices.Recorded(agreement, breach, clock.UtcNow), cancellationToken);
        var anchor = breach.RecordedAt.UtcDateTime;
        var deadline = BreachWatchRules.DeadlineUtc(breach.RectifyBy);
        await workflows.StartAsync(Orchestrator, InstanceId(breachId),
            new BreachWatchInput(agreement.Id, breachId, anchor, BreachWatchRules.ReminderUtc(anchor, deadline), deadline, compression.Factor), cancellationToken);
    }

    /// <summary>Ends the watch of a rectified breach; false when it had already finished.</summary>
    public Task<bool> RectifiedAsync(string agreementId, string breachId, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflows);
        return workflows.RaiseEventAsync(InstanceId(breachId), RectifiedEventName, new BreachRectifiedEvent(agreementId, breachId), cancellationToken);
    }

    /// <summary>Reminds the operator unless the breach was rectified meanwhile; true when the reminder went out.</summary>
    public async Task<bool> RemindAsync(BreachWatchStep step, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        var agreement = (await agreements.GetAsync(step.AgreementId, cancellationToken))?.Value;
        if (!BreachWatchRules.StillOpen(agreement, step.BreachId))
        {
            return false;
        }

        await outbox.SendAsync(BreachNotices.Reminder(agreement!, agreement!.Breaches.Single(b => b.Id == step.BreachId), clock.UtcNow), cancellationToken);
        return true;
    }

    /// <summary>M5.8: at the deadline an unrectified breach goes to the authority (audited); true when escalated.</summary>
    public async Task<bool> EscalateAsync(BreachWatchStep step, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        var agreement = (await agreements.GetAsync(step.AgreementId, cancellationToken))?.Value;
        if (!BreachWatchRules.StillOpen(agreement, step.BreachId))
        {
            return false;
        }

        var breach = agreement!.Breaches.Single(b => b.Id == step.BreachId);
        await outbox.SendAsync(BreachNotices.Escalated(agreement, breach, clock.UtcNow), cancellationToken);
        await audit.RecordAsync(Caller.System, "agreement.breach_escalated", $"agreements/{agreement.Id}/breaches/{breach.Id}", breach, cancellationToken);
        return true;
    }
}
