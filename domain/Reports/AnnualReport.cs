using Platform.Domain.Organizations;
using Platform.Domain.Sandbox;

namespace Platform.Domain.Reports;

/// <summary>Where an operator's annual report stands; wire names <c>draft</c>, <c>submitted</c>.</summary>
public enum OperatorReportStatus
{
    Draft,
    Submitted,
}

/// <summary>Sandbox jobs submitted in the year, by mode and by how they ended (status wire names, e.g. <c>released</c>).</summary>
public sealed record SandboxJobCounts(int Total, int Sample, int Full, IReadOnlyDictionary<string, int> ByOutcome)
{
    public static readonly SandboxJobCounts None = new(0, 0, 0, new Dictionary<string, int>());

    public SandboxJobCounts Plus(SandboxJobCounts other)
    {
        var outcomes = new SortedDictionary<string, int>(ByOutcome.ToDictionary(), StringComparer.Ordinal);
        foreach (var (outcome, count) in other.ByOutcome)
        {
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + count;
        }

        return new SandboxJobCounts(Total + other.Total, Sample + other.Sample, Full + other.Full, outcomes);
    }
}

/// <summary>
/// What an operator did on the platform in one CST year, counted from the platform's own records (M5.6): the
/// pre-filled part of its annual report. "Approved" counts decisions made in the year, whenever submitted.
/// </summary>
public sealed record OperatorActivityCounts(
    int ScenariosSubmitted,
    int ScenariosApproved,
    int DataRequestsSubmitted,
    int DataRequestsApproved,
    int GrantsIssued,
    SandboxJobCounts SandboxJobs,
    int ProductsSubmitted,
    int ProductsPublished,
    long ProductCalls,
    int IncidentsReported)
{
    public static readonly OperatorActivityCounts None = new(0, 0, 0, 0, 0, SandboxJobCounts.None, 0, 0, 0, 0);

    public OperatorActivityCounts Plus(OperatorActivityCounts other) => new(
        ScenariosSubmitted + other.ScenariosSubmitted,
        ScenariosApproved + other.ScenariosApproved,
        DataRequestsSubmitted + other.DataRequestsSubmitted,
        DataRequestsApproved + other.DataRequestsApproved,
        GrantsIssued + other.GrantsIssued,
        SandboxJobs.Plus(other.SandboxJobs),
        ProductsSubmitted + other.ProductsSubmitted,
        ProductsPublished + other.ProductsPublished,
        ProductCalls + other.ProductCalls,
        IncidentsReported + other.IncidentsReported);
}

/// <summary>The parts of the report the operator writes itself; each at most <see cref="AnnualReportRules.MaxSectionLength"/> characters.</summary>
public sealed record OperatorReportNarrative(
    string? Summary = null,
    string? DataSecurity = null,
    string? ProductsAndServices = null,
    string? ProblemsAndRectification = null,
    string? NextYearPlan = null)
{
    public static readonly OperatorReportNarrative Empty = new();
}

/// <summary>
/// An operator's annual report on one CST year (M5.6): requested as a draft pre-filled with the year's counts, completed
/// and submitted by the operator by its due date; a submission after the due date is marked late, and a report still
/// unsubmitted after it is flagged overdue (the authority is told once).
/// </summary>
public sealed record OperatorAnnualReport(
    string Id,
    int Year,
    string OperatorId,
    string OperatorName,
    IReadOnlyList<string> AgreementIds,
    OperatorActivityCounts Counts,
    DateTimeOffset CountedAt,
    OperatorReportNarrative Narrative,
    OperatorReportStatus Status,
    DateOnly DueOn,
    DateTimeOffset DueAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? UpdatedBy = null,
    DateTimeOffset? SubmittedAt = null,
    string? SubmittedBy = null,
    bool Late = false,
    bool Overdue = false,
    DateTimeOffset? OverdueFlaggedAt = null)
{
    public static string IdFor(int year, string operatorId) => $"{year}-{operatorId}";
}

/// <summary>Figures of the whole platform for the year (M5.6): agreements in force, incidents, suspensions.</summary>
public sealed record PlatformFigures(
    int AgreementsActive,
    int AgreementsSigned,
    int AgreementsTerminated,
    int OperatorsWithAgreements,
    int IncidentsReported,
    IReadOnlyDictionary<string, int> IncidentsByKind,
    int SuspensionsImposed,
    int OperatorsSuspended);

/// <summary>The parts of the authority's report it writes itself; each at most <see cref="AnnualReportRules.MaxSectionLength"/> characters.</summary>
public sealed record AuthorityReportNarrative(
    string? Summary = null,
    string? OperatorsOversight = null,
    string? DataSecurity = null,
    string? ProblemsAndMeasures = null,
    string? NextYearPlan = null)
{
    public static readonly AuthorityReportNarrative Empty = new();
}

/// <summary>
/// The authority's annual report to its superior (M5.6): the operators' pre-filled counts added up, plus the platform's
/// own figures for the year, and the sections the authority writes; submitted once, marked late after its due date
/// (<c>Reports:AuthorityReportDueMonthDay</c> of the following year, CST). Due date and time are filled when read.
/// </summary>
public sealed record AuthorityAnnualReport(
    string Id,
    int Year,
    PlatformFigures Platform,
    OperatorActivityCounts OperatorTotals,
    IReadOnlyList<string> OperatorIds,
    DateTimeOffset CreatedAt,
    DateOnly OperatorReportsDueOn,
    AuthorityReportNarrative? Narrative = null,
    OperatorReportStatus Status = OperatorReportStatus.Draft,
    DateOnly? DueOn = null,
    DateTimeOffset? DueAt = null,
    DateTimeOffset? UpdatedAt = null,
    string? UpdatedBy = null,
    DateTimeOffset? SubmittedAt = null,
    string? SubmittedBy = null,
    bool Late = false);

/// <summary>How far the operators' reports have come, computed when read.</summary>
public sealed record OperatorReportProgress(int Requested, int Submitted, int SubmittedLate, int Overdue);

/// <summary>What GET /api/reports/annual/{year} answers: the authority's report (authority and supervisors only) and the operators' reports the caller may see.</summary>
public sealed record AnnualReportsView(int Year, AuthorityAnnualReport? AuthorityReport, OperatorReportProgress? Progress, IReadOnlyList<OperatorAnnualReport> OperatorReports);

/// <summary>Where annual reports are kept: one operator report per (year, operator), one authority report per year.</summary>
public interface IAnnualReportStore
{
    /// <summary>Inserts the report unless one for the same year and operator exists; returns false (and changes nothing) then.</summary>
    Task<bool> TryAddOperatorReportAsync(OperatorAnnualReport report, CancellationToken cancellationToken = default);

    Task<Versioned<OperatorAnnualReport>?> GetOperatorReportAsync(int year, string operatorId, CancellationToken cancellationToken = default);

    /// <summary>Replaces the report if its ETag still matches (412 <c>concurrency.etag_mismatch</c> otherwise); returns the new ETag.</summary>
    Task<string> ReplaceOperatorReportAsync(OperatorAnnualReport report, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>Every operator report on the year, ordered by operator id.</summary>
    Task<IReadOnlyList<Versioned<OperatorAnnualReport>>> ListOperatorReportsAsync(int year, CancellationToken cancellationToken = default);

    /// <summary>Draft reports whose due time has passed at <paramref name="nowUtc"/> and that are not yet flagged overdue.</summary>
    Task<IReadOnlyList<Versioned<OperatorAnnualReport>>> ListUnflaggedOverdueAsync(DateTimeOffset nowUtc, CancellationToken cancellationToken = default);

    /// <summary>Inserts the authority's report unless one for the year exists; returns false then.</summary>
    Task<bool> TryAddAuthorityReportAsync(AuthorityAnnualReport report, CancellationToken cancellationToken = default);

    Task<AuthorityAnnualReport?> GetAuthorityReportAsync(int year, CancellationToken cancellationToken = default);

    /// <summary>The authority's report on the year with its ETag; null when none was drafted.</summary>
    Task<Versioned<AuthorityAnnualReport>?> GetAuthorityReportVersionedAsync(int year, CancellationToken cancellationToken = default);

    /// <summary>Replaces the authority's report if its ETag still matches (412 <c>concurrency.etag_mismatch</c> otherwise); returns the new ETag.</summary>
    Task<string> ReplaceAuthorityReportAsync(AuthorityAnnualReport report, string ifMatch, CancellationToken cancellationToken = default);
}
