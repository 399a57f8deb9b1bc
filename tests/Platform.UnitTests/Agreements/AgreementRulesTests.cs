using Platform.Domain.Agreements;
using Platform.Domain.Errors;
using Xunit;

namespace Platform.UnitTests.Agreements;

public sealed class AgreementRulesTests
{
    private static readonly DateTimeOffset SignedAt = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero); // 10:00 CST

    [Theory]
    [InlineData("2026-01-01", "2031-01-01", true)]
    [InlineData("2026-01-01", "2031-01-02", false)]
    [InlineData("2028-02-29", "2033-02-28", true)]
    [InlineData("2028-02-29", "2033-03-01", false)]
    [InlineData("2027-02-28", "2032-02-28", true)]
    [InlineData("2027-02-28", "2032-02-29", false)]
    [InlineData("2026-06-30", "2026-06-30", true)]
    public void ValidateTerm_EndDate_AllowsAtMostFiveCalendarYears(string startsOn, string endsOn, bool allowed)
    {
        var validate = () => AgreementRules.ValidateTerm(DateOnly.Parse(startsOn), DateOnly.Parse(endsOn));

        if (allowed)
        {
            validate();
        }
        else
        {
            var error = Assert.Throws<DomainException>(validate);
            Assert.Equal("agreement.term_exceeds_5_years", error.Code);
            Assert.Equal(FailureKind.Unprocessable, error.Kind);
            Assert.Contains("endsOn", error.Errors!.Keys);
        }
    }

    [Fact]
    public void ValidateTerm_EndBeforeStart_IsInvalid()
    {
        var error = Assert.Throws<DomainException>(() => AgreementRules.ValidateTerm(new DateOnly(2026, 5, 1), new DateOnly(2026, 4, 30)));

        Assert.Equal("agreement.invalid", error.Code);
    }

    [Fact]
    public void Milestones_TwoYearTerm_AreInLegalOrderWithCstBoundaries()
    {
        var milestones = AgreementRules.Milestones(SignedAt, new DateOnly(2028, 3, 1));

        Assert.Equal(
            [AgreementMilestoneKind.FilingDeadline, AgreementMilestoneKind.Reminder180, AgreementMilestoneKind.Reminder90, AgreementMilestoneKind.Reminder30, AgreementMilestoneKind.Expiry],
            milestones.Select(m => m.Kind).ToArray());
        var filing = milestones[0];
        Assert.Equal(new DateOnly(2026, 4, 2), filing.LegalDate);
        Assert.Equal(new DateTime(2026, 4, 2, 16, 0, 0, DateTimeKind.Utc), filing.DueUtc); // 24:00 CST on the due date
        Assert.Equal(new DateTime(2028, 3, 1, 16, 0, 0, DateTimeKind.Utc), milestones[^1].DueUtc); // 24:00 CST on 1 March 2028
        Assert.Equal(new DateOnly(2027, 9, 3), milestones[1].LegalDate); // 180 days before 2028-03-01
    }

    [Fact]
    public void Milestones_ShortTerm_LeavesOutRemindersAlreadyPast()
    {
        var milestones = AgreementRules.Milestones(SignedAt, new DateOnly(2026, 3, 20));

        Assert.Equal([AgreementMilestoneKind.Expiry, AgreementMilestoneKind.FilingDeadline], milestones.Select(m => m.Kind).ToArray());
    }

    [Fact]
    public void Apply_ReminderThenExpiry_MovesActiveToExpiringToExpiredOnce()
    {
        var agreement = NewAgreement();

        var expiring = AgreementRules.Apply(agreement, AgreementMilestoneKind.Reminder180, SignedAt.AddDays(10));
        var again = AgreementRules.Apply(expiring, AgreementMilestoneKind.Reminder180, SignedAt.AddDays(11));
        var expired = AgreementRules.Apply(expiring, AgreementMilestoneKind.Expiry, SignedAt.AddDays(20));

        Assert.Equal(AgreementStatus.Expiring, expiring.Status);
        Assert.Same(expiring, again);
        Assert.Equal(AgreementStatus.Expired, expired.Status);
        Assert.Equal([AgreementMilestoneKind.Reminder180, AgreementMilestoneKind.Expiry], expired.Milestones.Select(m => m.Kind).ToArray());
    }

    [Fact]
    public void Apply_FilingDeadlineWithoutFiling_SetsOverdue()
    {
        var unfiled = AgreementRules.Apply(NewAgreement(), AgreementMilestoneKind.FilingDeadline, SignedAt.AddMonths(1));
        var filed = AgreementRules.Apply(NewAgreement() with { Filing = new AgreementFiling("备案号-1", new DateOnly(2026, 3, 10), SignedAt, "a") }, AgreementMilestoneKind.FilingDeadline, SignedAt.AddMonths(1));

        Assert.True(unfiled.FilingOverdue);
        Assert.False(filed.FilingOverdue);
    }

    [Fact]
    public void Apply_TerminatedAgreement_IgnoresMilestones()
    {
        var terminated = NewAgreement() with { Status = AgreementStatus.Terminated };

        Assert.Same(terminated, AgreementRules.Apply(terminated, AgreementMilestoneKind.Reminder90, SignedAt));
    }

    [Fact]
    public void EnsureTerminable_BreachPastDeadlineUnrectified_AllowsBreachGround()
    {
        var breach = new Breach("brc-1", "未整改", new DateOnly(2026, 4, 1), SignedAt, "a");
        var agreement = NewAgreement() with { Breaches = [breach] };

        Assert.Throws<DomainException>(() => AgreementRules.EnsureTerminable(agreement, TerminationGround.BreachUnrectified, null, new DateOnly(2026, 4, 1)));
        AgreementRules.EnsureTerminable(agreement, TerminationGround.BreachUnrectified, null, new DateOnly(2026, 4, 2));
        var rectified = agreement with { Breaches = [breach with { RectifiedAt = SignedAt.AddDays(5) }] };
        var error = Assert.Throws<DomainException>(() => AgreementRules.EnsureTerminable(rectified, TerminationGround.BreachUnrectified, null, new DateOnly(2026, 4, 2)));
        Assert.Equal("agreement.termination_ground_not_met", error.Code);
    }

    [Fact]
    public void EnsureTerminable_ExpiredGroundBeforeEnd_IsRefusedAndEndedAgreementConflicts()
    {
        var agreement = NewAgreement();

        Assert.Equal("agreement.termination_ground_not_met",
            Assert.Throws<DomainException>(() => AgreementRules.EnsureTerminable(agreement, TerminationGround.Expired, null, agreement.EndsOn)).Code);
        Assert.Equal("agreement.not_active",
            Assert.Throws<DomainException>(() => AgreementRules.EnsureTerminable(agreement with { Status = AgreementStatus.Expired }, TerminationGround.Other, "x", agreement.EndsOn)).Code);
        Assert.Equal("agreement.invalid",
            Assert.Throws<DomainException>(() => AgreementRules.EnsureTerminable(agreement, TerminationGround.Sanctioned, " ", agreement.EndsOn)).Code);
    }

    internal static Agreement NewAgreement() => new(
        "agr-1", "pln-1", "org-1", SelectionMethod.PublicTender, "决策记录", new DateOnly(2026, 3, 2), new DateOnly(2028, 3, 1), SignedAt,
        AgreementStatus.Active, AgreementRules.FilingDueOn(SignedAt), null, false, [], [], null, null, "authority-1");
}
