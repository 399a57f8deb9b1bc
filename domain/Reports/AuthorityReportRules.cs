using Platform.Domain.Errors;

namespace Platform.Domain.Reports;

/// <summary>The rules of the authority's own yearly report to its superior (M5.6).</summary>
public static class AuthorityReportRules
{
    /// <summary>M5.6: the report is late when submitted at or after the end (24:00 CST) of its due date.</summary>
    public static bool IsLate(DateTimeOffset submittedAtUtc, DateTimeOffset dueAtUtc) => submittedAtUtc >= dueAtUtc;

    /// <summary>M5.6: the report is due by the configured day of the year after the reporting year, end of that day in CST.</summary>
    public static AuthorityAnnualReport WithDueDate(AuthorityAnnualReport report, ReportDueDay dueDay)
        => report with { DueOn = AnnualReportCalendar.DueOn(report.Year, dueDay), DueAt = AnnualReportCalendar.DueAtUtc(report.Year, dueDay) };

    /// <summary>Trims each section; 422 <c>report.invalid</c> naming each section over <see cref="AnnualReportRules.MaxSectionLength"/>.</summary>
    public static AuthorityReportNarrative ValidateNarrative(AuthorityReportNarrative? narrative)
    {
        narrative ??= AuthorityReportNarrative.Empty;
        var errors = new Dictionary<string, string[]>();
        string? Check(string? text, string field)
        {
            var trimmed = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
            if (trimmed is { Length: > AnnualReportRules.MaxSectionLength })
            {
                errors[field] = [$"At most {AnnualReportRules.MaxSectionLength} characters."];
            }

            return trimmed;
        }

        var checkedNarrative = new AuthorityReportNarrative(
            Check(narrative.Summary, "summary"),
            Check(narrative.OperatorsOversight, "operatorsOversight"),
            Check(narrative.DataSecurity, "dataSecurity"),
            Check(narrative.ProblemsAndMeasures, "problemsAndMeasures"),
            Check(narrative.NextYearPlan, "nextYearPlan"));
        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "report.invalid", "The report has invalid sections.", errors);
        }

        return checkedNarrative;
    }

    /// <summary>M5.6: the authority submits with its summary and data-security sections written (422 <c>report.incomplete</c>).</summary>
    public static void EnsureComplete(AuthorityReportNarrative? narrative)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(narrative?.Summary))
        {
            errors["summary"] = ["Write the summary of the year before submitting."];
        }

        if (string.IsNullOrWhiteSpace(narrative?.DataSecurity))
        {
            errors["dataSecurity"] = ["Write the data-security section before submitting."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "report.incomplete", "The report cannot be submitted yet: sections are missing.", errors);
        }
    }

    /// <summary>M5.6: a submitted report is final (409 <c>report.already_submitted</c>).</summary>
    public static void EnsureDraft(AuthorityAnnualReport report)
    {
        if (report.Status == OperatorReportStatus.Submitted)
        {
            throw new DomainException(FailureKind.Conflict, "report.already_submitted", $"The {report.Year} report was submitted on {report.SubmittedAt:O}; it can no longer change.");
        }
    }
}
