using Platform.Domain.Agreements;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Oversight;
using Platform.Domain.Sandbox;
using Platform.Domain.Scenarios;

namespace Platform.Domain.Reports;

/// <summary>How the annual reports (M5.6) count a year's records and check what operators write.</summary>
public static class AnnualReportRules
{
    public const int MaxSectionLength = 20_000;

    public static int ScenariosSubmitted(IEnumerable<Scenario> scenarios, int year)
        => scenarios.Count(s => AnnualReportCalendar.InYear(s.CreatedAt, year));

    /// <summary>Scenarios whose approving round ended in the year (a scenario approved once counts once).</summary>
    public static int ScenariosApproved(IEnumerable<Scenario> scenarios, int year)
        => scenarios.Count(s => s.Rounds.Any(r => r.Outcome == ReviewRoundOutcome.Approved && r.EndedAt is { } ended && AnnualReportCalendar.InYear(ended, year)));

    public static int DataRequestsSubmitted(IEnumerable<DataRequest> requests, int year)
        => requests.Count(r => AnnualReportCalendar.InYear(r.SubmittedAt, year));

    /// <summary>Requests whose reviews all ended in the year with at least one item approved (approved or partially approved).</summary>
    public static int DataRequestsApproved(IEnumerable<DataRequest> requests, int year)
        => requests.Count(r => r.Status is DataRequestStatus.Approved or DataRequestStatus.PartiallyApproved
                               && r.CompletedAt is { } completed && AnnualReportCalendar.InYear(completed, year));

    public static int GrantsIssued(IEnumerable<Grant> grants, int year)
        => grants.Count(g => AnnualReportCalendar.InYear(g.IssuedAt, year));

    public static SandboxJobCounts SandboxJobs(IEnumerable<SandboxJobActivity> jobs, int year)
    {
        var inYear = jobs.Where(j => AnnualReportCalendar.InYear(j.SubmittedAt, year)).ToList();
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var job in inYear)
        {
            var outcome = job.Status.ToWire();
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        return new SandboxJobCounts(inYear.Count, inYear.Count(j => j.Mode == SandboxMode.Sample), inYear.Count(j => j.Mode == SandboxMode.Full), outcomes);
    }

    public static int IncidentsReported(IEnumerable<SecurityIncident> incidents, int year)
        => incidents.Count(i => AnnualReportCalendar.InYear(i.ReportedAt, year));

    /// <summary>
    /// An agreement counts for the year when its term overlaps the year and it had not been terminated before the year
    /// began; it obliges its operator to report on that year (M5.6).
    /// </summary>
    public static bool InForceDuring(Agreement agreement, int year)
        => agreement.StartsOn.Year <= year && agreement.EndsOn.Year >= year
           && (agreement.Termination is null || agreement.Termination.At >= AnnualReportCalendar.YearStartUtc(year));

    /// <summary>The operator reports' counts added up: the operator part of the authority's report.</summary>
    public static OperatorActivityCounts Total(IEnumerable<OperatorActivityCounts> counts)
        => counts.Aggregate(OperatorActivityCounts.None, (sum, next) => sum.Plus(next));

    public static OperatorReportProgress Progress(IReadOnlyCollection<OperatorAnnualReport> reports)
        => new(
            reports.Count,
            reports.Count(r => r.Status == OperatorReportStatus.Submitted),
            reports.Count(r => r.Status == OperatorReportStatus.Submitted && r.Late),
            reports.Count(r => r.Status == OperatorReportStatus.Draft && r.Overdue));

    /// <summary>Trims each section; 422 <c>report.invalid</c> naming each section over the limit.</summary>
    public static OperatorReportNarrative ValidateNarrative(OperatorReportNarrative? narrative)
    {
        narrative ??= OperatorReportNarrative.Empty;
        var errors = new Dictionary<string, string[]>();
        string? Check(string? text, string field)
        {
            var trimmed = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
            if (trimmed is { Length: > MaxSectionLength })
            {
                errors[field] = [$"At most {MaxSectionLength} characters."];
            }

            return trimmed;
        }

        var checkedNarrative = new OperatorReportNarrative(
            Check(narrative.Summary, "summary"),
            Check(narrative.DataSecurity, "dataSecurity"),
            Check(narrative.ProductsAndServices, "productsAndServices"),
            Check(narrative.ProblemsAndRectification, "problemsAndRectification"),
            Check(narrative.NextYearPlan, "nextYearPlan"));
        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "report.invalid", "The report has invalid sections.", errors);
        }

        return checkedNarrative;
    }

    /// <summary>A report is submitted with its summary and data-security sections written (M5.6 asks for both).</summary>
    public static void EnsureComplete(OperatorReportNarrative narrative)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(narrative.Summary))
        {
            errors["summary"] = ["Write the summary of the year's operation before submitting."];
        }

        if (string.IsNullOrWhiteSpace(narrative.DataSecurity))
        {
            errors["dataSecurity"] = ["Write the data-security section before submitting."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "report.incomplete", "The report cannot be submitted yet: sections are missing.", errors);
        }
    }
}
