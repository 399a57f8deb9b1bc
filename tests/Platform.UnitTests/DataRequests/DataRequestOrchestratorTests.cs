using Microsoft.DurableTask;
using Platform.Domain.Approvals;
using Platform.Domain.DataRequests;
using Platform.Orchestrations.DataRequests;
using Platform.UnitTests.Orchestration;
using Xunit;

namespace Platform.UnitTests.DataRequests;

public sealed class DataRequestOrchestratorTests
{
    private const string Grid = "provider-org-grid";
    private const string Traffic = "provider-org-traffic";

    // Submitted Monday 2026-03-02 10:00 CST; due Monday 03-09 24:00 CST; reminded Friday 03-06 09:00 CST.
    private static readonly DateTime Anchor = new(2026, 3, 2, 2, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Due = new(2026, 3, 9, 16, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Remind = new(2026, 3, 6, 1, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Period = Due - Anchor;

    [Fact]
    public void OrchestratorName_StartedByTheService_IsTheClassName()
    {
        // The domain cannot reference the orchestrator's type, so it names it by string: keep the two equal.
        Assert.Equal(nameof(DataRequestOrchestrator), DataRequestContract.Orchestrator);
    }

    [Fact]
    public async Task Run_BothApproveInTime_TasksSentEachDecisionFiledAndProvisionedThenCompleted()
    {
        var review = new ReviewHarness { CompleteStatus = DataRequestStatus.Approved };
        review.Decide(Grid).Decide(Traffic);

        var result = await review.RunAsync();

        Assert.Equal([Grid, Traffic], review.Issued);
        Assert.Equal([Grid, Traffic], review.Recorded);
        Assert.Equal([Grid, Traffic], review.Provisioned);
        Assert.Equal(1, review.Completed);
        Assert.Empty(review.Reminded);
        Assert.Empty(review.Escalations);
        Assert.Equal("approved", result.Outcome);
        Assert.Equal(["grt-" + Grid, "grt-" + Traffic], result.Grants);
        Assert.Equal([Remind], review.TimerFireTimes);
        Assert.All(review.TimerTokens, t => Assert.True(t.IsCancellationRequested));
        Assert.True(review.EventTokens.Last().IsCancellationRequested);
    }

    [Fact]
    public async Task Run_OneApprovesOtherSilent_RemindedThenOverdueEscalatedAndItsLateDecisionFiled()
    {
        var review = new ReviewHarness { CompleteStatus = DataRequestStatus.Approved };
        review.Decide(Grid);
        var late = review.DecideLater();
        review.TimerFires().TimerFires();
        review.OnEscalation = _ => late.SetResult(ReviewHarness.Event(Traffic));

        var result = await review.RunAsync();

        Assert.Equal([Traffic], review.Reminded);
        var escalation = Assert.Single(review.Escalations);
        Assert.Equal(new DataRequestEscalation("drq-1", Traffic, 1), escalation);
        Assert.Equal([Grid, Traffic], review.Recorded);
        Assert.Equal([Grid, Traffic], review.Provisioned);
        Assert.Equal([Traffic], result.OverdueSlots);
        Assert.Equal([Grid, Traffic], result.DecidedSlots);
        Assert.Equal([Remind, Due, Due + Period], review.TimerFireTimes);
        Assert.Equal(1, review.Completed);
    }

    [Fact]
    public async Task Run_SilentPastTwoDeadlines_LooksAgainEachPeriodAndNeverApprovesBySilence()
    {
        var review = new ReviewHarness { CompleteStatus = DataRequestStatus.PartiallyApproved };
        review.Decide(Grid);
        var last = review.DecideLater();
        review.TimerFires().TimerFires().TimerFires();
        review.Outcomes[Traffic] = new DataRequestDecisionOutcome(DataRequestStatus.PartiallyApproved, true, false);
        review.OnEscalation = e =>
        {
            if (e.Escalation == 2)
            {
                last.SetResult(ReviewHarness.Event(Traffic));
            }
        };

        var result = await review.RunAsync();

        Assert.Equal([1, 2], review.Escalations.Select(e => e.Escalation));
        Assert.All(review.Escalations, e => Assert.Equal(Traffic, e.Slot));
        Assert.Equal([Grid], review.Provisioned);
        Assert.Equal([Remind, Due, Due + Period, Due + (2 * Period)], review.TimerFireTimes);
        Assert.Equal("partially-approved", result.Outcome);
    }

    [Fact]
    public async Task Run_EscalationFindsADecisionWhoseEventWasLost_ClosesTheReviewAndProvisionsIt()
    {
        var review = new ReviewHarness { CompleteStatus = DataRequestStatus.Approved, EscalationOutcome = new DataRequestEscalationOutcome(DataRequestStatus.Approved, true, true) };
        review.Decide(Grid);
        review.TimerFires().TimerFires();
        review.NoMoreDecisions();

        var result = await review.RunAsync();

        Assert.Equal([Grid], review.Recorded);
        Assert.Equal([Grid, Traffic], review.Provisioned);
        Assert.Empty(result.OverdueSlots);
        Assert.Equal(1, review.Completed);
    }

    [Fact]
    public async Task Run_NoReminderInThePlan_FirstTimerAtTheDeadline()
    {
        var review = new ReviewHarness { RemindUtc = null, CompleteStatus = DataRequestStatus.Rejected };
        review.Outcomes[Grid] = new DataRequestDecisionOutcome(DataRequestStatus.Pending, true, false);
        review.Outcomes[Traffic] = new DataRequestDecisionOutcome(DataRequestStatus.Rejected, true, false);
        review.Decide(Grid).Decide(Traffic);

        var result = await review.RunAsync();

        Assert.Equal([Due], review.TimerFireTimes);
        Assert.Empty(review.Provisioned);
        Assert.Equal("rejected", result.Outcome);
    }

    [Fact]
    public async Task Run_DuplicateUnknownAndUnrecordedEvents_IgnoredUntilTheRealDecision()
    {
        var review = new ReviewHarness();
        review.Outcomes[Traffic] = new DataRequestDecisionOutcome(DataRequestStatus.Pending, false, false);
        review.Decide(Grid).Decide(Grid).Decide("provider-org-unknown").Decide(Traffic);
        var real = review.DecideLater();
        review.OnRecord = slot =>
        {
            if (slot == Traffic && review.Recorded.Count(s => s == Traffic) == 1)
            {
                review.Outcomes[Traffic] = new DataRequestDecisionOutcome(DataRequestStatus.Approved, true, true);
                real.SetResult(ReviewHarness.Event(Traffic));
            }
        };

        var result = await review.RunAsync();

        Assert.Equal([Grid, Traffic, Traffic], review.Recorded);
        Assert.Equal([Grid, Traffic], review.Provisioned);
        Assert.Equal([Grid, Traffic], result.DecidedSlots);
    }

    [Fact]
    public async Task Run_CancelledBeforeScheduling_StopsWithoutSendingTasks()
    {
        var review = new ReviewHarness { PlanStatus = DataRequestStatus.Cancelled };

        var result = await review.RunAsync();

        Assert.Equal(DataRequestOrchestrator.CancelledOutcome, result.Outcome);
        Assert.Empty(review.Issued);
        Assert.Empty(review.TimerFireTimes);
    }

    [Fact]
    public async Task Run_CancelledWhenADecisionArrives_StopsWithoutProvisioningOrCompleting()
    {
        var review = new ReviewHarness();
        review.Outcomes[Grid] = new DataRequestDecisionOutcome(DataRequestStatus.Cancelled, false, false);
        review.Decide(Grid);

        var result = await review.RunAsync();

        Assert.Equal(DataRequestOrchestrator.CancelledOutcome, result.Outcome);
        Assert.Empty(review.Provisioned);
        Assert.Equal(0, review.Completed);
        Assert.All(review.TimerTokens, t => Assert.True(t.IsCancellationRequested));
        Assert.True(review.EventTokens.Last().IsCancellationRequested);
    }

    [Fact]
    public async Task Run_CancelledFoundAtTheReminder_Stops()
    {
        var review = new ReviewHarness { RemindStatus = DataRequestStatus.Cancelled };
        review.NoMoreDecisions();
        review.TimerFires();

        var result = await review.RunAsync();

        Assert.Equal(DataRequestOrchestrator.CancelledOutcome, result.Outcome);
        Assert.Equal([Grid], review.Reminded);
        Assert.Empty(review.Escalations);
    }

    [Fact]
    public async Task Run_CancelledFoundAtTheDeadline_StopsWithoutCompleting()
    {
        var review = new ReviewHarness { EscalationOutcome = new DataRequestEscalationOutcome(DataRequestStatus.Cancelled, false, false) };
        review.NoMoreDecisions();
        review.TimerFires().TimerFires();

        var result = await review.RunAsync();

        Assert.Equal(DataRequestOrchestrator.CancelledOutcome, result.Outcome);
        Assert.Single(review.Escalations);
        Assert.Equal(0, review.Completed);
        Assert.Equal([Remind, Due], review.TimerFireTimes);
    }

    [Fact]
    public async Task Run_ProvisioningFailsAfterItsRetries_ReportedAndTheReviewStillCounts()
    {
        var review = new ReviewHarness { CompleteStatus = DataRequestStatus.Approved, ProvisioningFails = Grid };
        review.Decide(Grid).Decide(Traffic);

        var result = await review.RunAsync();

        Assert.Equal([Grid], review.ProvisioningFailures.Select(f => f.Slot));
        Assert.Contains("资源数据缺失", review.ProvisioningFailures[0].Error, StringComparison.Ordinal);
        Assert.Equal(["grt-" + Traffic], result.Grants);
        Assert.Equal(1, review.Completed);
        Assert.Same(DataRequestOrchestrator.ProvisioningRetry, review.ProvisioningOptions);
    }

    [Fact]
    public async Task Run_CompressedTime_TimersFireAtAnchorPlusScaledDelay()
    {
        var review = new ReviewHarness { Compression = 10_000 };
        review.Decide(Grid);
        review.TimerFires();
        review.NoMoreDecisions();
        review.EscalationOutcome = new DataRequestEscalationOutcome(DataRequestStatus.Approved, true, true);
        review.TimerFires();

        await review.RunAsync();

        Assert.Equal([Anchor + ((Remind - Anchor) / 10_000), Anchor + ((Due - Anchor) / 10_000)], review.TimerFireTimes);
    }

    /// <summary>An orchestration context scripted with the plan, decisions and timers a test wants, recording the activities called.</summary>
    private sealed class ReviewHarness
    {
        private readonly ScriptedOrchestrationContext<ApprovalDecidedEvent> _context = new(ApprovalService.DecisionEventName);

        public ReviewHarness()
        {
            _context.OnActivity<DataRequestReviewPlan>(nameof(ScheduleDataRequestReviewActivity), _ => new DataRequestReviewPlan(PlanStatus,
            [
                new ScheduledReview(Grid, "org-grid", Due, RemindUtc),
                new ScheduledReview(Traffic, "org-traffic", Due, RemindUtc),
            ]));
            _context.OnActivity<string>(nameof(IssueDataRequestReviewTaskActivity), input =>
            {
                Issued.Add(((DataRequestSlotRequest)input!).Slot);
                return ((DataRequestSlotRequest)input!).Slot;
            });
            _context.OnActivity<DataRequestDecisionOutcome>(nameof(RecordDataRequestDecisionActivity), input =>
            {
                var slot = ((DataRequestSlotRequest)input!).Slot;
                Recorded.Add(slot);
                var outcome = Outcomes.GetValueOrDefault(slot, new DataRequestDecisionOutcome(DataRequestStatus.PartiallyApproved, true, true));
                OnRecord?.Invoke(slot);
                return outcome;
            });
            _context.OnActivity<DataRequestStatus>(nameof(RemindDataRequestReviewActivity), input =>
            {
                var slot = ((DataRequestSlotRequest)input!).Slot;
                Reminded.Add(slot);
                OnRemind?.Invoke(slot);
                return RemindStatus;
            });
            _context.OnActivity<DataRequestEscalationOutcome>(nameof(EscalateDataRequestReviewActivity), input =>
            {
                var escalation = (DataRequestEscalation)input!;
                Escalations.Add(escalation);
                OnEscalation?.Invoke(escalation);
                return EscalationOutcome;
            });
            _context.OnActivity<string?>(nameof(ProvisionDataRequestActivity), (name, input, options) =>
            {
                var slot = ((DataRequestSlotRequest)input!).Slot;
                ProvisioningOptions = options;
                if (slot == ProvisioningFails)
                {
                    return Task.FromException<string?>(new TaskFailedException(name, 7, new InvalidOperationException("资源数据缺失")));
                }

                Provisioned.Add(slot);
                return Task.FromResult<string?>("grt-" + slot);
            });
            _context.OnActivity<string>(nameof(ReportDataRequestProvisioningFailureActivity), input =>
            {
                ProvisioningFailures.Add((DataRequestProvisioningFailure)input!);
                return ((DataRequestProvisioningFailure)input!).Slot;
            });
            _context.OnActivity<DataRequestStatus>(nameof(CompleteDataRequestActivity), _ =>
            {
                Completed++;
                return CompleteStatus;
            });
        }

        public double Compression { get; init; } = 1;

        public DateTime? RemindUtc { get; init; } = Remind;

        public DataRequestStatus PlanStatus { get; init; } = DataRequestStatus.Pending;

        public DataRequestStatus RemindStatus { get; init; } = DataRequestStatus.Pending;

        public DataRequestStatus CompleteStatus { get; init; } = DataRequestStatus.Approved;

        public DataRequestEscalationOutcome EscalationOutcome { get; set; } = new(DataRequestStatus.Pending, false, false);

        public string? ProvisioningFails { get; init; }

        public Dictionary<string, DataRequestDecisionOutcome> Outcomes { get; } = [];

        public Action<DataRequestEscalation>? OnEscalation { get; set; }

        public Action<string>? OnRecord { get; set; }

        public Action<string>? OnRemind { get; set; }

        public List<string> Issued { get; } = [];

        public List<string> Recorded { get; } = [];

        public List<string> Reminded { get; } = [];

        public List<DataRequestEscalation> Escalations { get; } = [];

        public List<string> Provisioned { get; } = [];

        public TaskOptions? ProvisioningOptions { get; private set; }

        public List<DataRequestProvisioningFailure> ProvisioningFailures { get; } = [];

        public int Completed { get; private set; }

        public List<DateTime> TimerFireTimes => _context.TimerFireTimes;

        public List<CancellationToken> TimerTokens => _context.TimerTokens;

        public List<CancellationToken> EventTokens => _context.EventTokens;

        public static ApprovalDecidedEvent Event(string slot)
            => new(slot, $"org:{slot}", new ApprovalDecision(ApprovalDecisionKind.Approve, new Dictionary<string, int>(), null, DateTimeOffset.UnixEpoch));

        public ReviewHarness Decide(string slot)
        {
            _context.Raise(Event(slot));
            return this;
        }

        public TaskCompletionSource<ApprovalDecidedEvent> DecideLater() => _context.RaiseLater();

        public ReviewHarness TimerFires()
        {
            _context.TimerFires();
            return this;
        }

        public void NoMoreDecisions() => _context.NoMoreEvents();

        public async Task<DataRequestReviewResult> RunAsync()
        {
            return await _context.RunAsync(context => new DataRequestOrchestrator().RunAsync(context, new DataRequestReviewInput("drq-1", Anchor, Compression)));
        }

    }
}
