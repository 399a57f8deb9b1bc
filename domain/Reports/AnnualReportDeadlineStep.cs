using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Oversight;
using Platform.Domain.Security;

namespace Platform.Domain.Reports;

/// <summary>
/// Part of the daily deadline sweep: an operator report still unsubmitted after its due time is flagged overdue and the
/// authority (and the operator) told, once per report (M5.6). Messages have fixed ids, and are sent before the flag is
/// written, so a sweep that stops half-way and runs again neither loses nor repeats one.
/// </summary>
public sealed class AnnualReportDeadlineStep(IAnnualReportStore store, INotificationOutbox outbox, IAuditTrail audit) : IDeadlineSweepStep
{
    public const string StepName = "annual-reports";

    public string Name => StepName;

    public async Task<int> SweepAsync(DateTimeOffset nowUtc, CancellationToken cancellationToken = default)
    {
        var flagged = 0;
        foreach (var candidate in await store.ListUnflaggedOverdueAsync(nowUtc, cancellationToken))
        {
            var report = candidate.Value;
            if (report.Status != OperatorReportStatus.Draft || report.Overdue || nowUtc < report.DueAt)
            {
                continue;
            }

            var target = AnnualReportService.Target(report.Year, report.OperatorId);
            await outbox.SendAsync(new Notification(
                $"annual-report-{report.Year}-{report.OperatorId}-overdue", Recipient.Role(Roles.Authority), AnnualReportService.Category,
                $"{report.OperatorName} 未按期提交 {report.Year} 年度运营报告",
                $"{report.OperatorName} 的 {report.Year} 年度授权运营情况报告截止日期为 {report.DueOn:yyyy-MM-dd}（北京时间），至今未提交。",
                null, target, nowUtc), cancellationToken);
            await outbox.SendAsync(new Notification(
                $"annual-report-{report.Year}-{report.OperatorId}-overdue-operator", Recipient.Organization(report.OperatorId), AnnualReportService.Category,
                $"{report.Year} 年度运营报告已逾期",
                $"贵单位 {report.Year} 年度授权运营情况报告的截止日期为 {report.DueOn:yyyy-MM-dd}（北京时间），已逾期，请尽快提交；逾期情况已告知主管部门。",
                null, target, nowUtc), cancellationToken);
            try
            {
                await store.ReplaceOperatorReportAsync(report with { Overdue = true, OverdueFlaggedAt = nowUtc }, candidate.ETag, cancellationToken);
            }
            catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed)
            {
                // Submitted or flagged meanwhile; the next sweep sees the current state.
                continue;
            }

            await audit.RecordAsync(Caller.System, "annual_report.overdue", target, new { report.DueOn }, cancellationToken);
            flagged++;
        }

        return flagged;
    }
}
