using Microsoft.DurableTask;
using Platform.Domain.Approvals;
using Platform.Domain.Notifications;
using Platform.Domain.Products;
using Platform.Domain.ProductCompliance;
using Platform.Domain.Security;
using Platform.Orchestrations.ProductCompliance;
using Platform.UnitTests.Orchestration;
using Xunit;

namespace Platform.UnitTests.ProductCompliance;

public sealed class ProductComplianceOrchestratorTests
{
    private static readonly DateTime Anchor = new(2026, 3, 2, 2, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Due = Anchor.AddDays(3);

    [Fact]
    public void OrchestratorName_SharedWithTheProductRecords_IsTheClassName()
    {
        Assert.Equal(ProductWorkflow.OrchestratorName, nameof(ProductComplianceOrchestrator));
    }

    [Fact]
    public async Task Run_FastTrackAuthorityApproves_Published()
    {
        var review = new ReviewHarness(ProductReviewTrack.Fast);
        review.Decide("authority", ApprovalDecisionKind.Approve);

        var result = await review.RunAsync();

        Assert.Equal("published", result.Outcome);
        Assert.Equal(ProductReviewTrack.Fast, result.Track);
        Assert.Equal(["authority"], review.Issued);
        Assert.Equal(["authority"], review.Recorded);
        Assert.Equal(ProductComplianceOutcomeKind.Published, review.Completed?.Outcome.Kind);
        Assert.Empty(review.Completed!.OpenSlots);
        Assert.Equal([Due], review.TimerFireTimes);
        Assert.All(review.TimerTokens, t => Assert.True(t.IsCancellationRequested));
    }

    [Fact]
    public async Task Run_FullTrackBothProvidersAndTheAuthorityApprove_Published()
    {
        var review = new ReviewHarness(ProductReviewTrack.Full);
        review.Decide("provider-org-a", ApprovalDecisionKind.Approve).Decide("authority", ApprovalDecisionKind.Approve).Decide("provider-org-b", ApprovalDecisionKind.Approve);

        var result = await review.RunAsync();

        Assert.Equal("published", result.Outcome);
        Assert.Equal(ReviewHarness.FullSlots, review.Issued);
        Assert.Equal(["provider-org-a", "authority", "provider-org-b"], result.DecidedSlots);
        Assert.Equal(ProductComplianceOutcomeKind.Published, review.Completed?.Outcome.Kind);
        Assert.Null(review.Completed!.Outcome.Comment);
    }

    [Fact]
    public async Task Run_OneReviewerRejects_RejectedAtOnceWithTheReasonAndTheOthersClosed()
    {
        var review = new ReviewHarness(ProductReviewTrack.Full);
        review.Decide("authority", ApprovalDecisionKind.Approve).Decide("provider-org-b", ApprovalDecisionKind.Reject);

        var result = await review.RunAsync();

        Assert.Equal("rejected", result.Outcome);
        Assert.Equal(ProductComplianceOutcomeKind.Rejected, review.Completed?.Outcome.Kind);
        Assert.Equal(["provider-org-a"], review.Completed!.OpenSlots);
        Assert.Equal("provider-org-b：理由", review.Completed.Outcome.Comment);
    }

    [Fact]
    public async Task Run_ChangesAndApprovals_WaitsForEveryoneThenChangesRequested()
    {
        var review = new ReviewHarness(ProductReviewTrack.Full);
        review.Decide("authority", ApprovalDecisionKind.Changes).Decide("provider-org-a", ApprovalDecisionKind.Approve).Decide("provider-org-b", ApprovalDecisionKind.Approve);

        var result = await review.RunAsync();

        Assert.Equal("changes-requested", result.Outcome);
        Assert.Equal(3, review.Recorded.Count);
        Assert.Equal(ProductComplianceOutcomeKind.ChangesRequested, review.Completed?.Outcome.Kind);
        Assert.Empty(review.Completed!.Outcome.Findings);
    }

    [Fact]
    public async Task Run_AutomatedCheckFindsAnIdNumber_ChangesRequestedWithTheFindingAndNoReviewerAsked()
    {
        var finding = new ComplianceFinding(ProductComplianceChecks.MaskingRule, ProductComplianceChecks.IdentifierFoundCode, "id-number", "客流汇总", "count", 2);
        var review = new ReviewHarness(ProductReviewTrack.Fast) { Findings = [finding] };

        var result = await review.RunAsync();

        Assert.Equal("changes-requested", result.Outcome);
        Assert.Empty(review.Issued);
        Assert.Empty(review.TimerFireTimes);
        var completed = review.Completed!;
        Assert.Equal(ProductComplianceOutcomeKind.ChangesRequested, completed.Outcome.Kind);
        var reported = Assert.Single(completed.Outcome.Findings);
        Assert.Equal(("count", 2), (reported.Field, reported.Row));
        Assert.Equal([finding], result.Findings);
    }

    [Fact]
    public async Task Run_DeadlinePassesWithAnOpenReview_EscalatesThenTheLateDecisionStillCounts()
    {
        var review = new ReviewHarness(ProductReviewTrack.Full);
        review.Decide("authority", ApprovalDecisionKind.Approve);
        var late = review.DecideLater();
        review.Decide("provider-org-b", ApprovalDecisionKind.Approve);
        review.TimerFires();
        review.OnEscalation = _ => late.SetResult(ReviewHarness.Decision("provider-org-a", ApprovalDecisionKind.Approve));

        var result = await review.RunAsync();

        var escalation = Assert.Single(review.Escalations);
        Assert.Equal(1, escalation.Escalation);
        Assert.Equal(["provider-org-a", "provider-org-b"], escalation.OpenSlots);
        Assert.Equal("published", result.Outcome);
        Assert.Equal(1, result.Escalations);
        Assert.Equal([Due, Due.AddDays(3)], review.TimerFireTimes);
    }

    [Fact]
    public async Task Run_SilentPastTwoDeadlines_EscalatesAgainAndNeverPublishesBySilence()
    {
        var review = new ReviewHarness(ProductReviewTrack.Fast);
        var last = review.DecideLater();
        review.TimerFires().TimerFires();
        review.OnEscalation = e =>
        {
            if (e.Escalation == 2)
            {
                last.SetResult(ReviewHarness.Decision("authority", ApprovalDecisionKind.Reject));
            }
        };

        var result = await review.RunAsync();

        Assert.Equal([1, 2], review.Escalations.Select(e => e.Escalation));
        Assert.Equal("rejected", result.Outcome);
        Assert.Equal([Due, Due.AddDays(3), Due.AddDays(6)], review.TimerFireTimes);
    }

    [Fact]
    public async Task Run_EscalationRecoversALostDecision_CountsItWithoutFilingAgain()
    {
        var review = new ReviewHarness(ProductReviewTrack.Fast)
        {
            EscalationResult = new ProductEscalationResult(ProductStatus.InReview, [ReviewHarness.Decision("authority", ApprovalDecisionKind.Approve)]),
        };
        review.TimerFires();
        review.NoMoreDecisions();

        var result = await review.RunAsync();

        Assert.Equal("published", result.Outcome);
        Assert.Empty(review.Recorded);
    }

    [Fact]
    public async Task Run_WithdrawnWhenTheChecksRun_StopsBeforeAskingAnyone()
    {
        var review = new ReviewHarness(ProductReviewTrack.Fast) { ChecksStatus = ProductStatus.Withdrawn };

        var result = await review.RunAsync();

        Assert.Equal(ProductComplianceOrchestrator.WithdrawnOutcome, result.Outcome);
        Assert.Empty(review.Issued);
        Assert.Null(review.Completed);
    }

    [Fact]
    public async Task Run_WithdrawnWhenADecisionIsFiled_StopsWithoutCompleting()
    {
        var review = new ReviewHarness(ProductReviewTrack.Full) { RecordStatus = ProductStatus.Withdrawn };
        review.Decide("authority", ApprovalDecisionKind.Approve);

        var result = await review.RunAsync();

        Assert.Equal(ProductComplianceOrchestrator.WithdrawnOutcome, result.Outcome);
        Assert.Null(review.Completed);
        Assert.All(review.TimerTokens, t => Assert.True(t.IsCancellationRequested));
        Assert.All(review.EventTokens, t => Assert.True(t.IsCancellationRequested));
    }

    [Fact]
    public async Task Run_WithdrawnFoundAtTheDeadline_StopsWithoutCompleting()
    {
        var review = new ReviewHarness(ProductReviewTrack.Fast) { EscalationResult = new ProductEscalationResult(ProductStatus.Withdrawn, []) };
        review.TimerFires();
        review.NoMoreDecisions();

        var result = await review.RunAsync();

        Assert.Equal(ProductComplianceOrchestrator.WithdrawnOutcome, result.Outcome);
        Assert.Null(review.Completed);
        Assert.Single(review.TimerFireTimes);
    }

    [Fact]
    public async Task Run_DuplicateAndUnknownSlots_IgnoredWithoutFiling()
    {
        var review = new ReviewHarness(ProductReviewTrack.Fast);
        review.Decide("provider-org-x", ApprovalDecisionKind.Reject).Decide("authority", ApprovalDecisionKind.Approve).Decide("authority", ApprovalDecisionKind.Reject);

        var result = await review.RunAsync();

        Assert.Equal("published", result.Outcome);
        Assert.Equal(["authority"], review.Recorded);
    }

    [Fact]
    public async Task Run_CompressedTime_DeadlineFiresAtAnchorPlusScaledDelay()
    {
        var review = new ReviewHarness(ProductReviewTrack.Fast) { Compression = 86400 };
        review.Decide("authority", ApprovalDecisionKind.Approve);

        await review.RunAsync();

        Assert.Equal([Anchor.AddSeconds(3)], review.TimerFireTimes);
    }

    /// <summary>An orchestration context scripted with the checks, decisions and timers a test wants, recording the activities called.</summary>
    private sealed class ReviewHarness
    {
        public static readonly string[] FullSlots = ["authority", "provider-org-a", "provider-org-b"];

        private readonly ScriptedOrchestrationContext<ApprovalDecidedEvent> _context = new(ApprovalService.DecisionEventName);
        private readonly ProductReviewTrack _track;

        public ReviewHarness(ProductReviewTrack track)
        {
            _track = track;
            _context.OnActivity<ProductChecksResult>(nameof(RunProductChecksActivity), input =>
            {
                var request = (ProductComplianceRequest)input!;
                Assert.Equal("prd-1", request.ProductId);
                return new ProductChecksResult(ChecksStatus, Findings, Plan());
            });
            _context.OnActivity<string>(nameof(IssueProductReviewLinkActivity), input =>
            {
                var request = (ProductReviewSlotRequest)input!;
                Issued.Add(request.Slot);
                return request.Slot;
            });
            _context.OnActivity<ProductStatus>(nameof(RecordProductReviewDecisionActivity), input =>
            {
                Recorded.Add(((ProductReviewDecisionReceived)input!).Decided.Slot);
                return RecordStatus;
            });
            _context.OnActivity<ProductEscalationResult>(nameof(EscalateProductReviewActivity), input =>
            {
                var escalation = (ProductReviewEscalation)input!;
                Escalations.Add(escalation);
                OnEscalation?.Invoke(escalation);
                return EscalationResult;
            });
            _context.OnActivity<ProductStatus>(nameof(CompleteProductReviewActivity), input =>
            {
                Completed = (ProductReviewCompletion)input!;
                return Completed.Outcome.Kind switch
                {
                    ProductComplianceOutcomeKind.Published => ProductStatus.Published,
                    ProductComplianceOutcomeKind.Rejected => ProductStatus.Rejected,
                    _ => ProductStatus.ChangesRequested,
                };
            });
        }

        public double Compression { get; init; } = 1;

        public ProductStatus ChecksStatus { get; init; } = ProductStatus.InReview;

        public IReadOnlyList<ComplianceFinding> Findings { get; init; } = [];

        public ProductStatus RecordStatus { get; init; } = ProductStatus.InReview;

        public ProductEscalationResult EscalationResult { get; init; } = new(ProductStatus.InReview, []);

        public Action<ProductReviewEscalation>? OnEscalation { get; set; }

        public List<string> Issued { get; } = [];

        public List<string> Recorded { get; } = [];

        public List<ProductReviewEscalation> Escalations { get; } = [];

        public ProductReviewCompletion? Completed { get; private set; }

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

        public TaskCompletionSource<ApprovalDecidedEvent> DecideLater() => _context.RaiseLater();

        public ReviewHarness TimerFires()
        {
            _context.TimerFires();
            return this;
        }

        public void NoMoreDecisions() => _context.NoMoreEvents();

        public async Task<ProductComplianceResult> RunAsync()
        {
            return await _context.RunAsync(context => new ProductComplianceOrchestrator().RunAsync(context, new ProductComplianceRequest("prd-1", 1, Anchor, Compression)));
        }

        private ProductReviewPlan Plan()
        {
            var slots = _track == ProductReviewTrack.Fast ? FullSlots.Take(1) : FullSlots;
            var reviewers = slots.Select(slot => slot == "authority"
                ? new ProductReviewer(slot, Recipient.Role(Roles.Authority), Roles.Authority)
                : new ProductReviewer(slot, Recipient.Organization(slot["provider-".Length..]), Roles.Provider)).ToList();
            return new ProductReviewPlan("prd-1", 1, ProductWorkflow.InstanceId("prd-1", 1), _track, "区县客流指数", "org-operator",
                new DateTimeOffset(Anchor), new DateTimeOffset(Due), reviewers);
        }
    }
}
