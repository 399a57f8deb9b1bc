using Platform.Domain.Errors;
using Platform.Domain.Personnel;

namespace Platform.Domain.OperatorSecurity;

/// <summary>The two kinds of periodic review of M5.5.2; wire names <c>risk-assessment</c>, <c>security-check</c>.</summary>
public enum AssessmentKind
{
    RiskAssessment,
    SecurityCheck,
}

/// <summary>What an overdue duty is about; wire names kebab-case.</summary>
public enum SecurityDutyKind
{
    ManagementSystem,
    ManagementSystemReview,
    Training,
    RiskAssessment,
    SecurityCheck,
    Finding,
    EmergencyPlan,
    EmergencyDrill,
}

/// <summary>The operator's data security management system (M5.5.1) and its yearly reviews.</summary>
public sealed record ManagementSystemRecord(string Version, string DocumentRef, DateOnly AdoptedOn, DateTimeOffset RecordedAt, string RecordedBy, IReadOnlyList<ManagementSystemReview> Reviews)
{
    /// <summary>The last time the system was adopted or reviewed (CST).</summary>
    public DateOnly LastReviewedOn => Reviews.Select(r => r.ReviewedOn).Append(AdoptedOn).Max();
}

public sealed record ManagementSystemReview(DateOnly ReviewedOn, string Conclusion, DateTimeOffset RecordedAt, string RecordedBy);

/// <summary>The emergency plan (M5.5.3) with its drills.</summary>
public sealed record EmergencyPlanRecord(string Version, string DocumentRef, DateOnly ApprovedOn, DateTimeOffset RecordedAt, string RecordedBy, IReadOnlyList<EmergencyDrill> Drills)
{
    public DateOnly? LastDrillOn => Drills.Count == 0 ? null : Drills.Max(d => d.DrilledOn);
}

public sealed record EmergencyDrill(DateOnly DrilledOn, string Scenario, DateTimeOffset RecordedAt, string RecordedBy);

/// <summary>The management system and emergency plan of one operator (one row, updated with ETags).</summary>
public sealed record SecurityProfile(string OperatorId, ManagementSystemRecord? ManagementSystem, EmergencyPlanRecord? EmergencyPlan)
{
    public static SecurityProfile Empty(string operatorId) => new(operatorId, null, null);
}

/// <summary>One security training session (M5.5.1): date, topic and the staff trained.</summary>
public sealed record TrainingSession(string Id, string OperatorId, DateOnly HeldOn, string Topic, IReadOnlyList<string> StaffIds, DateTimeOffset RecordedAt, string RecordedBy);

public sealed record SecurityFinding(int Number, string Description, DateOnly RectifyBy, DateTimeOffset? RectifiedAt = null, string? RectificationNote = null)
{
    public bool Rectified => RectifiedAt is not null;
}

/// <summary>A risk assessment or security check (M5.5.2) with its findings and their rectification deadlines.</summary>
public sealed record SecurityAssessment(
    string Id, string OperatorId, AssessmentKind Kind, DateOnly ConductedOn, string ConductedBy, string Summary, IReadOnlyList<SecurityFinding> Findings, DateTimeOffset RecordedAt, string RecordedBy);

/// <summary>When the sweep first told the operator about an overdue duty, and when it escalated it to the authority.</summary>
public sealed record SecurityDutyFlag(string OperatorId, string ItemKey, DateTimeOffset NotifiedAt, DateTimeOffset? EscalatedAt);

/// <summary>A duty past its due date (CST); <see cref="Key"/> names the duty and its cycle, so each cycle is flagged once.</summary>
public sealed record OverdueDuty(string Key, SecurityDutyKind Kind, string Subject, DateOnly DueOn);

/// <summary>How often the periodic duties of M5.5 recur (settings <c>OperatorSecurity:*</c>).</summary>
public sealed record SecurityDutyPeriods(int TrainingIntervalMonths, int AssessmentIntervalMonths)
{
    /// <summary>M5.5: the management system is reviewed and the emergency plan drilled at least once a year.</summary>
    public const int YearlyMonths = 12;

    public static readonly SecurityDutyPeriods Default = new(12, 12);
}

/// <summary>Everything the duty rules look at for one operator.</summary>
/// <param name="DutyStart">The legal date its first live agreement was signed (CST); duties run from it. Null: no live agreement, no duties.</param>
public sealed record SecuritySnapshot(
    string OperatorId,
    DateOnly? DutyStart,
    SecurityProfile Profile,
    IReadOnlyList<TrainingSession> Trainings,
    IReadOnlyList<SecurityAssessment> Assessments,
    IReadOnlyList<StaffMember> Staff);

public static class OperatorSecurityRules
{
    public const int MaxTextLength = 4000;
    public const int MaxShortTextLength = 200;
    public const int MaxStaffPerSession = 500;
    public const int MaxFindings = 100;

    /// <summary>Active staff: filed with the authority (M4.4) and so allowed to process data once cleared.</summary>
    public static bool IsActive(StaffMember staff) => staff.FilingState == FilingState.Filed;

    /// <summary>
    /// M5.5: every duty of the operator past its due date on <paramref name="todayCst"/>. Each periodic duty is due one
    /// period after it was last done, or one period after the duty start when never done.
    /// </summary>
    public static IReadOnlyList<OverdueDuty> Overdue(SecuritySnapshot snapshot, DateOnly todayCst, SecurityDutyPeriods periods)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(periods);
        if (snapshot.DutyStart is not { } start)
        {
            return [];
        }

        var overdue = new List<OverdueDuty>();
        void Check(SecurityDutyKind kind, string subject, DateOnly dueOn, string key)
        {
            if (todayCst > dueOn)
            {
                overdue.Add(new OverdueDuty($"{key}-{dueOn:yyyyMMdd}", kind, subject, dueOn));
            }
        }

        // M5.5.1: a management system in place, reviewed yearly.
        var system = snapshot.Profile.ManagementSystem;
        if (system is null)
        {
            Check(SecurityDutyKind.ManagementSystem, "management-system", start.AddMonths(SecurityDutyPeriods.YearlyMonths), "management-system");
        }
        else
        {
            Check(SecurityDutyKind.ManagementSystemReview, "management-system", system.LastReviewedOn.AddMonths(SecurityDutyPeriods.YearlyMonths), "management-system-review");
        }

        // M5.5.1: every active staff member trained at least once per training interval.
        foreach (var staff in snapshot.Staff.Where(IsActive).OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            var lastTrained = snapshot.Trainings.Where(t => t.StaffIds.Contains(staff.Id)).Select(t => (DateOnly?)t.HeldOn).Max();
            var registered = Time.ChinaTime.LegalDate(staff.CreatedAt);
            var from = lastTrained ?? (registered > start ? registered : start);
            Check(SecurityDutyKind.Training, staff.Id, from.AddMonths(periods.TrainingIntervalMonths), $"training-{staff.Id}");
        }

        // M5.5.2: periodic risk assessments and security checks; every finding rectified by its deadline.
        foreach (var kind in new[] { AssessmentKind.RiskAssessment, AssessmentKind.SecurityCheck })
        {
            var last = snapshot.Assessments.Where(a => a.Kind == kind).Select(a => (DateOnly?)a.ConductedOn).Max();
            var dutyKind = kind == AssessmentKind.RiskAssessment ? SecurityDutyKind.RiskAssessment : SecurityDutyKind.SecurityCheck;
            var name = kind == AssessmentKind.RiskAssessment ? "risk-assessment" : "security-check";
            Check(dutyKind, name, (last ?? start).AddMonths(periods.AssessmentIntervalMonths), name);
        }

        foreach (var assessment in snapshot.Assessments.OrderBy(a => a.Id, StringComparer.Ordinal))
        {
            foreach (var finding in assessment.Findings.Where(f => !f.Rectified))
            {
                Check(SecurityDutyKind.Finding, $"{assessment.Id}/findings/{finding.Number}", finding.RectifyBy, $"finding-{assessment.Id}-{finding.Number}");
            }
        }

        // M5.5.3: an emergency plan, drilled at least yearly.
        var plan = snapshot.Profile.EmergencyPlan;
        if (plan is null)
        {
            Check(SecurityDutyKind.EmergencyPlan, "emergency-plan", start.AddMonths(SecurityDutyPeriods.YearlyMonths), "emergency-plan");
        }
        else
        {
            Check(SecurityDutyKind.EmergencyDrill, "emergency-plan", (plan.LastDrillOn ?? plan.ApprovedOn).AddMonths(SecurityDutyPeriods.YearlyMonths), "emergency-drill");
        }

        return overdue;
    }

    /// <summary>The sweep escalates to the authority once the operator was told <paramref name="grace"/> (compressed) ago and the duty is still overdue.</summary>
    public static bool EscalationDue(SecurityDutyFlag flag, DateTimeOffset nowUtc, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(flag);
        return flag.EscalatedAt is null && nowUtc >= flag.NotifiedAt + grace;
    }

    /// <summary>A date a record says something happened on: not in the future (CST) and not before 2000.</summary>
    public static void RequirePastDate(Dictionary<string, string[]> errors, string field, DateOnly? date, DateOnly todayCst)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (date is null)
        {
            errors[field] = [$"{field} is required (yyyy-MM-dd, China Standard Time)."];
        }
        else if (date > todayCst || date.Value.Year < 2000)
        {
            errors[field] = [$"{field} cannot be in the future (today is {todayCst:yyyy-MM-dd} CST)."];
        }
    }

    public static string? RequireText(Dictionary<string, string[]> errors, string field, string? text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > maxLength)
        {
            errors[field] = [$"{field} is required and at most {maxLength} characters."];
            return null;
        }

        return trimmed;
    }

    public static void ThrowIfAny(Dictionary<string, string[]> errors, string what)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "security.invalid", $"The {what} has invalid fields.", errors);
        }
    }
}
