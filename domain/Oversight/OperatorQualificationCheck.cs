using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Time;

namespace Platform.Domain.Oversight;

/// <summary>The conditions of M3.5 as named on the wire (the fields of the qualification record).</summary>
public static class QualificationConditions
{
    public const string NoSecurityIncidentsLast3Years = "noSecurityIncidentsLast3Years";
    public const string CreditRecordClean = "creditRecordClean";
    public const string ExecutivesRecordClean = "executivesRecordClean";
    public const string PersonnelCompliant = "personnelCompliant";
    public const string Recorded = "qualification";
    public const string NotQualifiedCode = "organization.not_qualified";

    public const int IncidentYears = 3;

    /// <summary>
    /// M3.5: the conditions an operator does not meet today. A confirmed security incident makes "no incident in the last
    /// 3 years" false from its incident date until three years later, whatever the recorded facts say.
    /// </summary>
    public static IReadOnlyList<string> Unmet(OrganizationQualification? recorded, IEnumerable<SecurityIncident> incidents, DateOnly todayCst)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        if (recorded is null)
        {
            return [Recorded];
        }

        var unmet = new List<string>();
        var recentIncident = incidents.Any(i => i.Confirmation is not null && i.IncidentDate <= todayCst && todayCst < i.IncidentDate.AddYears(IncidentYears));
        if (!recorded.NoSecurityIncidentsLast3Years || recentIncident)
        {
            unmet.Add(NoSecurityIncidentsLast3Years);
        }

        if (!recorded.CreditRecordClean)
        {
            unmet.Add(CreditRecordClean);
        }

        if (!recorded.ExecutivesRecordClean)
        {
            unmet.Add(ExecutivesRecordClean);
        }

        if (!recorded.PersonnelCompliant)
        {
            unmet.Add(PersonnelCompliant);
        }

        return unmet;
    }
}

/// <summary>
/// M3.5 holds for the whole authorisation, not only at signing: the operator's qualification is re-checked when it submits
/// a scenario or a data request, with confirmed security incidents taken into account automatically.
/// </summary>
public sealed class OperatorQualificationCheck(IOrganizationStore organizations, IIncidentStore incidents, IClock clock, IEvaluationStore evaluations)
{
    /// <summary>Throws 422 <c>organization.not_qualified</c>, each error naming an unmet condition of M3.5.</summary>
    public async Task EnsureQualifiedAsync(string operatorId, CancellationToken cancellationToken = default)
    {
        var unmet = await UnmetAsync(operatorId, cancellationToken);
        if (unmet.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, QualificationConditions.NotQualifiedCode,
                $"The operator no longer meets the qualification conditions of M3.5: {string.Join(", ", unmet)}.",
                unmet.ToDictionary(c => c, Describe));
        }
    }

    /// <summary>The conditions of M3.5 the operator does not meet today (CST).</summary>
    public async Task<IReadOnlyList<string>> UnmetAsync(string operatorId, CancellationToken cancellationToken = default)
    {
        var organization = (await organizations.GetAsync(operatorId, cancellationToken))?.Value;
        var now = clock.UtcNow;
        // An incident of the last 3 years is reported after it occurred, so it was reported within the last 3 years too.
        var recent = await incidents.ListReportedBetweenAsync(operatorId, now.AddYears(-QualificationConditions.IncidentYears).AddDays(-1), now.AddMinutes(1), cancellationToken);
        return QualificationConditions.Unmet(organization?.Qualification, recent, ChinaTime.Today(clock));
    }

    /// <summary>M5.7: the fail evaluation that keeps the operator under re-examination, or null.</summary>
    public async Task<Reexamination?> ReexaminationAsync(string operatorId, CancellationToken cancellationToken = default)
        => ReexaminationRules.Pending(await evaluations.ListByOperatorAsync(operatorId, cancellationToken));

    private static string[] Describe(string condition) => condition switch
    {
        QualificationConditions.NoSecurityIncidentsLast3Years => ["A network or data security incident occurred in the last 3 years (M3.5)."],
        QualificationConditions.CreditRecordClean => ["The credit record is not clean (M3.5)."],
        QualificationConditions.ExecutivesRecordClean => ["The legal representative's or executives' record is not clean (M3.5)."],
        QualificationConditions.PersonnelCompliant => ["The personnel are not compliant (M3.5)."],
        _ => ["No qualification is on record (M3.5)."],
    };
}
