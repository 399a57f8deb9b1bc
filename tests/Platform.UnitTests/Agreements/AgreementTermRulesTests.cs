using Platform.Domain.Agreements;
using Platform.Domain.Errors;
using Xunit;

namespace Platform.UnitTests.Agreements;

/// <summary>The term of an agreement (issue 15 item 2, M3.4, M5.6): signed before its start, in force only while active or expiring.</summary>
public sealed class AgreementTermRulesTests
{
    private static readonly DateTimeOffset EnteredAt = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero); // 10:00 CST, 2 March 2026

    [Theory]
    [InlineData("2026-03-03", AgreementStatus.Signed)]
    [InlineData("2026-03-02", AgreementStatus.Active)]
    [InlineData("2026-01-01", AgreementStatus.Active)]
    public void InitialStatus_StartDate_SignedUntilTheTermBegins(string startsOn, AgreementStatus expected)
        => Assert.Equal(expected, AgreementRules.InitialStatus(DateOnly.Parse(startsOn), new DateOnly(2026, 3, 2)));

    [Fact]
    public void Milestones_StartNextMonth_StartComesFirstAtMidnightCst()
    {
        var milestones = AgreementRules.Milestones(EnteredAt, new DateOnly(2026, 3, 2), new DateOnly(2026, 4, 1), new DateOnly(2027, 3, 31));

        var start = milestones[0];
        Assert.Equal(AgreementMilestoneKind.Start, start.Kind);
        Assert.Equal(new DateTime(2026, 3, 31, 16, 0, 0, DateTimeKind.Utc), start.DueUtc); // 00:00 CST on 1 April
        Assert.Equal(new DateOnly(2026, 4, 1), start.LegalDate);
        Assert.Single(milestones, m => m.Kind == AgreementMilestoneKind.Start);
    }

    [Fact]
    public void Milestones_StartToday_HasNoStart()
    {
        var milestones = AgreementRules.Milestones(EnteredAt, new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 2), new DateOnly(2027, 3, 1));

        Assert.DoesNotContain(milestones, m => m.Kind == AgreementMilestoneKind.Start);
    }

    [Fact]
    public void Milestones_SignedEarlier_FilingDeadlineCountsFromSignedOnAndFiresEvenIfPast()
    {
        var milestones = AgreementRules.Milestones(EnteredAt, new DateOnly(2026, 1, 10), new DateOnly(2026, 3, 2), new DateOnly(2027, 3, 1));

        var filing = Assert.Single(milestones, m => m.Kind == AgreementMilestoneKind.FilingDeadline);
        Assert.Equal(new DateOnly(2026, 2, 10), filing.LegalDate);
        Assert.Equal(AgreementMilestoneKind.FilingDeadline, milestones[0].Kind);
        Assert.Equal(new DateOnly(2026, 2, 10), AgreementRules.FilingDueOn(new DateOnly(2026, 1, 10)));
    }

    [Fact]
    public void Apply_StartOnSignedAgreement_BecomesActiveOnce()
    {
        var signed = Signed();

        var active = AgreementRules.Apply(signed, AgreementMilestoneKind.Start, EnteredAt.AddDays(30));

        Assert.Equal(AgreementStatus.Active, active.Status);
        Assert.Same(active, AgreementRules.Apply(active, AgreementMilestoneKind.Start, EnteredAt.AddDays(31)));
        Assert.Equal(new DateOnly(2026, 4, 1), Assert.Single(active.Milestones).LegalDate);
    }

    [Fact]
    public void Apply_ReminderBeforeStart_StaysSignedThenStartsExpiring()
    {
        var signed = Signed();

        var reminded = AgreementRules.Apply(signed, AgreementMilestoneKind.Reminder180, EnteredAt.AddDays(10));
        var started = AgreementRules.Apply(reminded, AgreementMilestoneKind.Start, EnteredAt.AddDays(30));
        var overdue = AgreementRules.Apply(signed, AgreementMilestoneKind.FilingDeadline, EnteredAt.AddMonths(1));

        Assert.Equal(AgreementStatus.Signed, reminded.Status);
        Assert.Equal(AgreementStatus.Expiring, started.Status);
        Assert.Equal((AgreementStatus.Signed, true), (overdue.Status, overdue.FilingOverdue));
    }

    [Theory]
    [InlineData(AgreementStatus.Signed)]
    [InlineData(AgreementStatus.Expired)]
    [InlineData(AgreementStatus.Terminated)]
    public void EnsureInForce_NotActiveOrExpiring_409NotInForceWithTheDates(AgreementStatus status)
    {
        var error = Assert.Throws<DomainException>(() => AgreementRules.EnsureInForce(Signed() with { Status = status }));

        Assert.Equal((FailureKind.Conflict, "agreement.not_in_force"), (error.Kind, error.Code));
        Assert.Equal(["2026-04-01"], error.Errors!["startsOn"]);
        Assert.Equal(["2027-03-31"], error.Errors["endsOn"]);
        Assert.Equal(["2026-03-02"], error.Errors["signedOn"]);
        Assert.Equal([AgreementRules.Wire(status)], error.Errors["status"]);
    }

    [Theory]
    [InlineData(AgreementStatus.Active)]
    [InlineData(AgreementStatus.Expiring)]
    public void EnsureInForce_ActiveOrExpiring_Passes(AgreementStatus status)
        => AgreementRules.EnsureInForce(Signed() with { Status = status });

    [Theory]
    [InlineData("2026-03-01", false)]
    [InlineData("2026-03-02", true)]
    [InlineData("2026-03-20", true)]
    [InlineData("2026-03-21", false)]
    public void ValidateFiledOn_BetweenSigningAndToday_OnlyThenAccepted(string filedOn, bool accepted)
    {
        var attempt = Record.Exception(() => AgreementRules.ValidateFiledOn(Signed(), DateOnly.Parse(filedOn), new DateOnly(2026, 3, 20)));

        if (accepted)
        {
            Assert.Null(attempt);
        }
        else
        {
            var error = Assert.IsType<DomainException>(attempt);
            Assert.Equal(("agreement.invalid", FailureKind.Unprocessable), (error.Code, error.Kind));
            Assert.True(error.Errors!.ContainsKey("filedOn"));
        }
    }

    [Fact]
    public void ValidateSigning_FutureOrAfterTheEnd_Is422OnSignedOn()
    {
        var future = Assert.Throws<DomainException>(() => AgreementRules.ValidateSigning(new DateOnly(2026, 3, 3), new DateOnly(2027, 1, 1), new DateOnly(2026, 3, 2)));
        var afterEnd = Assert.Throws<DomainException>(() => AgreementRules.ValidateSigning(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 2)));

        Assert.Equal(["signedOn"], future.Errors!.Keys);
        Assert.Equal(["signedOn"], afterEnd.Errors!.Keys);
        AgreementRules.ValidateSigning(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 2));
    }

    [Fact]
    public void EnsureTerminable_SignedAgreement_MayBeEndedBeforeItsTermBegins()
        => AgreementRules.EnsureTerminable(Signed(), TerminationGround.Other, "双方协商解除", new DateOnly(2026, 3, 10));

    [Fact]
    public void SigningDate_OlderRecordWithoutSignedOn_IsTheDayItWasEntered()
    {
        var older = AgreementRulesTests.NewAgreement();

        Assert.Null(older.SignedOn);
        Assert.Equal(new DateOnly(2026, 3, 2), older.SigningDate);
    }

    private static Agreement Signed() => new Agreement(
        "agr-1", "pln-1", "org-1", SelectionMethod.PublicTender, "决策记录", new DateOnly(2026, 4, 1), new DateOnly(2027, 3, 31), EnteredAt,
        AgreementStatus.Signed, new DateOnly(2026, 4, 2), null, false, [], [], null, null, "authority-1")
    {
        SignedOn = new DateOnly(2026, 3, 2),
    };
}
