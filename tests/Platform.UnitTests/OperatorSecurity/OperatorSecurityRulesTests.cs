using Platform.Domain.Errors;
using Platform.Domain.OperatorSecurity;
using Platform.Domain.Personnel;
using Xunit;

namespace Platform.UnitTests.OperatorSecurity;

public sealed class OperatorSecurityRulesTests
{
    private static readonly DateOnly Start = new(2025, 1, 10);
    private static readonly DateTimeOffset At = new(2025, 1, 10, 2, 0, 0, TimeSpan.Zero);

    private static StaffMember Staff(string id, FilingState state = FilingState.Filed, DateTimeOffset? createdAt = null)
        => new(id, "org-op", "张三", "hash", "420***********123X", true, state, null, null, createdAt ?? At, "op");

    private static SecuritySnapshot Snapshot(
        SecurityProfile? profile = null, IReadOnlyList<TrainingSession>? trainings = null, IReadOnlyList<SecurityAssessment>? assessments = null, IReadOnlyList<StaffMember>? staff = null, DateOnly? start = null)
        => new("org-op", start ?? Start, profile ?? SecurityProfile.Empty("org-op"), trainings ?? [], assessments ?? [], staff ?? []);

    private static SecurityProfile FullProfile(DateOnly reviewedOn, DateOnly drilledOn) => new(
        "org-op",
        new ManagementSystemRecord("v1", "制度-1", Start, At, "op", [new ManagementSystemReview(reviewedOn, "有效", At, "op")]),
        new EmergencyPlanRecord("v1", "预案-1", Start, At, "op", [new EmergencyDrill(drilledOn, "勒索病毒", At, "op")]));

    private static SecurityAssessment Assessment(string id, AssessmentKind kind, DateOnly on, params SecurityFinding[] findings)
        => new(id, "org-op", kind, on, "第三方机构", "总体可控", findings, At, "op");

    [Fact]
    public void Overdue_NoLiveAgreement_NoDuties()
    {
        var overdue = OperatorSecurityRules.Overdue(Snapshot() with { DutyStart = null }, new DateOnly(2030, 1, 1), SecurityDutyPeriods.Default);

        Assert.Empty(overdue);
    }

    [Fact]
    public void Overdue_NothingRecordedOnTheFirstAnniversary_NothingOverdueYet()
    {
        var overdue = OperatorSecurityRules.Overdue(Snapshot(staff: [Staff("stf-1")]), Start.AddYears(1), SecurityDutyPeriods.Default);

        Assert.Empty(overdue);
    }

    [Fact]
    public void Overdue_NothingRecordedTheDayAfterTheAnniversary_EveryYearlyDutyAndTheStaffTrainingOverdue()
    {
        var overdue = OperatorSecurityRules.Overdue(Snapshot(staff: [Staff("stf-1")]), Start.AddYears(1).AddDays(1), SecurityDutyPeriods.Default);

        Assert.Equal(
            [SecurityDutyKind.ManagementSystem, SecurityDutyKind.Training, SecurityDutyKind.RiskAssessment, SecurityDutyKind.SecurityCheck, SecurityDutyKind.EmergencyPlan],
            overdue.Select(d => d.Kind));
        Assert.All(overdue, d => Assert.Equal(Start.AddYears(1), d.DueOn));
        Assert.Equal("training-stf-1-20260110", overdue.Single(d => d.Kind == SecurityDutyKind.Training).Key);
    }

    [Fact]
    public void Overdue_StaffTrainedWithinTheInterval_OnlyTheUntrainedOneOverdue()
    {
        var today = new DateOnly(2026, 6, 1);
        var trainings = new[] { new TrainingSession("trn-1", "org-op", new DateOnly(2026, 3, 1), "数据分类分级", ["stf-1"], At, "op") };

        var overdue = OperatorSecurityRules.Overdue(
            Snapshot(FullProfile(today, today), trainings, [Assessment("asm-1", AssessmentKind.RiskAssessment, today), Assessment("asm-2", AssessmentKind.SecurityCheck, today)], [Staff("stf-1"), Staff("stf-2")]),
            today, SecurityDutyPeriods.Default);

        var duty = Assert.Single(overdue);
        Assert.Equal((SecurityDutyKind.Training, "stf-2"), (duty.Kind, duty.Subject));
    }

    [Fact]
    public void Overdue_StaffNotFiled_NotRequiredToBeTrained()
    {
        var today = new DateOnly(2026, 6, 1);

        var overdue = OperatorSecurityRules.Overdue(
            Snapshot(FullProfile(today, today), [], [Assessment("asm-1", AssessmentKind.RiskAssessment, today), Assessment("asm-2", AssessmentKind.SecurityCheck, today)], [Staff("stf-1", FilingState.Pending), Staff("stf-2", FilingState.Rejected)]),
            today, SecurityDutyPeriods.Default);

        Assert.Empty(overdue);
    }

    [Fact]
    public void Overdue_StaffRegisteredAfterTheStart_DueOneIntervalAfterRegistration()
    {
        var registered = new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);
        var snapshot = Snapshot(staff: [Staff("stf-new", createdAt: registered)]);

        var dueDay = OperatorSecurityRules.Overdue(snapshot, new DateOnly(2026, 9, 1), new SecurityDutyPeriods(6, 12));
        var dayAfter = OperatorSecurityRules.Overdue(snapshot, new DateOnly(2026, 9, 2), new SecurityDutyPeriods(6, 12));

        Assert.DoesNotContain(dueDay, d => d.Kind == SecurityDutyKind.Training);
        Assert.Equal(new DateOnly(2026, 9, 1), Assert.Single(dayAfter, d => d.Kind == SecurityDutyKind.Training).DueOn);
    }

    [Fact]
    public void Overdue_DrillAndReviewMoreThanAYearAgo_DrillAndReviewOverdue()
    {
        var today = new DateOnly(2027, 3, 1);
        var profile = FullProfile(new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 27));

        var overdue = OperatorSecurityRules.Overdue(
            Snapshot(profile, [], [Assessment("asm-1", AssessmentKind.RiskAssessment, today), Assessment("asm-2", AssessmentKind.SecurityCheck, today)]), today, SecurityDutyPeriods.Default);

        Assert.Equal([(SecurityDutyKind.ManagementSystemReview, new DateOnly(2027, 2, 1)), (SecurityDutyKind.EmergencyDrill, new DateOnly(2027, 2, 27))], overdue.Select(d => (d.Kind, d.DueOn)));
    }

    [Fact]
    public void Overdue_FindingPastItsDeadlineUnrectified_OverdueUntilRectified()
    {
        var today = new DateOnly(2026, 6, 1);
        var open = new SecurityFinding(1, "弱口令", new DateOnly(2026, 5, 31));
        var rectified = new SecurityFinding(2, "日志缺失", new DateOnly(2026, 5, 1), At, "已整改");
        var assessments = new[] { Assessment("asm-1", AssessmentKind.RiskAssessment, new DateOnly(2026, 5, 1), open, rectified), Assessment("asm-2", AssessmentKind.SecurityCheck, today) };

        var overdue = OperatorSecurityRules.Overdue(Snapshot(FullProfile(today, today), [], assessments), today, SecurityDutyPeriods.Default);
        var after = OperatorSecurityRules.Overdue(
            Snapshot(FullProfile(today, today), [], [assessments[0] with { Findings = [open with { RectifiedAt = At }, rectified] }, assessments[1]]), today, SecurityDutyPeriods.Default);

        Assert.Equal("finding-asm-1-1-20260531", Assert.Single(overdue).Key);
        Assert.Empty(after);
    }

    [Fact]
    public void Overdue_AssessmentIntervalSetting_DueAfterTheConfiguredMonths()
    {
        var today = new DateOnly(2026, 8, 2);
        var assessments = new[] { Assessment("asm-1", AssessmentKind.RiskAssessment, new DateOnly(2026, 2, 1)), Assessment("asm-2", AssessmentKind.SecurityCheck, new DateOnly(2026, 8, 1)) };

        var overdue = OperatorSecurityRules.Overdue(Snapshot(FullProfile(today, today), [], assessments), today, new SecurityDutyPeriods(12, 6));

        Assert.Equal((SecurityDutyKind.RiskAssessment, new DateOnly(2026, 8, 1)), (Assert.Single(overdue).Kind, overdue[0].DueOn));
    }

    [Fact]
    public void EscalationDue_BeforeAndAfterTheGrace_OnlyAfterAndOnlyOnce()
    {
        var flag = new SecurityDutyFlag("org-op", "training-stf-1-20260110", At, null);

        Assert.False(OperatorSecurityRules.EscalationDue(flag, At.AddDays(7).AddSeconds(-1), TimeSpan.FromDays(7)));
        Assert.True(OperatorSecurityRules.EscalationDue(flag, At.AddDays(7), TimeSpan.FromDays(7)));
        Assert.False(OperatorSecurityRules.EscalationDue(flag with { EscalatedAt = At.AddDays(7) }, At.AddDays(8), TimeSpan.FromDays(7)));
    }

    [Fact]
    public void RequirePastDate_FutureOrMissing_NamesTheField()
    {
        var errors = new Dictionary<string, string[]>();

        OperatorSecurityRules.RequirePastDate(errors, "heldOn", new DateOnly(2026, 6, 2), new DateOnly(2026, 6, 1));
        OperatorSecurityRules.RequirePastDate(errors, "drilledOn", null, new DateOnly(2026, 6, 1));
        OperatorSecurityRules.RequirePastDate(errors, "approvedOn", new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 1));

        Assert.Equal(["drilledOn", "heldOn"], errors.Keys.Order(StringComparer.Ordinal));
        var thrown = Assert.Throws<DomainException>(() => OperatorSecurityRules.ThrowIfAny(errors, "training session"));
        Assert.Equal("security.invalid", thrown.Code);
    }

    [Theory]
    [InlineData(0, 12, 7, "TrainingIntervalMonths")]
    [InlineData(13, 12, 7, "TrainingIntervalMonths")]
    [InlineData(12, 0, 7, "AssessmentIntervalMonths")]
    [InlineData(12, 12, -1, "EscalationGraceDays")]
    public void OptionsValidate_OutOfRange_NamesTheSetting(int training, int assessment, double grace, string setting)
    {
        var failures = new OperatorSecurityOptions { TrainingIntervalMonths = training, AssessmentIntervalMonths = assessment, EscalationGraceDays = grace }.Validate();

        Assert.Contains(failures, f => f.StartsWith($"OperatorSecurity:{setting}", StringComparison.Ordinal));
    }
}
