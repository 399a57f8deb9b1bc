using Moq;
using Platform.Domain.Agreements;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Oversight;
using Platform.Domain.Security;
using Platform.UnitTests.Personnel;
using Xunit;
using static Platform.UnitTests.Oversight.OversightTestData;

namespace Platform.UnitTests.Oversight;

public sealed class EvaluationTests
{
    private static readonly Caller Authority = new("authority-1", Roles.Authority, "org-authority");
    private static readonly Agreement Agreement = SignedAgreement("agr-1", Now.AddYears(-2), new DateOnly(2024, 6, 1), new DateOnly(2028, 5, 31));

    [Fact]
    public void Validate_ScoreAbove100AndNoDocument_422NamingBothFields()
    {
        var error = Assert.Throws<DomainException>(() => EvaluationRules.Validate(new NewEvaluation(2025, EvaluationGrade.Good, 101, null, " "), Agreement, new DateOnly(2026, 11, 27)));

        Assert.Equal((FailureKind.Unprocessable, "evaluation.invalid"), (error.Kind, error.Code));
        Assert.Equal(["documentRef", "score"], error.Errors!.Keys.Order());
    }

    [Theory]
    [InlineData(2023)]
    [InlineData(2027)]
    public void Validate_YearBeforeTheTermOrStillToCome_422YearOutsideTerm(int year)
    {
        var error = Assert.Throws<DomainException>(() => EvaluationRules.Validate(new NewEvaluation(year, EvaluationGrade.Pass, 60, null, "评估〔2026〕1号"), Agreement, new DateOnly(2026, 11, 27)));

        Assert.Equal("evaluation.year_outside_term", error.Code);
        Assert.Contains("year", error.Errors!.Keys);
    }

    [Fact]
    public void Validate_FirstYearOfTheTerm_Accepted()
    {
        var (comment, documentRef) = EvaluationRules.Validate(new NewEvaluation(2024, EvaluationGrade.Excellent, 95, "  运营规范  ", " 评估〔2025〕3号 "), Agreement, new DateOnly(2026, 11, 27));

        Assert.Equal(("运营规范", "评估〔2025〕3号"), (comment, documentRef));
    }

    [Theory]
    [InlineData("2027-03-31", null)]
    [InlineData("2027-04-01", 2026)]
    [InlineData("2027-01-01", null)]
    [InlineData("2026-12-31", 2025)]
    public void OverdueYear_AroundTheDueDate_PreviousYearOnlyAfterIt(string today, int? expected)
    {
        Assert.Equal(expected, EvaluationRules.OverdueYear(DateOnly.Parse(today), new MonthDay(3, 31)));
    }

    [Fact]
    public void ActiveDuring_TerminatedBeforeTheYearBegan_False()
    {
        var terminated = SignedAgreement("agr-2", Now.AddYears(-3), new DateOnly(2023, 1, 1), new DateOnly(2027, 12, 31),
            termination: new AgreementTermination(TerminationGround.Other, "违约", new DateTimeOffset(2024, 12, 30, 0, 0, 0, TimeSpan.Zero), "authority-1"));

        Assert.True(EvaluationRules.ActiveDuring(terminated, 2024));
        Assert.False(EvaluationRules.ActiveDuring(terminated, 2025));
        Assert.False(EvaluationRules.ActiveDuring(Agreement, 2023));
    }

    [Fact]
    public async Task RecordAsync_Valid_StoredAuditedAndOperatorNotified()
    {
        var store = new Mock<IEvaluationStore>();
        var outbox = new Mock<INotificationOutbox>();
        var audit = new RecordingAuditTrail();
        var service = new EvaluationService(AgreementStore(Agreement).Object, store.Object, audit, outbox.Object, new FixedClock(Now));

        var recorded = await service.RecordAsync("agr-1", new NewEvaluation(2025, EvaluationGrade.Good, 86, "良好", "评估〔2026〕5号"), Authority);

        Assert.Equal(("org-op-1", 2025, EvaluationGrade.Good, 86, "authority-1"), (recorded.OperatorId, recorded.Year, recorded.Grade, recorded.Score, recorded.RecordedBy));
        store.Verify(s => s.AddAsync(recorded, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(("evaluation.recorded", "agreements/agr-1/evaluations/2025"), (audit.Records.Single().Action, audit.Records.Single().Target));
        outbox.Verify(o => o.SendAsync(It.Is<Notification>(n => n.Recipient == Recipient.Organization("org-op-1") && n.Body.Contains("良好", StringComparison.Ordinal)), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RecordAsync_YearAlreadyEvaluated_409AndNothingAudited()
    {
        var store = new Mock<IEvaluationStore>();
        store.Setup(s => s.AddAsync(It.IsAny<OperatorEvaluation>(), It.IsAny<CancellationToken>())).ThrowsAsync(EvaluationRules.AlreadyRecorded("agr-1", 2025));
        var audit = new RecordingAuditTrail();
        var service = new EvaluationService(AgreementStore(Agreement).Object, store.Object, audit, Mock.Of<INotificationOutbox>(), new FixedClock(Now));

        var error = await Assert.ThrowsAsync<DomainException>(() => service.RecordAsync("agr-1", new NewEvaluation(2025, EvaluationGrade.Pass, 70, null, "评估〔2026〕6号"), Authority));

        Assert.Equal((FailureKind.Conflict, "evaluation.already_recorded"), (error.Kind, error.Code));
        Assert.Empty(audit.Records);
    }

    [Fact]
    public async Task RecordAsync_UnknownAgreement_404()
    {
        var service = new EvaluationService(AgreementStore().Object, Mock.Of<IEvaluationStore>(), new RecordingAuditTrail(), Mock.Of<INotificationOutbox>(), new FixedClock(Now));

        var error = await Assert.ThrowsAsync<DomainException>(() => service.RecordAsync("agr-x", new NewEvaluation(2025, EvaluationGrade.Pass, 70, null, "评估"), Authority));

        Assert.Equal((FailureKind.NotFound, "agreement.not_found"), (error.Kind, error.Code));
    }

    [Fact]
    public async Task EvaluationOverdueStep_AfterDueDate_FlagsOnlyAgreementsOfThePreviousYearWithoutEvaluation()
    {
        var evaluated = SignedAgreement("agr-evaluated", Now.AddYears(-2), new DateOnly(2024, 1, 1), new DateOnly(2028, 1, 1));
        var missing = SignedAgreement("agr-missing", Now.AddYears(-2), new DateOnly(2025, 6, 1), new DateOnly(2028, 1, 1));
        var startedThisYear = SignedAgreement("agr-new", Now, new DateOnly(2026, 2, 1), new DateOnly(2028, 1, 1));
        var store = new Mock<IEvaluationStore>();
        store.Setup(s => s.GetAsync("agr-evaluated", 2025, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new OperatorEvaluation("agr-evaluated", "org-op-1", 2025, EvaluationGrade.Good, 80, null, "评估", Now, "authority-1"));
        var outbox = new Mock<INotificationOutbox>();
        var step = new EvaluationOverdueSweepStep(AgreementStore(evaluated, missing, startedThisYear).Object, store.Object,
            new SweepFlags(new InMemorySweepMarks(), outbox.Object), new EvaluationDeadline(new MonthDay(3, 31)));

        var beforeDue = await step.SweepAsync(new DateTimeOffset(2026, 3, 31, 15, 59, 0, TimeSpan.Zero));
        var afterDue = await step.SweepAsync(new DateTimeOffset(2026, 3, 31, 16, 0, 0, TimeSpan.Zero));
        var again = await step.SweepAsync(new DateTimeOffset(2026, 4, 2, 16, 0, 0, TimeSpan.Zero));

        Assert.Equal((0, 1, 0), (beforeDue, afterDue, again));
        outbox.Verify(o => o.SendAsync(It.Is<Notification>(n => n.Id == "agr-missing-2025-evaluation-overdue" && n.Recipient == Recipient.Role(Roles.Authority)), It.IsAny<CancellationToken>()), Times.Once);
        outbox.Verify(o => o.SendAsync(It.IsAny<Notification>(), It.IsAny<CancellationToken>()), Times.Once);
    }
}
