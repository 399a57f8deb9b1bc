using Microsoft.DurableTask;
using Platform.Domain.Approvals;
using Platform.Domain.Scenarios;
using Platform.Orchestrations.Scenarios;
using Platform.UnitTests.Orchestration;
using Xunit;

namespace Platform.UnitTests.Scenarios;

public sealed class ScenarioReviewOrchestratorTests
{
    private static readonly DateTime Anchor = new(2026, 3, 2, 2, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Due = Anchor.AddDays(5);
    private static readonly string[] Slots = ["authority", "provider-org-p1", "provider-org-p2"];

    [Fact]
    public void OrchestratorName_StartedByTheService_IsTheClassName()
    {
        // The domain cannot reference the orchestrator's type, so it names it by string: keep the two equal.
        Assert.Equal(nameof(ScenarioReviewOrchestrator), ScenarioService.ReviewOrchestrator);
    }

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
    public async Task Run_AuthorityAddsExpert_LinkIssuedAndRoundWaitsForTheExpert()
    {
        var review = new ReviewHarness();
        review.AuthorityAdds("expert-org-e1")
            .Decide("authority", ApprovalDecisionKind.Approve).Decide("provider-org-p1", ApprovalDecisionKind.Approve).Decide("provider-org-p2", ApprovalDecisionKind.Approve)
            .Decide("expert-org-e1", ApprovalDecisionKind.Changes);

        var result = await review.RunAsync();

        // M2.3: without the expert the three approvals would have approved the round; the expert's answer decides it.
        Assert.Equal("changes-requested", result.Outcome);
        Assert.Equal([.. Slots, "expert-org-e1"], review.Issued);
        Assert.Equal([.. Slots, "expert-org-e1"], review.Recorded);
    }

    [Fact]
    public async Task Run_SameExpertAddedTwice_OneLink()
    {
        var review = new ReviewHarness();
        review.AuthorityAdds("expert-org-e1").AuthorityAdds("expert-org-e1")
            .Decide("authority", ApprovalDecisionKind.Approve).Decide("provider-org-p1", ApprovalDecisionKind.Approve).Decide("provider-org-p2", ApprovalDecisionKind.Approve)
            .Decide("expert-org-e1", ApprovalDecisionKind.Approve);

        var result = await review.RunAsync();

        Assert.Equal("approved", result.Outcome);
        Assert.Single(review.Issued, "expert-org-e1");
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

    /// <summary>An orchestration context scripted with the decisions and timers a test wants, recording the activities called.</summary>
    private sealed class ReviewHarness
    {
        private readonly ScriptedOrchestrationContext<ApprovalDecidedEvent> _context = new(ApprovalService.DecisionEventName);
        private readonly Queue<Task<ScenarioReviewerAdded>> _added;

        public ReviewHarness()
        {
            _added = _context.OtherEvents<ScenarioReviewerAdded>(ScenarioService.ReviewerAddedEventName);
            _context.OnActivity<string>(nameof(IssueScenarioReviewLinkActivity), input =>
            {
                var request = (ScenarioReviewSlotRequest)input!;
                Issued.Add(request.Slot);
                return request.Slot;
            });
            _context.OnActivity<ScenarioStatus>(nameof(RecordScenarioReviewDecisionActivity), input =>
            {
                Recorded.Add(((ScenarioReviewDecisionReceived)input!).Decided.Slot);
                return RecordStatus;
            });
            _context.OnActivity<ScenarioEscalationResult>(nameof(EscalateScenarioReviewActivity), input =>
            {
                var escalation = (ScenarioReviewEscalation)input!;
                Escalations.Add(escalation);
                OnEscalation?.Invoke(escalation);
                return EscalationResult;
            });
            _context.OnActivity<ScenarioStatus>(nameof(CompleteScenarioReviewActivity), input =>
            {
                Completed = ((ScenarioReviewCompletion)input!).Outcome;
                return ScenarioRules.StatusAfter(Completed.Value);
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

        public List<DateTime> TimerFireTimes => _context.TimerFireTimes;

        public List<CancellationToken> TimerTokens => _context.TimerTokens;

        public List<CancellationToken> EventTokens => _context.EventTokens;

        public static ApprovalDecidedEvent Decision(string slot, ApprovalDecisionKind kind)
            => new(slot, $"reviewer-of-{slot}", new ApprovalDecision(kind, new Dictionary<string, int>(), kind == ApprovalDecisionKind.Approve ? null : "理由", DateTimeOffset.UnixEpoch));

        public ReviewHarness Decide(string slot, ApprovalDecisionKind kind)
        {
            _context.Raise(Decision(slot, kind));
            return this;
        }

        public ReviewHarness AuthorityAdds(string slot)
        {
            _added.Enqueue(Task.FromResult(new ScenarioReviewerAdded(slot)));
            return this;
        }

        public TaskCompletionSource<ApprovalDecidedEvent> DecideLater() => _context.RaiseLater();

        public ReviewHarness TimerFires()
        {
            _context.TimerFires();
            return this;
        }

        public void NoMoreDecisions() => _context.NoMoreEvents();

        public async Task<ScenarioReviewResult> RunAsync()
        {
            return await _context.RunAsync(context => new ScenarioReviewOrchestrator().RunAsync(context, new ScenarioReviewInput("scn-1", 1, Slots, Anchor, Due, Compression)));
        }
    }
}
