using Microsoft.DurableTask;
using Moq;
using Platform.Domain.Quality;
using Platform.Orchestrations.Quality;
using Xunit;

namespace Platform.UnitTests.Quality;

public sealed class QualityIssueOrchestratorTests
{
    private static readonly DateTime Anchor = QualityTestWorld.MondayMorning.UtcDateTime;
    private static readonly DateTime Due = QualityTestWorld.DueMonday.UtcDateTime;
    private static readonly TimeSpan Period = Due - Anchor;

    [Fact]
    public void OrchestratorName_StartedByTheService_IsTheClassName()
    {
        // The domain cannot reference the orchestrator's type, so it names it by string: keep the two equal.
        Assert.Equal(nameof(QualityIssueOrchestrator), QualityIssueService.Orchestrator);
    }

    [Fact]
    public async Task Run_AnsweredBeforeTheDeadline_EndsWithoutEscalatingAndCancelsTheTimer()
    {
        var run = new Harness();
        run.Answer.SetResult(new QualityIssueResolvedEvent("qis-1", QualityResolutionOutcome.Corrected));

        var result = await run.RunAsync();

        Assert.Equal(new QualityIssueWorkflowResult("qis-1", "corrected", false, 0), result);
        Assert.Empty(run.Checks);
        Assert.Equal([Due], run.TimerFireTimes);
        Assert.All(run.TimerTokens, t => Assert.True(t.IsCancellationRequested));
    }

    [Fact]
    public async Task Run_SilentPastTheDeadline_EscalatesKeepsWaitingAndEndsOnTheLateAnswer()
    {
        var run = new Harness();
        run.Timers.Enqueue(Task.CompletedTask);
        run.Timers.Enqueue(Task.CompletedTask);
        run.OnCheck = check =>
        {
            if (check == 2)
            {
                run.Answer.SetResult(new QualityIssueResolvedEvent("qis-1", QualityResolutionOutcome.Disputed));
            }

            return new QualityEscalationOutcome(QualityIssueStatus.Acknowledged, true);
        };

        var result = await run.RunAsync();

        Assert.Equal([1, 2], run.Checks);
        Assert.Equal([Due, Due + Period, Due + (2 * Period)], run.TimerFireTimes);
        Assert.Equal(new QualityIssueWorkflowResult("qis-1", "disputed", true, 2), result);
    }

    [Fact]
    public async Task Run_CheckFindsTheTicketAnsweredItsEventLost_EndsAndStopsWaiting()
    {
        var run = new Harness();
        run.Timers.Enqueue(Task.CompletedTask);
        run.OnCheck = _ => new QualityEscalationOutcome(QualityIssueStatus.Corrected, false);

        var result = await run.RunAsync();

        Assert.Equal(new QualityIssueWorkflowResult("qis-1", "corrected", false, 1), result);
        Assert.True(run.EventToken.IsCancellationRequested);
    }

    [Fact]
    public async Task Run_CompressedTime_TimersFireAtAnchorPlusScaledDelay()
    {
        var run = new Harness { Compression = 10_000 };
        run.Timers.Enqueue(Task.CompletedTask);
        run.OnCheck = _ => new QualityEscalationOutcome(QualityIssueStatus.Closed, true);

        await run.RunAsync();

        Assert.Equal([Anchor + ((Due - Anchor) / 10_000)], run.TimerFireTimes);
    }

    /// <summary>A Moq orchestration context with a scripted answer event and timers, recording the deadline checks.</summary>
    private sealed class Harness
    {
        private readonly Mock<TaskOrchestrationContext> _context = new(MockBehavior.Strict);

        public Harness()
        {
            _context.Setup(c => c.WaitForExternalEvent<QualityIssueResolvedEvent>(QualityIssueService.ResolvedEventName, It.IsAny<CancellationToken>()))
                .Returns((string _, CancellationToken token) =>
                {
                    EventToken = token;
                    return Answer.Task;
                });
            _context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
                .Returns((DateTime at, CancellationToken token) =>
                {
                    TimerFireTimes.Add(at);
                    TimerTokens.Add(token);
                    return Timers.Count > 0 ? Timers.Dequeue() : new TaskCompletionSource().Task;
                });
            _context.Setup(c => c.CallActivityAsync<QualityEscalationOutcome>(new TaskName(nameof(EscalateQualityIssueActivity)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
                .Returns((TaskName _, object? input, TaskOptions? _) =>
                {
                    var request = (QualityEscalationRequest)input!;
                    Assert.Equal("qis-1", request.IssueId);
                    Checks.Add(request.Check);
                    return Task.FromResult(OnCheck(request.Check));
                });
        }

        public double Compression { get; init; } = 1;

        public TaskCompletionSource<QualityIssueResolvedEvent> Answer { get; } = new();

        public Queue<Task> Timers { get; } = new();

        public Func<int, QualityEscalationOutcome> OnCheck { get; set; } = _ => new QualityEscalationOutcome(QualityIssueStatus.Open, true);

        public List<int> Checks { get; } = [];

        public List<DateTime> TimerFireTimes { get; } = [];

        public List<CancellationToken> TimerTokens { get; } = [];

        public CancellationToken EventToken { get; private set; }

        public Task<QualityIssueWorkflowResult> RunAsync()
            => new QualityIssueOrchestrator().RunAsync(_context.Object, new QualityIssueWorkflowInput("qis-1", Anchor, Due, Compression));
    }
}
