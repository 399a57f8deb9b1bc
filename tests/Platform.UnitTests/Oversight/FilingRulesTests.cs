using Moq;
using Platform.Domain.Agreements;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Oversight;
using Platform.Domain.Plans;
using Platform.UnitTests.Personnel;
using Xunit;
using static Platform.UnitTests.Oversight.OversightTestData;

namespace Platform.UnitTests.Oversight;

public sealed class FilingRulesTests
{
    [Theory]
    [InlineData("2026-01-31", "2026-02-28")]
    [InlineData("2028-01-31", "2028-02-29")]
    [InlineData("2026-03-31", "2026-04-30")]
    [InlineData("2026-12-15", "2027-01-15")]
    [InlineData("2026-02-28", "2026-03-28")]
    public void OfPlan_ApprovedOn_DueOneCalendarMonthLaterOrTheMonthsLastDay(string approvedOn, string expectedDue)
    {
        var status = FilingRules.OfPlan(ApprovedPlan("plan-1", DateOnly.Parse(approvedOn)), DateOnly.Parse(approvedOn));

        Assert.Equal(DateOnly.Parse(expectedDue), status.FilingDueOn);
        Assert.False(status.Overdue);
    }

    [Fact]
    public void OfPlan_UnfiledOnTheDueDate_NotYetOverdue()
    {
        var status = FilingRules.OfPlan(ApprovedPlan("plan-1", new DateOnly(2026, 1, 31)), new DateOnly(2026, 2, 28));

        Assert.Equal((false, 0), (status.Overdue, status.DaysOverdue));
    }

    [Fact]
    public void OfPlan_UnfiledTheDayAfterTheDueDate_OverdueByOneDay()
    {
        var status = FilingRules.OfPlan(ApprovedPlan("plan-1", new DateOnly(2026, 1, 31)), new DateOnly(2026, 3, 1));

        Assert.Equal((true, false, 1), (status.Overdue, status.FiledLate, status.DaysOverdue));
    }

    [Fact]
    public void OfPlan_FiledAfterTheDueDate_NotOverdueButFiledLate()
    {
        var status = FilingRules.OfPlan(ApprovedPlan("plan-1", new DateOnly(2026, 1, 10), filedOn: new DateOnly(2026, 2, 15)), new DateOnly(2026, 6, 1));

        Assert.Equal((false, true, 5, new DateOnly(2026, 2, 15)), (status.Overdue, status.FiledLate, status.DaysOverdue, status.FiledOn));
    }

    [Fact]
    public void OfAgreement_SignedLateEveningUtcOnJan31_MonthRunsFromTheChinaDateFeb1()
    {
        var signedAt = new DateTimeOffset(2026, 1, 31, 16, 30, 0, TimeSpan.Zero);

        var status = FilingRules.OfAgreement(SignedAgreement("agr-1", signedAt, new DateOnly(2026, 2, 1), new DateOnly(2028, 1, 31)), new DateOnly(2026, 3, 2));

        Assert.Equal((new DateOnly(2026, 2, 1), new DateOnly(2026, 3, 1), true), (status.DecidedOn, status.FilingDueOn, status.Overdue));
        Assert.Equal(FilingKind.Agreement, status.Kind);
    }

    [Fact]
    public async Task ListAsync_PlansThenAgreements_TokenMovesFromPlansToAgreementsAndFilterKeepsOnlyOverdue()
    {
        var clock = new FixedClock(Now);
        var service = new FilingOversightService(
            PlanStore(ApprovedPlan("plan-late", new DateOnly(2026, 8, 1)), ApprovedPlan("plan-new", new DateOnly(2026, 11, 20))).Object,
            AgreementStore(SignedAgreement("agr-1", Now, new DateOnly(2026, 12, 1), new DateOnly(2028, 1, 1))).Object,
            clock);

        var (plans, afterPlans) = await service.ListAsync(overdueOnly: true, 50, null);
        var (agreements, afterAgreements) = await service.ListAsync(overdueOnly: false, 50, afterPlans);

        Assert.Equal(["plan-late"], plans.Select(p => p.Id));
        Assert.Equal("a:", afterPlans);
        Assert.Equal(["agr-1"], agreements.Select(a => a.Id));
        Assert.Null(afterAgreements);
    }

    [Fact]
    public async Task ListAsync_ForeignToken_400InvalidPaging()
    {
        var service = new FilingOversightService(PlanStore().Object, AgreementStore().Object, new FixedClock(Now));

        var error = await Assert.ThrowsAsync<DomainException>(() => service.ListAsync(false, 50, "x:abc"));

        Assert.Equal((FailureKind.BadRequest, "request.invalid_paging"), (error.Kind, error.Code));
    }

    [Fact]
    public async Task FilingOverdueStep_OverduePlanAndAgreement_EachFlaggedOnceAndLifecycleReportedAgreementLeftAlone()
    {
        var signedLongAgo = Now.AddMonths(-3);
        var reported = new MilestoneRecord(AgreementMilestoneKind.FilingDeadline, new DateOnly(2026, 9, 27), signedLongAgo.AddMonths(1));
        var marks = new InMemorySweepMarks();
        var outbox = new Mock<INotificationOutbox>();
        var step = new FilingOverdueSweepStep(
            PlanStore(ApprovedPlan("plan-late", new DateOnly(2026, 8, 1)), ApprovedPlan("plan-filed", new DateOnly(2026, 8, 1), new DateOnly(2026, 8, 20))).Object,
            AgreementStore(
                SignedAgreement("agr-late", signedLongAgo, new DateOnly(2026, 9, 1), new DateOnly(2028, 1, 1)),
                SignedAgreement("agr-reported", signedLongAgo, new DateOnly(2026, 9, 1), new DateOnly(2028, 1, 1), milestones: [reported])).Object,
            new SweepFlags(marks, outbox.Object));

        var first = await step.SweepAsync(Now);
        var second = await step.SweepAsync(Now.AddDays(1));

        Assert.Equal((2, 0), (first, second));
        outbox.Verify(o => o.SendAsync(It.Is<Notification>(n => n.Id == "plan-late-filing-overdue" && n.Recipient == Recipient.Role("authority") && n.Target == "plans/plan-late"), It.IsAny<CancellationToken>()), Times.Once);
        outbox.Verify(o => o.SendAsync(It.Is<Notification>(n => n.Id == "agr-late-filing-overdue" && n.Target == "agreements/agr-late"), It.IsAny<CancellationToken>()), Times.Once);
        outbox.Verify(o => o.SendAsync(It.IsAny<Notification>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }
}

/// <summary>Sweep marks with the Table store's contract: the first mark of a key wins.</summary>
public sealed class InMemorySweepMarks : ISweepMarkStore
{
    public HashSet<(string Step, string Item)> Marks { get; } = [];

    public Task<bool> IsMarkedAsync(string step, string itemId, CancellationToken cancellationToken = default) => Task.FromResult(Marks.Contains((step, itemId)));

    public Task<bool> TryMarkAsync(string step, string itemId, DateTimeOffset markedAt, CancellationToken cancellationToken = default) => Task.FromResult(Marks.Add((step, itemId)));
}
