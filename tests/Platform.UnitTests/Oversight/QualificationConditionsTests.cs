using Platform.Domain.Organizations;
using Platform.Domain.Oversight;
using Xunit;

namespace Platform.UnitTests.Oversight;

public sealed class QualificationConditionsTests
{
    private static readonly OrganizationQualification Clean = new(true, true, true, true, "核查报告", DateTimeOffset.UnixEpoch, "authority");

    private static SecurityIncident Incident(DateOnly occurredOnCst, bool confirmed) => new(
        "inc-1", "org-op", IncidentKind.Leak, "数据泄露", new DateTimeOffset(occurredOnCst.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(8)),
        DateTimeOffset.UnixEpoch, "op-user", [], null, confirmed ? new IncidentConfirmation("属实", DateTimeOffset.UnixEpoch, "authority") : null);

    [Fact]
    public void Unmet_ConfirmedIncident_NoIncidentConditionFalseForThreeYearsFromTheIncidentDate()
    {
        var incident = Incident(new DateOnly(2026, 3, 10), confirmed: true);

        Assert.Empty(QualificationConditions.Unmet(Clean, [incident], new DateOnly(2026, 3, 9)));
        Assert.Equal([QualificationConditions.NoSecurityIncidentsLast3Years], QualificationConditions.Unmet(Clean, [incident], new DateOnly(2026, 3, 10)));
        Assert.Equal([QualificationConditions.NoSecurityIncidentsLast3Years], QualificationConditions.Unmet(Clean, [incident], new DateOnly(2029, 3, 9)));
        Assert.Empty(QualificationConditions.Unmet(Clean, [incident], new DateOnly(2029, 3, 10)));
    }

    [Fact]
    public void Unmet_UnconfirmedIncident_CountsForNothing()
        => Assert.Empty(QualificationConditions.Unmet(Clean, [Incident(new DateOnly(2026, 3, 10), confirmed: false)], new DateOnly(2026, 6, 1)));

    [Fact]
    public void Unmet_RecordedFactsAndNoRecord_NameEachUnmetCondition()
    {
        Assert.Equal([QualificationConditions.Recorded], QualificationConditions.Unmet(null, [], new DateOnly(2026, 6, 1)));
        Assert.Equal(
            [QualificationConditions.CreditRecordClean, QualificationConditions.PersonnelCompliant],
            QualificationConditions.Unmet(Clean with { CreditRecordClean = false, PersonnelCompliant = false }, [], new DateOnly(2026, 6, 1)));
    }
}
