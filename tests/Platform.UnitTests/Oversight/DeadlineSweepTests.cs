using Moq;
using Platform.Domain.Disclosure;
using Platform.Domain.Notifications;
using Platform.Domain.Oversight;
using Platform.UnitTests.Personnel;
using Xunit;
using static Platform.UnitTests.Oversight.OversightTestData;

namespace Platform.UnitTests.Oversight;

public sealed class DeadlineSweepTests
{
    [Fact]
    public async Task RunAsync_MiddleStepThrows_OtherStepsStillRunAndTheFailureIsReportedAndAudited()
    {
        var first = Step("first", 2);
        var failing = new Mock<IDeadlineSweepStep>();
        failing.SetupGet(s => s.Name).Returns("failing");
        failing.Setup(s => s.SweepAsync(It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("table unavailable"));
        var last = Step("last", 1);
        var audit = new RecordingAuditTrail();
        var sweep = new DeadlineSweep([first.Object, failing.Object, last.Object], audit, new FixedClock(Now));

        var (summary, failures) = await sweep.RunAsync();

        last.Verify(s => s.SweepAsync(Now, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(["first", "failing", "last"], summary.Steps.Select(s => s.Step));
        Assert.Equal((3, false), (summary.Flagged, summary.AllSucceeded));
        Assert.Contains("table unavailable", summary.Steps[1].Error, StringComparison.Ordinal);
        Assert.Equal("failing", Assert.Single(failures).Step);
        var record = Assert.Single(audit.Records);
        Assert.Equal(("oversight.deadline_swept", "oversight/deadline-sweep/2026-11-27"), (record.Action, record.Target));
    }

    [Fact]
    public async Task FlagOnceAsync_AlreadyMarked_NothingSent()
    {
        var marks = new InMemorySweepMarks();
        marks.Marks.Add(("filing-overdue", "plan-1"));
        var outbox = new Mock<INotificationOutbox>();

        var flagged = await new SweepFlags(marks, outbox.Object).FlagOnceAsync("filing-overdue", "plan-1", Message("plan-1-filing-overdue"));

        Assert.False(flagged);
        outbox.Verify(o => o.SendAsync(It.IsAny<Notification>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task FlagOnceAsync_SameItemOfAnotherStep_FlaggedSeparately()
    {
        var marks = new InMemorySweepMarks();
        marks.Marks.Add(("evaluation-overdue", "agr-1"));
        var outbox = new Mock<INotificationOutbox>();

        var flagged = await new SweepFlags(marks, outbox.Object).FlagOnceAsync("filing-overdue", "agr-1", Message("agr-1-filing-overdue"));

        Assert.True(flagged);
        outbox.Verify(o => o.SendAsync(It.Is<Notification>(n => n.Id == "agr-1-filing-overdue"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData("0 0 17 * * *", "03-31", 0)]
    [InlineData("0 17 * * *", "03-31", 1)]
    [InlineData("0 0 17 * * *", "02-29", 1)]
    [InlineData("0 0 17 * * *", "3-31", 1)]
    [InlineData("", "13-01", 2)]
    public void DeadlineSweepOptions_Validate_EachProblemNamesItsSetting(string schedule, string dueMonthDay, int problems)
    {
        var failures = new DeadlineSweepOptions { DeadlineSweepSchedule = schedule, EvaluationDueMonthDay = dueMonthDay }.Validate();

        Assert.Equal(problems, failures.Count);
        Assert.All(failures, f => Assert.StartsWith("Oversight:", f, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0 0 1 1-31 3 *", "disclosure-snapshots", 0)]
    [InlineData("0 0 1 1 3", "disclosure-snapshots", 1)]
    [InlineData("0 0 1 1-31 3 *", "Disclosure_Snapshots", 1)]
    [InlineData("0 0 1 1-31 3 *", "a--b", 1)]
    public void DisclosureSnapshotOptions_Validate_EachProblemNamesItsSetting(string schedule, string container, int problems)
    {
        var failures = new DisclosureSnapshotOptions { SnapshotSchedule = schedule, SnapshotContainer = container }.Validate();

        Assert.Equal(problems, failures.Count);
        Assert.All(failures, f => Assert.StartsWith("Disclosure:", f, StringComparison.Ordinal));
    }

    private static Mock<IDeadlineSweepStep> Step(string name, int flagged)
    {
        var step = new Mock<IDeadlineSweepStep>();
        step.SetupGet(s => s.Name).Returns(name);
        step.Setup(s => s.SweepAsync(It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(flagged);
        return step;
    }

    private static Notification Message(string id) => new(id, Recipient.Role("authority"), "filing", "备案逾期", "正文", null, "plans/plan-1", Now);
}
