using Platform.Domain.Agreements;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Oversight;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Reports;

/// <summary>What one run of the annual-report request did.</summary>
public sealed record AnnualReportRequestOutcome(int Year, int OperatorReportsCreated, int OperatorReportsExisting, bool AuthorityReportCreated);

/// <summary>
/// The annual reports (M5.6): at the start of each year every operator with an agreement in force during the year just
/// ended is asked for its report, with a draft pre-filled from the platform's records; the operator completes and submits
/// it by the configured due date; the authority's report to its superior adds the operators' figures up and gives the
/// platform's own.
/// </summary>
public sealed class AnnualReportService(
    IAnnualReportStore store,
    IAgreementStore agreements,
    IOrganizationStore organizations,
    IIncidentStore incidents,
    ISuspensionStore suspensions,
    OperatorActivityCounter counter,
    INotificationOutbox outbox,
    IAuditTrail audit,
    IClock clock,
    AnnualReportOptions options)
{
    public const string Category = AnnualReportNotices.Category;

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
        var counts = missing.Count == 0 ? new Dictionary<string, OperatorActivityCounts>() : await counter.CountAsync(missing, year, cancellationToken);
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
                    await audit.RecordAsync(Caller.System, "annual_report.requested", Target(year, operatorId), new { year, dueOn }, cancellationToken);
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
                await PlatformFiguresAsync(year, inForce, cancellationToken),
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

    /// <summary>The year's reports as the caller may see them: all for the authority and supervisors, its own for an operator.</summary>
    public async Task<AnnualReportsView> GetAsync(int year, Caller caller, CancellationToken cancellationToken = default)
    {
        EnsureYear(year);
        if (caller.Role is Roles.Authority or Roles.Supervisor)
        {
            var authorityReport = await store.GetAuthorityReportAsync(year, cancellationToken);
            var operatorReports = (await store.ListOperatorReportsAsync(year, cancellationToken)).Select(r => r.Value).ToList();
            if (authorityReport is null && operatorReports.Count == 0)
            {
                throw NotFound(year);
            }

            return new AnnualReportsView(year, authorityReport, AnnualReportRules.Progress(operatorReports), operatorReports);
        }

        if (caller.Role == Roles.Operator)
        {
            var own = await store.GetOperatorReportAsync(year, caller.Organization, cancellationToken) ?? throw NotFound(year);
            return new AnnualReportsView(year, null, null, [own.Value]);
        }

        throw new DomainException(FailureKind.Forbidden, "auth.forbidden_role", $"Role '{caller.Role}' may not read annual reports.");
    }

    /// <summary>The operator's own report with its ETag (for If-Match).</summary>
    public async Task<Versioned<OperatorAnnualReport>> GetOperatorReportAsync(int year, string operatorId, Caller caller, CancellationToken cancellationToken = default)
    {
        EnsureYear(year);
        if (!(caller.Role is Roles.Authority or Roles.Supervisor || (caller.Role == Roles.Operator && caller.Organization == operatorId)))
        {
            throw NotFound(year);
        }

        return await store.GetOperatorReportAsync(year, operatorId, cancellationToken) ?? throw NotFound(year);
    }

    /// <summary>The operator writes its sections of the draft; only its own, only while a draft.</summary>
    public async Task<Versioned<OperatorAnnualReport>> EditAsync(int year, string operatorId, OperatorReportNarrative? narrative, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        var current = await OwnDraftAsync(year, operatorId, ifMatch, caller, cancellationToken);
        var updated = current.Value with { Narrative = AnnualReportRules.ValidateNarrative(narrative), UpdatedAt = clock.UtcNow, UpdatedBy = caller.Subject };
        var etag = await store.ReplaceOperatorReportAsync(updated, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, "annual_report.edited", Target(year, operatorId), updated.Narrative, cancellationToken);
        return new Versioned<OperatorAnnualReport>(updated, etag);
    }

    /// <summary>Submits the report (M5.6); after the due time it is marked late. The authority is told.</summary>
    public async Task<Versioned<OperatorAnnualReport>> SubmitAsync(int year, string operatorId, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        var current = await OwnDraftAsync(year, operatorId, ifMatch, caller, cancellationToken);
        AnnualReportRules.EnsureComplete(current.Value.Narrative);
        var now = clock.UtcNow;
        var late = now >= current.Value.DueAt;
        var submitted = current.Value with
        {
            Status = OperatorReportStatus.Submitted, SubmittedAt = now, SubmittedBy = caller.Subject, Late = late, UpdatedAt = now, UpdatedBy = caller.Subject,
        };
        var etag = await store.ReplaceOperatorReportAsync(submitted, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, "annual_report.submitted", Target(year, operatorId), new { late }, cancellationToken);
        await outbox.SendAsync(AnnualReportNotices.Submitted(submitted, now), cancellationToken);
        return new Versioned<OperatorAnnualReport>(submitted, etag);
    }

    public static string Target(int year, string operatorId) => $"reports/annual/{year}/operators/{operatorId}";

    private async Task<Versioned<OperatorAnnualReport>> OwnDraftAsync(int year, string operatorId, string? ifMatch, Caller caller, CancellationToken cancellationToken)
    {
        EnsureYear(year);
        if (caller.Role != Roles.Operator || caller.Organization != operatorId)
        {
            throw NotFound(year);
        }

        var current = await store.GetOperatorReportAsync(year, operatorId, cancellationToken) ?? throw NotFound(year);
        if (current.Value.Status == OperatorReportStatus.Submitted)
        {
            throw new DomainException(FailureKind.Conflict, "report.already_submitted", $"The {year} report was submitted on {current.Value.SubmittedAt:O}; it can no longer change.");
        }

        if (ifMatch is not null && ifMatch != current.ETag)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The report changed since you read it; read it again and retry.");
        }

        return current;
    }

    private async Task<PlatformFigures> PlatformFiguresAsync(int year, IReadOnlyList<Agreement> inForce, CancellationToken cancellationToken)
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

    private static void EnsureYear(int year)
    {
        if (!AnnualReportCalendar.IsReportableYear(year))
        {
            throw InvalidYear(year.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public static DomainException InvalidYear(string text)
        => new(FailureKind.BadRequest, "report.invalid_year",
            $"The year must be a four-digit year from {AnnualReportCalendar.FirstYear} to {AnnualReportCalendar.LastYear}; got '{text}'.",
            new Dictionary<string, string[]> { ["year"] = [$"A year from {AnnualReportCalendar.FirstYear} to {AnnualReportCalendar.LastYear}."] });

    private static DomainException NotFound(int year)
        => new(FailureKind.NotFound, "report.not_found", $"No annual report on {year} exists for you.");
}
