using Microsoft.DurableTask;
using Moq;
using Platform.Domain.Agreements;
using Platform.Orchestrations.Agreements;
using Xunit;

namespace Platform.UnitTests.Agreements;

public sealed class AgreementLifecycleOrchestratorTests
{
    private static readonly DateTime Anchor = new(2026, 3, 2, 2, 0, 0, DateTimeKind.Utc);

    private static readonly AgreementMilestone[] Milestones =
    [
        new(AgreementMilestoneKind.FilingDeadline, Anchor.AddDays(31), new DateOnly(2026, 4, 2)),
        new(AgreementMilestoneKind.Reminder180, Anchor.AddDays(300), new DateOnly(2026, 12, 27)),
        new(AgreementMilestoneKind.Expiry, Anchor.AddDays(480), new DateOnly(2027, 6, 25)),
    ];

    [Fact]
    public async Task Run_NoTermination_RecordsEveryMilestoneThenRevokesAsExpired()
    {
        var context = new Mock<TaskOrchestrationContext>(MockBehavior.Strict);
        var never = new TaskCompletionSource<AgreementTerminatedEvent>();
        context.Setup(c => c.WaitForExternalEvent<AgreementTerminatedEvent>(AgreementService.TerminatedEventName, It.IsAny<CancellationToken>())).Returns(never.Task);
        var timers = new List<DateTime>();
        context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>())).Callback((DateTime at, CancellationToken _) => timers.Add(at)).Returns(Task.CompletedTask);
        var recorded = new List<AgreementMilestoneKind>();
        context.Setup(c => c.CallActivityAsync<AgreementStatus>(new TaskName(nameof(RecordAgreementMilestoneActivity)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName _, object? input, TaskOptions? _) => recorded.Add(((AgreementMilestoneReached)input!).Kind))
            .ReturnsAsync(AgreementStatus.Expiring);
        RevokeAgreementRequest? revoked = null;
        context.Setup(c => c.CallActivityAsync<AgreementRevocation>(new TaskName(nameof(RevokeAgreementActivity)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName _, object? input, TaskOptions? _) => revoked = (RevokeAgreementRequest)input!)
            .ReturnsAsync(new AgreementRevocation("expired", DateTimeOffset.UnixEpoch, []));
        AgreementExitRequest? exitBegun = null;
        context.Setup(c => c.CallActivityAsync<AgreementExit?>(new TaskName(nameof(BeginAgreementExitActivity)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName _, object? input, TaskOptions? _) => exitBegun = (AgreementExitRequest)input!)
            .ReturnsAsync((AgreementExit?)null);

        var result = await new AgreementLifecycleOrchestrator().RunAsync(context.Object, new AgreementLifecycleInput("agr-1", Anchor, Milestones, 1));

        Assert.Equal(new AgreementExitRequest("agr-1"), exitBegun);
        Assert.Equal(AgreementLifecycleOrchestrator.ExpiredOutcome, result.Outcome);
        Assert.Equal(Milestones.Select(m => m.Kind), recorded);
        Assert.Equal(Milestones.Select(m => m.DueUtc), timers);
        Assert.Equal(new RevokeAgreementRequest("agr-1", "expired"), revoked);
    }

    [Fact]
    public async Task Run_CompressedTime_TimersFireAtAnchorPlusScaledDelay()
    {
        var context = new Mock<TaskOrchestrationContext>();
        context.Setup(c => c.WaitForExternalEvent<AgreementTerminatedEvent>(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns(new TaskCompletionSource<AgreementTerminatedEvent>().Task);
        var timers = new List<DateTime>();
        context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>())).Callback((DateTime at, CancellationToken _) => timers.Add(at)).Returns(Task.CompletedTask);
        context.Setup(c => c.CallActivityAsync<AgreementStatus>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>())).ReturnsAsync(AgreementStatus.Expiring);

        await new AgreementLifecycleOrchestrator().RunAsync(context.Object, new AgreementLifecycleInput("agr-1", Anchor, Milestones, 86400));

        Assert.Equal([Anchor.AddSeconds(31), Anchor.AddSeconds(300), Anchor.AddSeconds(480)], timers);
    }

    [Fact]
    public async Task Run_TerminatedBeforeNextMilestone_CancelsTimerRevokesAndRecordsNothingMore()
    {
        var context = new Mock<TaskOrchestrationContext>();
        var termination = new TaskCompletionSource<AgreementTerminatedEvent>();
        context.Setup(c => c.WaitForExternalEvent<AgreementTerminatedEvent>(AgreementService.TerminatedEventName, It.IsAny<CancellationToken>())).Returns(termination.Task);
        var firstTimer = true;
        CancellationToken secondTimerToken = default;
        context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>())).Returns((DateTime _, CancellationToken token) =>
        {
            if (firstTimer)
            {
                firstTimer = false;
                return Task.CompletedTask;
            }

            secondTimerToken = token;
            termination.SetResult(new AgreementTerminatedEvent("agr-1", TerminationGround.Sanctioned));
            return new TaskCompletionSource().Task;
        });
        var recorded = new List<AgreementMilestoneKind>();
        context.Setup(c => c.CallActivityAsync<AgreementStatus>(new TaskName(nameof(RecordAgreementMilestoneActivity)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName _, object? input, TaskOptions? _) => recorded.Add(((AgreementMilestoneReached)input!).Kind))
            .ReturnsAsync(AgreementStatus.Active);
        RevokeAgreementRequest? revoked = null;
        context.Setup(c => c.CallActivityAsync<AgreementRevocation>(new TaskName(nameof(RevokeAgreementActivity)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName _, object? input, TaskOptions? _) => revoked = (RevokeAgreementRequest)input!)
            .ReturnsAsync(new AgreementRevocation("terminated", DateTimeOffset.UnixEpoch, []));

        var result = await new AgreementLifecycleOrchestrator().RunAsync(context.Object, new AgreementLifecycleInput("agr-1", Anchor, Milestones, 1));

        Assert.Equal(AgreementLifecycleOrchestrator.TerminatedOutcome, result.Outcome);
        Assert.Equal([AgreementMilestoneKind.FilingDeadline], recorded);
        Assert.True(secondTimerToken.IsCancellationRequested);
        Assert.Equal(new RevokeAgreementRequest("agr-1", "terminated"), revoked);
    }

    [Fact]
    public async Task Run_ActivityReportsAlreadyTerminated_StopsWaitingAndRevokes()
    {
        var context = new Mock<TaskOrchestrationContext>();
        context.Setup(c => c.WaitForExternalEvent<AgreementTerminatedEvent>(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns(new TaskCompletionSource<AgreementTerminatedEvent>().Task);
        context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        var recordCalls = 0;
        context.Setup(c => c.CallActivityAsync<AgreementStatus>(new TaskName(nameof(RecordAgreementMilestoneActivity)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback(() => recordCalls++)
            .ReturnsAsync(AgreementStatus.Terminated);
        context.Setup(c => c.CallActivityAsync<AgreementRevocation>(new TaskName(nameof(RevokeAgreementActivity)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .ReturnsAsync(new AgreementRevocation("expired", DateTimeOffset.UnixEpoch, []));

        await new AgreementLifecycleOrchestrator().RunAsync(context.Object, new AgreementLifecycleInput("agr-1", Anchor, Milestones, 1));

        Assert.Equal(1, recordCalls);
    }
}
