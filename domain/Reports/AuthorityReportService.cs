using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Reports;

/// <summary>
/// The authority's own yearly report to its superior (M5.6): drafted with the computed figures by
/// <see cref="AnnualReportRequests"/>, read by the authority and supervisors, written and submitted (once) by the authority.
/// </summary>
public sealed class AuthorityReportService(IAnnualReportStore store, IAuditTrail audit, IClock clock, AnnualReportOptions options)
{
    private readonly ReportDueDay _dueDay = options.AuthorityDueDay;

    /// <summary>The report with its ETag, for the authority and supervisors; 404 for anyone else.</summary>
    public async Task<Versioned<AuthorityAnnualReport>> GetAsync(int year, Caller caller, CancellationToken cancellationToken = default)
    {
        EnsureYear(year);
        if (caller.Role is not (Roles.Authority or Roles.Supervisor))
        {
            throw NotFound(year);
        }

        var current = await store.GetAuthorityReportVersionedAsync(year, cancellationToken) ?? throw NotFound(year);
        return current with { Value = WithDue(current.Value) };
    }

    /// <summary>The authority writes the sections of its draft; the computed figures stay as counted.</summary>
    public async Task<Versioned<AuthorityAnnualReport>> EditAsync(int year, AuthorityReportNarrative? narrative, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        var current = await OwnDraftAsync(year, ifMatch, caller, cancellationToken);
        var updated = WithDue(current.Value) with { Narrative = AuthorityReportRules.ValidateNarrative(narrative), UpdatedAt = clock.UtcNow, UpdatedBy = caller.Subject };
        var etag = await store.ReplaceAuthorityReportAsync(updated, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, "authority_report.edited", Target(year), updated.Narrative, cancellationToken);
        return new Versioned<AuthorityAnnualReport>(updated, etag);
    }

    /// <summary>Submits the report to the superior, once (M5.6); at or after its due time it is marked late.</summary>
    public async Task<Versioned<AuthorityAnnualReport>> SubmitAsync(int year, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        var current = await OwnDraftAsync(year, ifMatch, caller, cancellationToken);
        AuthorityReportRules.EnsureComplete(current.Value.Narrative);
        var now = clock.UtcNow;
        var withDue = WithDue(current.Value);
        var late = AuthorityReportRules.IsLate(now, withDue.DueAt!.Value);
        var submitted = withDue with
        {
            Status = OperatorReportStatus.Submitted, SubmittedAt = now, SubmittedBy = caller.Subject, Late = late, UpdatedAt = now, UpdatedBy = caller.Subject,
        };
        var etag = await store.ReplaceAuthorityReportAsync(submitted, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, "authority_report.submitted", Target(year), new { late, dueOn = submitted.DueOn }, cancellationToken);
        return new Versioned<AuthorityAnnualReport>(submitted, etag);
    }

    public static string Target(int year) => $"authority-reports/{year}";

    private AuthorityAnnualReport WithDue(AuthorityAnnualReport report)
        => report.DueAt is null ? AuthorityReportRules.WithDueDate(report, _dueDay) : report;

    private async Task<Versioned<AuthorityAnnualReport>> OwnDraftAsync(int year, string? ifMatch, Caller caller, CancellationToken cancellationToken)
    {
        EnsureYear(year);
        if (caller.Role != Roles.Authority)
        {
            throw new DomainException(FailureKind.Forbidden, "auth.forbidden_role", "Only the authority writes and submits its yearly report.");
        }

        var current = await store.GetAuthorityReportVersionedAsync(year, cancellationToken) ?? throw NotFound(year);
        AuthorityReportRules.EnsureDraft(current.Value);
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
            throw AnnualReportService.InvalidYear(year.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static DomainException NotFound(int year)
        => new(FailureKind.NotFound, "report.not_found", $"No authority report on {year} exists for you.");
}
