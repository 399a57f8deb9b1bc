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

            foreach (var notice in AnnualReportNotices.Overdue(report, nowUtc))
            {
                await outbox.SendAsync(notice, cancellationToken);
            }

            try
            {
                await store.ReplaceOperatorReportAsync(report with { Overdue = true, OverdueFlaggedAt = nowUtc }, candidate.ETag, cancellationToken);
            }
            catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed)
            {
                // Submitted or flagged meanwhile; the next sweep sees the current state.
                continue;
            }

            await audit.RecordAsync(Caller.System, "annual_report.overdue", AnnualReportService.Target(report.Year, report.OperatorId), new { report.DueOn }, cancellationToken);
            flagged++;
        }

        return flagged;
    }
}
