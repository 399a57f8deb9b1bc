using Platform.Domain.Approvals;
using Platform.Domain.Errors;
using Platform.UnitTests.Personnel;
using Xunit;

namespace Platform.UnitTests.Approvals;

public sealed class ApprovalServiceTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, int> FullScores = new() { ["necessity"] = 4, ["socialValue"] = 5 };

    private readonly InMemoryApprovalStore _store = new();
    private readonly ConcurrentAuditTrail _audit = new();
    private readonly FixedClock _clock = new(Now);
    private readonly RecordingWorkflowGateway _workflows = new();
    private readonly ApprovalService _service;

    public ApprovalServiceTests()
    {
        var secrets = new DictionarySecretStore(new() { ["link-signing-key-1"] = "test-link-signing-key-0123456789abcdef-0123" });
        var signer = new ApprovalLinkSigner(secrets, new ApprovalLinkSettings("link-signing-key-1", [], TimeSpan.FromDays(30), null), _clock);
        _service = new ApprovalService(_store, signer, _audit, _clock, [new FixedSubject()]);
    }

    [Fact]
    public async Task Decide_FirstUse_ClaimsRaisesOnceAndAudits()
    {
        var link = await _service.IssueAsync(FixedSubject.Slot(), Now.AddDays(1));

        var outcome = await _service.DecideAsync(link.Token, new ApprovalDecisionInput(ApprovalDecisionKind.Approve, " 同意 ", FullScores), _workflows);

        Assert.Equal(ApprovalDecisionKind.Approve, outcome.Decision.Kind);
        Assert.Equal("同意", outcome.Decision.Comment);
        var raised = Assert.Single(_workflows.Raised);
        Assert.Equal(("scenario-review-scn-1-r1", ApprovalService.DecisionEventName), (raised.InstanceId, raised.EventName));
        var payload = Assert.IsType<ApprovalDecidedEvent>(raised.Payload);
        Assert.Equal(("provider-org-1", "org:org-1"), (payload.Slot, payload.Reviewer));
        Assert.Equal(ApprovalSlotState.Decided, _store.Claims.Single().Value.State);
        Assert.Contains("approval.decided", _audit.Actions);
        var decided = _audit.Records.Single(r => r.Action == "approval.decided");
        Assert.Equal(("provider", "org-1"), (decided.Actor.Role, decided.Actor.Organization));
    }

    [Fact]
    public async Task Decide_SecondUse_409UsedAndNoSecondEvent()
    {
        var link = await _service.IssueAsync(FixedSubject.Slot(), Now.AddDays(1));
        await _service.DecideAsync(link.Token, new ApprovalDecisionInput(ApprovalDecisionKind.Approve, null, FullScores), _workflows);

        var again = await Assert.ThrowsAsync<DomainException>(() => _service.DecideAsync(link.Token, new ApprovalDecisionInput(ApprovalDecisionKind.Reject, "不同意", null), _workflows));

        Assert.Equal((FailureKind.Conflict, "approval.link_used"), (again.Kind, again.Code));
        Assert.Single(_workflows.Raised);
        Assert.Contains("approval.refused", _audit.Actions);
    }

    [Fact]
    public async Task Decide_AnotherLinkToTheSameSlot_IsAlsoRefusedOnceDecided()
    {
        var first = await _service.IssueAsync(FixedSubject.Slot(), Now.AddDays(1));
        var reminder = await _service.IssueAsync(FixedSubject.Slot(), Now.AddDays(2));
        await _service.DecideAsync(first.Token, new ApprovalDecisionInput(ApprovalDecisionKind.Approve, null, FullScores), _workflows);

        var refused = await Assert.ThrowsAsync<DomainException>(() => _service.DecideAsync(reminder.Token, new ApprovalDecisionInput(ApprovalDecisionKind.Approve, null, FullScores), _workflows));

        Assert.Equal("approval.link_used", refused.Code);
    }

    [Fact]
    public async Task Decide_ManyConcurrentUses_ExactlyOneDecides()
    {
        var link = await _service.IssueAsync(FixedSubject.Slot(), Now.AddDays(1));

        var attempts = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            try
            {
                await _service.DecideAsync(link.Token, new ApprovalDecisionInput(ApprovalDecisionKind.Approve, null, FullScores), _workflows);
                return "ok";
            }
            catch (DomainException e)
            {
                return e.Code;
            }
        }));
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, r => r == "ok");
        Assert.All(results.Where(r => r != "ok"), r => Assert.Equal("approval.link_used", r));
        Assert.Single(_workflows.Raised);
        Assert.Single(_audit.Actions, a => a == "approval.decided");
    }

    [Fact]
    public async Task Decide_ClosedSlot_410ClosedAndNoEvent()
    {
        var link = await _service.IssueAsync(FixedSubject.Slot(), Now.AddDays(1));
        var late = await _service.CloseAsync("scenario-review-scn-1-r1", ["provider-org-1"], "round-rejected");

        var refused = await Assert.ThrowsAsync<DomainException>(() => _service.DecideAsync(link.Token, new ApprovalDecisionInput(ApprovalDecisionKind.Approve, null, FullScores), _workflows));

        Assert.Empty(late);
        Assert.Equal((FailureKind.Gone, "approval.link_closed"), (refused.Kind, refused.Code));
        Assert.Empty(_workflows.Raised);
    }

    [Fact]
    public async Task Close_SlotDecidedJustBefore_ReturnsTheDecisionAndKeepsIt()
    {
        var link = await _service.IssueAsync(FixedSubject.Slot(), Now.AddDays(1));
        await _service.DecideAsync(link.Token, new ApprovalDecisionInput(ApprovalDecisionKind.Changes, "补充", null), _workflows);

        var late = await _service.CloseAsync("scenario-review-scn-1-r1", ["provider-org-1"], "round-rejected");

        Assert.Equal(ApprovalDecisionKind.Changes, Assert.Single(late).Decision!.Kind);
        Assert.Equal(ApprovalSlotState.Decided, _store.Claims.Single().Value.State);
    }

    [Fact]
    public async Task Decide_InstanceAlreadyFinished_410ClosedAndAudited()
    {
        var link = await _service.IssueAsync(FixedSubject.Slot(), Now.AddDays(1));

        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            _service.DecideAsync(link.Token, new ApprovalDecisionInput(ApprovalDecisionKind.Approve, null, FullScores), new RecordingWorkflowGateway(instanceRunning: false)));

        Assert.Equal("approval.link_closed", refused.Code);
        Assert.DoesNotContain("approval.decided", _audit.Actions);
    }

    [Fact]
    public async Task Decide_TamperedToken_403AuditedAsRefused()
    {
        var link = await _service.IssueAsync(FixedSubject.Slot(), Now.AddDays(1));

        var refused = await Assert.ThrowsAsync<DomainException>(() => _service.DecideAsync(link.Token + "x", new ApprovalDecisionInput(ApprovalDecisionKind.Approve, null, FullScores), _workflows));

        Assert.Equal((FailureKind.Forbidden, "approval.link_invalid"), (refused.Kind, refused.Code));
        var record = _audit.Records.Single(r => r.Action == "approval.refused");
        Assert.Equal("anonymous", record.Actor.Role);
        Assert.Empty(_store.Claims);
    }

    [Fact]
    public async Task Decide_ExpiredLink_410Expired()
    {
        var link = await _service.IssueAsync(FixedSubject.Slot(), Now.AddHours(1));
        _clock.UtcNow = Now.AddHours(2);

        var refused = await Assert.ThrowsAsync<DomainException>(() => _service.DecideAsync(link.Token, new ApprovalDecisionInput(ApprovalDecisionKind.Approve, null, FullScores), _workflows));

        Assert.Equal((FailureKind.Gone, "approval.link_expired"), (refused.Kind, refused.Code));
        Assert.Empty(_store.Claims);
    }

    [Fact]
    public async Task Decide_InvalidInput_422AndLinkStaysUsable()
    {
        var link = await _service.IssueAsync(FixedSubject.Slot(), Now.AddDays(1));

        var invalid = await Assert.ThrowsAsync<DomainException>(() => _service.DecideAsync(link.Token, new ApprovalDecisionInput(ApprovalDecisionKind.Approve, null, null), _workflows));
        await _service.DecideAsync(link.Token, new ApprovalDecisionInput(ApprovalDecisionKind.Approve, null, FullScores), _workflows);

        Assert.Equal((FailureKind.Unprocessable, "approval.invalid"), (invalid.Kind, invalid.Code));
        Assert.Single(_workflows.Raised);
    }

    [Fact]
    public async Task Open_NeverDecides_ShowsStateOfTheSlot()
    {
        var link = await _service.IssueAsync(FixedSubject.Slot(), Now.AddDays(1));

        var open = await _service.OpenAsync(link.Token);
        var openAgain = await _service.OpenAsync(link.Token);
        await _service.DecideAsync(link.Token, new ApprovalDecisionInput(ApprovalDecisionKind.Approve, null, FullScores), _workflows);
        var decided = await _service.OpenAsync(link.Token);

        Assert.Equal(ApprovalSlotState.Open, open.State);
        Assert.Equal(ApprovalSlotState.Open, openAgain.State);
        Assert.Equal(ApprovalSlotState.Decided, decided.State);
        Assert.Equal(Now.AddDays(1), open.LinkExpiresAt);
        Assert.Equal("测试评审", open.Subject.Heading);
    }

    [Fact]
    public void Validate_ApproveWithoutEveryScore_NamesEachMissingCriterion()
    {
        var error = Assert.Throws<DomainException>(() => ApprovalService.Validate(new ApprovalDecisionInput(ApprovalDecisionKind.Approve, null, new Dictionary<string, int> { ["necessity"] = 3 }), FixedSubject.Criteria, Now));

        Assert.Equal(["scores.socialValue"], error.Errors!.Keys);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(-1)]
    public void Validate_ScoreOutOfRange_Refused(int score)
    {
        var error = Assert.Throws<DomainException>(() => ApprovalService.Validate(new ApprovalDecisionInput(ApprovalDecisionKind.Changes, "改", new Dictionary<string, int> { ["necessity"] = score }), FixedSubject.Criteria, Now));

        Assert.True(error.Errors!.ContainsKey("scores.necessity"));
    }

    [Fact]
    public void Validate_UnknownCriterionMissingDecisionAndNoReason_AllNamed()
    {
        var noDecision = Assert.Throws<DomainException>(() => ApprovalService.Validate(new ApprovalDecisionInput(null, null, new Dictionary<string, int> { ["beauty"] = 3 }), FixedSubject.Criteria, Now));
        var rejectWithoutReason = Assert.Throws<DomainException>(() => ApprovalService.Validate(new ApprovalDecisionInput(ApprovalDecisionKind.Reject, "  ", null), FixedSubject.Criteria, Now));

        Assert.True(noDecision.Errors!.ContainsKey("decision"));
        Assert.True(noDecision.Errors!.ContainsKey("scores.beauty"));
        Assert.True(rejectWithoutReason.Errors!.ContainsKey("comment"));
    }

    [Fact]
    public void Validate_RejectWithPartialScores_KeepsScoresInCriteriaOrder()
    {
        var decision = ApprovalService.Validate(new ApprovalDecisionInput(ApprovalDecisionKind.Reject, "数据不必要", new Dictionary<string, int> { ["socialValue"] = 2, ["necessity"] = 1 }), FixedSubject.Criteria, Now);

        Assert.Equal(["necessity", "socialValue"], decision.Scores.Keys);
        Assert.Equal(Now, decision.DecidedAt);
    }
}
