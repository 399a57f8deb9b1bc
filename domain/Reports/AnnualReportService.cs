using Platform.Domain.Agreements;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Oversight;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Reports;

/// <summary>
/// The annual reports (M5.6) as people use them: reading the year's reports, the operator editing and submitting its own
/// by the configured due date. The drafts are made by <see cref="AnnualReportRequests"/>.
/// </summary>
public sealed class AnnualReportService(
    IAnnualReportStore store,
    INotificationOutbox outbox,
    IAuditTrail audit,
    IClock clock,
    AnnualReportOptions options)
{
    public const string Category = AnnualReportNotices.Category;

    private readonly ReportDueDay _dueDay = options.DueDay;

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
