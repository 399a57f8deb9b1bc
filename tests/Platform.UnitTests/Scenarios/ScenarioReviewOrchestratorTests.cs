using Microsoft.DurableTask;
using Moq;
using Platform.Domain.Approvals;
using Platform.Domain.Scenarios;
using Platform.Orchestrations.Scenarios;
using Xunit;

namespace Platform.UnitTests.Scenarios;

public sealed class ScenarioReviewOrchestratorTests
{
    private static readonly DateTime Anchor = new(2026, 3, 2, 2, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Due = Anchor.AddDays(5);
    private static readonly string[] Slots = ["authority", "provider-org-p1", "provider-org-p2"];

    [Fact]
    public async Task Run_AllApprove_AsksEveryReviewerFilesEachDecisionAndCompletesApproved()
    {
        var review = new ReviewHarness();
        review.Decide("authority", ApprovalDecisionKind.Approve).Decide("provider-org-p1", ApprovalDecisionKind.Approve).Decide("provider-org-p2", ApprovalDecisionKind.Approve);

        var result = await review.RunAsync();

        Assert.Equal("approved", result.Outcome);
        Assert.Equal(Slots, review.Issued);
        Assert.Equal(Slots, review.Recorded);
        Assert.Equal(ReviewRoundOutcome.Approved, review.Completed);
        Assert.Empty(review.Escalations);
        Assert.Equal([Due], review.TimerFireTimes);
        Assert.All(review.TimerTokens, t => Assert.True(t.IsCancellationRequested));
        Assert.True(review.EventTokens.Last().IsCancellationRequested);
    }

    [Fact]
    public async Task Run_FirstAnswerRejects_CompletesRejectedWithoutWaitingForTheOthers()
    {
        var review = new ReviewHarness();
        review.Decide("provider-org-p2", ApprovalDecisionKind.Reject);

        var result = await review.RunAsync();

        Assert.Equal("rejected", result.Outcome);
        Assert.Equal(["provider-org-p2"], review.Recorded);
        Assert.Equal(ReviewRoundOutcome.Rejected, review.Completed);
    }

    [Fact]
    public async Task Run_ChangesThenApprovals_WaitsForEveryoneThenChangesRequested()
    {
        var review = new ReviewHarness();
        review.Decide("authority", ApprovalDecisionKind.Changes).Decide("provider-org-p1", ApprovalDecisionKind.Approve).Decide("provider-org-p2", ApprovalDecisionKind.Approve);

        var result = await review.RunAsync();

        Assert.Equal("changes-requested", result.Outcome);
        Assert.Equal(3, review.Recorded.Count);
        Assert.Equal(ReviewRoundOutcome.ChangesRequested, review.Completed);
    }

    [Fact]
    public async Task Run_ChangesThenLateReject_Rejected()
    {
        var review = new ReviewHarness();
        review.Decide("authority", ApprovalDecisionKind.Changes).Decide("provider-org-p1", ApprovalDecisionKind.Reject);

        var result = await review.RunAsync();

        Assert.Equal("rejected", result.Outcome);
        Assert.Equal(ReviewRoundOutcome.Rejected, review.Completed);
    }

    [Fact]
    public async Task Run_DuplicateAndUnknownSlots_IgnoredWithoutFiling()
    {
        var review = new ReviewHarness();
        review.Decide("authority", ApprovalDecisionKind.Approve)
            .Decide("authority", ApprovalDecisionKind.Reject)
            .Decide("provider-org-unknown", ApprovalDecisionKind.Reject)
            .Decide("provider-org-p1", ApprovalDecisionKind.Approve)
            .Decide("provider-org-p2", ApprovalDecisionKind.Approve);

        var result = await review.RunAsync();

        Assert.Equal("approved", result.Outcome);
        Assert.Equal(Slots, review.Recorded);
        Assert.Equal(Slots, result.DecidedSlots);
    }

    [Fact]
    public async Task Run_DeadlinePassesWithOpenReviews_EscalatesThemAndKeepsWaitingForDecisions()
    {
        var review = new ReviewHarness();
        review.Decide("authority", ApprovalDecisionKind.Approve);
        var late = review.DecideLater();
        review.Decide("provider-org-p2", ApprovalDecisionKind.Approve);
        review.TimerFires();
        review.OnEscalation = _ => late.SetResult(ReviewHarness.Decision("provider-org-p1", ApprovalDecisionKind.Approve));

        var result = await review.RunAsync();

        var escalation = Assert.Single(review.Escalations);
        Assert.Equal(1, escalation.Escalation);
        Assert.Equal(["provider-org-p1", "provider-org-p2"], escalation.OpenSlots);
        Assert.Equal("approved", result.Outcome);
        Assert.Equal(1, result.Escalations);
        Assert.Equal([Due, Due.AddDays(5)], review.TimerFireTimes);
    }

    [Fact]
    public async Task Run_SilentPastTwoDeadlines_EscalatesAgainAndNeverApprovesBySilence()
    {
        var review = new ReviewHarness();
        review.Decide("authority", ApprovalDecisionKind.Approve).Decide("provider-org-p1", ApprovalDecisionKind.Approve);
        var last = review.DecideLater();
        review.TimerFires().TimerFires();
        review.OnEscalation = e =>
        {
            if (e.Escalation == 2)
            {
                last.SetResult(ReviewHarness.Decision("provider-org-p2", ApprovalDecisionKind.Changes));
            }
        };

        var result = await review.RunAsync();

        Assert.Equal([1, 2], review.Escalations.Select(e => e.Escalation));
        Assert.All(review.Escalations, e => Assert.Equal(["provider-org-p2"], e.OpenSlots));
        Assert.Equal("changes-requested", result.Outcome);
        Assert.Equal([Due, Due.AddDays(5), Due.AddDays(10)], review.TimerFireTimes);
    }

    [Fact]
    public async Task Run_EscalationRecoversADecisionWhoseEventWasLost_CountsItWithoutFilingAgain()
    {
        var review = new ReviewHarness();
        review.Decide("authority", ApprovalDecisionKind.Approve).Decide("provider-org-p1", ApprovalDecisionKind.Approve);
        review.TimerFires();
        review.EscalationResult = new ScenarioEscalationResult(ScenarioStatus.InReview, [ReviewHarness.Decision("provider-org-p2", ApprovalDecisionKind.Approve)]);
        review.NoMoreDecisions();

        var result = await review.RunAsync();

        Assert.Equal("approved", result.Outcome);
        Assert.Equal(["authority", "provider-org-p1"], review.Recorded);
        Assert.Equal(ReviewRoundOutcome.Approved, review.Completed);
    }

    [Fact]
    public async Task Run_ScenarioCancelledWhenADecisionArrives_StopsWithoutCompleting()
    {
        var review = new ReviewHarness { RecordStatus = ScenarioStatus.Cancelled };
        review.Decide("authority", ApprovalDecisionKind.Approve);

        var result = await review.RunAsync();

        Assert.Equal(ScenarioReviewOrchestrator.CancelledOutcome, result.Outcome);
        Assert.Null(review.Completed);
        Assert.All(review.TimerTokens, t => Assert.True(t.IsCancellationRequested));
    }

    [Fact]
    public async Task Run_ScenarioCancelledFoundAtTheDeadline_StopsWithoutCompleting()
    {
        var review = new ReviewHarness { EscalationResult = new ScenarioEscalationResult(ScenarioStatus.Cancelled, []) };
        review.NoMoreDecisions();
        review.TimerFires();

        var result = await review.RunAsync();

        Assert.Equal(ScenarioReviewOrchestrator.CancelledOutcome, result.Outcome);
        Assert.Null(review.Completed);
        Assert.Single(review.TimerFireTimes);
    }

    [Fact]
    public async Task Run_CompressedTime_DeadlineFiresAtAnchorPlusScaledDelay()
    {
        var review = new ReviewHarness { Compression = 86400 };
        review.Decide("authority", ApprovalDecisionKind.Reject);

        await review.RunAsync();

        Assert.Equal([Anchor.AddSeconds(5)], review.TimerFireTimes);
    }

    /// <summary>A Moq orchestration context scripted with the decisions and timers a test wants, recording the activities called.</summary>
    private sealed class ReviewHarness
    {
        private readonly Queue<Task<ApprovalDecidedEvent>> _decisions = new();
        private readonly Queue<Task> _timers = new();
        private readonly Mock<TaskOrchestrationContext> _context = new(MockBehavior.Strict);
        private bool _noMoreDecisions;

        public ReviewHarness()
        {
            _context.Setup(c => c.WaitForExternalEvent<ApprovalDecidedEvent>(ApprovalService.DecisionEventName, It.IsAny<CancellationToken>()))
                .Returns((string _, CancellationToken token) =>
                {
                    EventTokens.Add(token);
                    return _decisions.Count > 0 ? _decisions.Dequeue() : new TaskCompletionSource<ApprovalDecidedEvent>().Task;
                });
            _context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
                .Returns((DateTime at, CancellationToken token) =>
                {
                    TimerFireTimes.Add(at);
                    TimerTokens.Add(token);
                    return _timers.Count > 0 ? _timers.Dequeue() : new TaskCompletionSource().Task;
                });
            _context.Setup(c => c.CallActivityAsync<string>(new TaskName(nameof(IssueScenarioReviewLinkActivity)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
                .Returns((TaskName _, object? input, TaskOptions? _) =>
                {
                    var request = (ScenarioReviewSlotRequest)input!;
                    Issued.Add(request.Slot);
                    return Task.FromResult(request.Slot);
                });
            _context.Setup(c => c.CallActivityAsync<ScenarioStatus>(new TaskName(nameof(RecordScenarioReviewDecisionActivity)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
                .Returns((TaskName _, object? input, TaskOptions? _) =>
                {
                    Recorded.Add(((ScenarioReviewDecisionReceived)input!).Decided.Slot);
                    return Task.FromResult(RecordStatus);
                });
            _context.Setup(c => c.CallActivityAsync<ScenarioEscalationResult>(new TaskName(nameof(EscalateScenarioReviewActivity)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
                .Returns((TaskName _, object? input, TaskOptions? _) =>
                {
                    var escalation = (ScenarioReviewEscalation)input!;
                    Escalations.Add(escalation);
                    OnEscalation?.Invoke(escalation);
                    return Task.FromResult(EscalationResult);
                });
            _context.Setup(c => c.CallActivityAsync<ScenarioStatus>(new TaskName(nameof(CompleteScenarioReviewActivity)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
                .Returns((TaskName _, object? input, TaskOptions? _) =>
                {
                    Completed = ((ScenarioReviewCompletion)input!).Outcome;
                    return Task.FromResult(ScenarioRules.StatusAfter(Completed.Value));
                });
        }

        public double Compression { get; init; } = 1;

        public ScenarioStatus RecordStatus { get; init; } = ScenarioStatus.InReview;

        public ScenarioEscalationResult EscalationResult { get; set; } = new(ScenarioStatus.InReview, []);

        public Action<ScenarioReviewEscalation>? OnEscalation { get; set; }

        public List<string> Issued { get; } = [];

        public List<string> Recorded { get; } = [];

        public List<ScenarioReviewEscalation> Escalations { get; } = [];

        public ReviewRoundOutcome? Completed { get; private set; }

        public List<DateTime> TimerFireTimes { get; } = [];

        public List<CancellationToken> TimerTokens { get; } = [];

        public List<CancellationToken> EventTokens { get; } = [];

        public static ApprovalDecidedEvent Decision(string slot, ApprovalDecisionKind kind)
            => new(slot, $"reviewer-of-{slot}", new ApprovalDecision(kind, new Dictionary<string, int>(), kind == ApprovalDecisionKind.Approve ? null : "理由", DateTimeOffset.UnixEpoch));

        public ReviewHarness Decide(string slot, ApprovalDecisionKind kind)
        {
            _decisions.Enqueue(Task.FromResult(Decision(slot, kind)));
            return this;
        }

        public TaskCompletionSource<ApprovalDecidedEvent> DecideLater()
        {
            var later = new TaskCompletionSource<ApprovalDecidedEvent>();
            _decisions.Enqueue(later.Task);
            return later;
        }

        public ReviewHarness TimerFires()
        {
            _timers.Enqueue(Task.CompletedTask);
            return this;
        }

        public void NoMoreDecisions() => _noMoreDecisions = true;

        public async Task<ScenarioReviewResult> RunAsync()
        {
            var run = new ScenarioReviewOrchestrator().RunAsync(_context.Object, new ScenarioReviewInput("scn-1", 1, Slots, Anchor, Due, Compression));
            var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10)));
            Assert.True(finished == run, _noMoreDecisions ? "The review should have ended without further decisions." : "The review did not end.");
            return await run;
        }
    }
}
