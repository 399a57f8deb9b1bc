using Platform.Domain.Agreements;
using Platform.Domain.Audit;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Oversight;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Reports;

/// <summary>What one run of the annual-report request did.</summary>
public sealed record AnnualReportRequestOutcome(int Year, int OperatorReportsCreated, int OperatorReportsExisting, bool AuthorityReportCreated);

/// <summary>
/// The yearly request for annual reports (M5.6), run by the timer: every operator with an agreement in force during the
/// year just ended gets a draft pre-filled from the platform's records, and the authority's report to its superior adds
/// the operators' figures up and gives the platform's own.
/// </summary>
public sealed class AnnualReportRequests(
    IAnnualReportStore store,
    IAgreementStore agreements,
    IOrganizationStore organizations,
    AnnualReportCounters counters,
    INotificationOutbox outbox,
    IAuditTrail audit,
    IClock clock,
    AnnualReportOptions options)
{
    private readonly ReportDueDay _dueDay = options.DueDay;

    /// <summary>
    /// Creates the drafts for the year <paramref name="firedAtUtc"/> reports on (see <see cref="AnnualReportCalendar.ReportingYear"/>).
    /// Safe to repeat: an existing report is left as it is, and the messages have fixed ids so they are sent once.
    /// </summary>
    public async Task<AnnualReportRequestOutcome> RequestAsync(DateTimeOffset firedAtUtc, CancellationToken cancellationToken = default)
    {
        var year = AnnualReportCalendar.ReportingYear(firedAtUtc);
        var inForce = (await agreements.ListTermOverlappingAsync(new DateOnly(year, 1, 1), new DateOnly(year, 12, 31), cancellationToken))
            .Where(a => AnnualReportRules.InForceDuring(a, year))
            .ToList();
        var dueOn = AnnualReportCalendar.DueOn(year, _dueDay);
        var dueAt = AnnualReportCalendar.DueAtUtc(year, _dueDay);
        var operators = inForce.GroupBy(a => a.OperatorId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var stored = new Dictionary<string, OperatorAnnualReport>(StringComparer.Ordinal);
        foreach (var group in operators)
        {
            if ((await store.GetOperatorReportAsync(year, group.Key, cancellationToken))?.Value is { } report)
            {
                stored[group.Key] = report;
            }
        }

        // One pass over each record table for all operators still without a report.
        var missing = operators.Select(g => g.Key).Where(id => !stored.ContainsKey(id)).ToList();
        var counts = missing.Count == 0 ? new Dictionary<string, OperatorActivityCounts>() : await counters.Operators.CountAsync(missing, year, cancellationToken);
        int created = 0, existing = stored.Count;
        var reports = new List<OperatorAnnualReport>();
        foreach (var group in operators)
        {
            var operatorId = group.Key;
            var report = stored.GetValueOrDefault(operatorId);
            if (report is null)
            {
                var now = clock.UtcNow;
                var draft = new OperatorAnnualReport(
                    OperatorAnnualReport.IdFor(year, operatorId), year, operatorId,
                    (await organizations.GetAsync(operatorId, cancellationToken))?.Value.Name ?? operatorId,
                    group.Select(a => a.Id).Order(StringComparer.Ordinal).ToList(),
                    counts[operatorId], now,
                    OperatorReportNarrative.Empty, OperatorReportStatus.Draft, dueOn, dueAt, now, now);
                if (await store.TryAddOperatorReportAsync(draft, cancellationToken))
                {
                    created++;
                    report = draft;
                    await audit.RecordAsync(Caller.System, "annual_report.requested", AnnualReportService.Target(year, operatorId), new { year, dueOn }, cancellationToken);
                }
                else
                {
                    existing++;
                    report = (await store.GetOperatorReportAsync(year, operatorId, cancellationToken))?.Value ?? draft;
                }
            }

            reports.Add(report);

            // M5.6: the operator reports on the year's operation by the due date.
            await outbox.SendAsync(AnnualReportNotices.Requested(year, operatorId, dueOn, clock.UtcNow), cancellationToken);
        }

        var authorityCreated = false;
        if (await store.GetAuthorityReportAsync(year, cancellationToken) is null)
        {
            var authorityReport = new AuthorityAnnualReport(
                year.ToString(System.Globalization.CultureInfo.InvariantCulture), year,
                await counters.Platform.CountAsync(year, inForce, cancellationToken),
                AnnualReportRules.Total(reports.Select(r => r.Counts)),
                reports.Select(r => r.OperatorId).ToList(), clock.UtcNow, dueOn);
            authorityCreated = await store.TryAddAuthorityReportAsync(authorityReport, cancellationToken);
            if (authorityCreated)
            {
                await audit.RecordAsync(Caller.System, "annual_report.authority_drafted", $"reports/annual/{year}", new { year, operators = reports.Count }, cancellationToken);
            }
        }

        await outbox.SendAsync(AnnualReportNotices.AuthorityDrafted(year, reports.Count, dueOn, clock.UtcNow), cancellationToken);
        return new AnnualReportRequestOutcome(year, created, existing, authorityCreated);
    }
}

/// <summary>The two counters the yearly request uses: the operators' activity and the platform's own figures (M5.6).</summary>
public sealed class AnnualReportCounters(OperatorActivityCounter operators, PlatformFiguresCounter platform)
{
    public OperatorActivityCounter Operators { get; } = operators;

    public PlatformFiguresCounter Platform { get; } = platform;
}

/// <summary>The platform's own figures of a year for the authority's report (M5.6): agreements, incidents, suspensions.</summary>
public sealed class PlatformFiguresCounter(IIncidentStore incidents, ISuspensionStore suspensions)
{
    public async Task<PlatformFigures> CountAsync(int year, IReadOnlyList<Agreement> inForce, CancellationToken cancellationToken)
    {
        var yearIncidents = await incidents.ListReportedBetweenAsync(null, AnnualReportCalendar.YearStartUtc(year), AnnualReportCalendar.YearEndUtc(year), cancellationToken);
        var byKind = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var incident in yearIncidents)
        {
            var kind = KebabCase(incident.Kind.ToString());
            byKind[kind] = byKind.GetValueOrDefault(kind) + 1;
        }

        var operatorIds = inForce.Select(a => a.OperatorId).Distinct(StringComparer.Ordinal).ToList();
        int suspensionsImposed = 0, operatorsSuspended = 0;
        foreach (var operatorId in operatorIds)
        {
            var history = (await suspensions.GetAsync(operatorId, cancellationToken))?.Value.History ?? [];
            var inYear = history.Count(p => AnnualReportCalendar.InYear(p.SuspendedAt, year));
            suspensionsImposed += inYear;
            operatorsSuspended += inYear > 0 ? 1 : 0;
        }

        return new PlatformFigures(
            inForce.Count,
            inForce.Count(a => AnnualReportCalendar.InYear(a.SignedAt, year)),
            inForce.Count(a => a.Termination is { } t && AnnualReportCalendar.InYear(t.At, year)),
            operatorIds.Count,
            AnnualReportRules.IncidentsReported(yearIncidents, year),
            byKind,
            suspensionsImposed,
            operatorsSuspended);
    }

    private static string KebabCase(string pascal)
        => string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
