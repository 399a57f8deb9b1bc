using Platform.Domain.Agreements;
using Platform.Domain.Approvals;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Resources;
using Platform.Domain.Scenarios;
using Platform.Domain.Security;
using Xunit;
using static Platform.UnitTests.DataRequests.DataRequestTestWorld;

namespace Platform.UnitTests.DataRequests;

public sealed class DataRequestUseCaseTests
{
    private readonly DataRequestTestWorld _world = new();

    [Fact]
    public async Task SubmitAsync_WithinTheScenario_PendingWithAReviewPerProviderAndTheOrchestrationStarted()
    {
        var request = await _world.SubmitAsync(Draft((PowerResource, ["负荷", "区域编码"]), (TrafficResource, ["车流量"])));

        Assert.Equal(DataRequestStatus.Pending, request.Status);
        Assert.Equal([GridSlot, TrafficSlot], request.Reviews.Select(r => r.Slot));
        Assert.Equal(["负荷", "区域编码"], request.Items[0].Fields);
        Assert.Equal("评估电网承载能力", request.Items[0].Justification);
        Assert.Equal("电网负荷数据", request.Items[0].ResourceName);
        var started = Assert.Single(_world.Workflows.Started);
        Assert.Equal((DataRequestContract.Orchestrator, $"data-request-{request.Id}"), (started.Orchestrator, started.InstanceId));
        Assert.Equal(new DataRequestReviewInput(request.Id, _world.Clock.UtcNow.UtcDateTime, 1), started.Input);
        Assert.Contains(_world.Audit.Records, r => r.Action == "data_request.submitted");
    }

    [Fact]
    public async Task SubmitAsync_FieldOutsideTheScenario_422ExceedsScenarioAndNothingStored()
    {
        var refused = await Assert.ThrowsAsync<DomainException>(() => _world.SubmitAsync(Draft((PowerResource, ["负荷", "户主姓名"]))));

        Assert.Equal((FailureKind.Unprocessable, "data_request.exceeds_scenario"), (refused.Kind, refused.Code));
        Assert.Equal(["items[0].fields"], refused.Errors!.Keys);
        Assert.Empty(_world.Store.All);
        Assert.Empty(_world.Workflows.Started);
    }

    [Fact]
    public async Task SubmitAsync_AgreementTerminated_409AgreementNotInForce()
    {
        _world.Agreement = _world.Agreement with { Status = AgreementStatus.Terminated };

        var refused = await Assert.ThrowsAsync<DomainException>(() => _world.SubmitAsync());

        Assert.Equal((FailureKind.Conflict, "agreement.not_in_force"), (refused.Kind, refused.Code));
    }

    [Fact]
    public async Task SubmitAsync_OperatorSuspended_403OperatorSuspended()
    {
        _world.SuspendedOperators.Add(OperatorOrg);

        var refused = await Assert.ThrowsAsync<DomainException>(() => _world.SubmitAsync());

        Assert.Equal((FailureKind.Forbidden, "operator.suspended"), (refused.Kind, refused.Code));
    }

    [Fact]
    public async Task SubmitAsync_ScenarioStillInReview_409ScenarioNotApproved()
    {
        _world.Scenario = _world.Scenario with { Status = ScenarioStatus.InReview };

        var refused = await Assert.ThrowsAsync<DomainException>(() => _world.SubmitAsync());

        Assert.Equal((FailureKind.Conflict, "data_request.scenario_not_approved"), (refused.Kind, refused.Code));
    }

    [Fact]
    public async Task SubmitAsync_AnotherOperatorsScenario_404()
    {
        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            _world.Submission.SubmitAsync("drq-x", ScenarioId, Draft((PowerResource, ["负荷"])), new Caller("u", Roles.Operator, "org-other"), _world.NewId, _world.Workflows));

        Assert.Equal((FailureKind.NotFound, "scenario.not_found"), (refused.Kind, refused.Code));
    }

    [Fact]
    public async Task SubmitAsync_ResourceNotPublished_422NamingTheItem()
    {
        var resource = (await _world.Resources.GetAsync(TrafficResource))!;
        await _world.Resources.ReplaceAsync(resource.Value with { Status = ResourceStatus.Submitted }, resource.ETag);

        var refused = await Assert.ThrowsAsync<DomainException>(() => _world.SubmitAsync());

        Assert.Equal("data_request.resource_not_published", refused.Code);
        Assert.Equal(["items[1].resourceId"], refused.Errors!.Keys);
    }

    [Fact]
    public async Task ScheduleAsync_SubmittedMondayMorning_DueNextMondayEndOfDayRemindedFridayAndRepeatable()
    {
        var request = await _world.SubmitAsync();

        var plan = await _world.Schedule.ScheduleAsync(request.Id);
        _world.Clock.UtcNow = _world.Clock.UtcNow.AddDays(1);
        var again = await _world.Schedule.ScheduleAsync(request.Id);

        var grid = plan.Reviews.Single(r => r.Slot == GridSlot);
        Assert.Equal(new DateTime(2026, 3, 9, 16, 0, 0, DateTimeKind.Utc), grid.DueUtc);
        Assert.Equal(new DateTime(2026, 3, 6, 1, 0, 0, DateTimeKind.Utc), grid.RemindUtc);
        Assert.Equal(plan.Reviews, again.Reviews);
        var stored = (await _world.CurrentAsync(request.Id)).Review(GridSlot)!;
        Assert.Equal(new DateOnly(2026, 3, 9), stored.DueLegalDate);
        Assert.Empty(stored.CalendarFallbackYears!);
        Assert.Single(_world.Audit.Records, r => r.Action == "data_request.review_scheduled");
        Assert.Equal(2, _world.Timeliness.Records.Count);
    }

    [Fact]
    public async Task IssueReviewTaskAsync_OpenReview_ProviderGetsTheLinkAndTheRouteInChinese()
    {
        var request = await _world.SubmitAndScheduleAsync();

        await _world.ReviewTasks.IssueReviewTaskAsync(request.Id, GridSlot);

        var task = Assert.Single(_world.Outbox.Sent);
        Assert.Equal((Recipient.Organization(GridOrg), $"data-request-{request.Id}-{GridSlot}"), (task.Recipient, task.Id));
        Assert.StartsWith("https://data.example.cn/api/approvals/", task.Link, StringComparison.Ordinal);
        Assert.Contains($"POST /api/data-requests/{request.Id}/reviews", task.Body, StringComparison.Ordinal);
        Assert.Contains("2026-03-09", task.Body, StringComparison.Ordinal);
        Assert.Contains("电网负荷数据", task.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("道路车流量", task.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitReviewAsync_ProviderApprovesOnTheRoute_DecisionFiledEventRaisedAndItsLinkRefused()
    {
        var request = await _world.SubmitAndScheduleAsync();
        await _world.ReviewTasks.IssueReviewTaskAsync(request.Id, GridSlot);
        var linkToken = _world.Outbox.Sent.Single().Link![(_world.Outbox.Sent.Single().Link!.LastIndexOf('/') + 1)..];

        var updated = await _world.Reviews.SubmitReviewAsync(request.Id, new ReviewDraft(ItemDecisionKind.Approve, null, null), Provider(GridOrg), _world.Workflows);
        var viaLink = await Assert.ThrowsAsync<DomainException>(() =>
            _world.Approvals.DecideAsync(linkToken, new ApprovalDecisionInput(ApprovalDecisionKind.Reject, "不同意", null), _world.Workflows));

        var review = updated.Value.Review(GridSlot)!;
        Assert.Equal((ReviewChannel.Api, false, $"{GridOrg}-user"), (review.Decision!.Channel, review.Decision.Late, review.Decision.DecidedBy));
        Assert.Equal(DataRequestItemStatus.Approved, updated.Value.Items.Single(i => i.ResourceId == PowerResource).Status);
        Assert.Equal(DataRequestStatus.PartiallyApproved, updated.Value.Status);
        var raised = Assert.Single(_world.Workflows.Raised);
        Assert.Equal(($"data-request-{request.Id}", ApprovalService.DecisionEventName, GridSlot), (raised.InstanceId, raised.EventName, ((ApprovalDecidedEvent)raised.Payload).Slot));
        Assert.Equal("approval.link_used", viaLink.Code);
    }

    [Fact]
    public async Task SubmitReviewAsync_SecondDecision_409AlreadyDecided()
    {
        var request = await _world.SubmitAndScheduleAsync();
        await _world.Reviews.SubmitReviewAsync(request.Id, new ReviewDraft(ItemDecisionKind.Approve, null, null), Provider(GridOrg), _world.Workflows);

        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            _world.Reviews.SubmitReviewAsync(request.Id, new ReviewDraft(ItemDecisionKind.Reject, "改变主意", null), Provider(GridOrg), _world.Workflows));

        Assert.Equal((FailureKind.Conflict, "data_request.review_already_decided"), (refused.Kind, refused.Code));
    }

    [Fact]
    public async Task SubmitReviewAsync_ProviderNotAskedForData_404()
    {
        var request = await _world.SubmitAndScheduleAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            _world.Reviews.SubmitReviewAsync(request.Id, new ReviewDraft(ItemDecisionKind.Approve, null, null), Provider("org-stranger"), _world.Workflows));

        Assert.Equal("data_request.not_found", refused.Code);
    }

    [Fact]
    public async Task RecordDecisionAsync_DecidedThroughTheLink_AllTheProvidersItemsTakeTheDecision()
    {
        var request = await _world.SubmitAndScheduleAsync();
        await _world.ReviewTasks.IssueReviewTaskAsync(request.Id, TrafficSlot);
        var link = _world.Outbox.Sent.Single().Link!;
        await _world.Approvals.DecideAsync(link[(link.LastIndexOf('/') + 1)..], new ApprovalDecisionInput(ApprovalDecisionKind.Changes, "车流量需按小时汇总", null), _world.Workflows);

        var outcome = await _world.Decisions.RecordDecisionAsync(request.Id, TrafficSlot);
        var again = await _world.Decisions.RecordDecisionAsync(request.Id, TrafficSlot);

        var current = await _world.CurrentAsync(request.Id);
        Assert.Equal(new DataRequestDecisionOutcome(DataRequestStatus.Pending, true, false), outcome);
        Assert.Equal(outcome, again);
        Assert.Equal(DataRequestItemStatus.Rejected, current.Items.Single(i => i.ResourceId == TrafficResource).Status);
        Assert.Equal(ReviewChannel.Link, current.Review(TrafficSlot)!.Decision!.Channel);
        Assert.Single(_world.Audit.Records, r => r.Action == "data_request.review_decided");
    }

    [Fact]
    public async Task EscalateAsync_OpenReviewAtItsDeadline_OverdueAuthorityToldOnceProviderRemindedEachTime()
    {
        var request = await _world.SubmitAndScheduleAsync();
        _world.Clock.UtcNow = new DateTimeOffset(2026, 3, 9, 16, 0, 0, TimeSpan.Zero);

        var first = await _world.Decisions.EscalateAsync(request.Id, TrafficSlot, 1);
        var second = await _world.Decisions.EscalateAsync(request.Id, TrafficSlot, 2);

        Assert.Equal(new DataRequestEscalationOutcome(DataRequestStatus.Pending, false, false), first);
        Assert.False(second.Decided);
        var review = (await _world.CurrentAsync(request.Id)).Review(TrafficSlot)!;
        Assert.True(review.Overdue);
        Assert.Null(review.Decision);
        var toAuthority = Assert.Single(_world.Outbox.Sent, n => n.Recipient == Recipient.Role(Roles.Authority));
        Assert.Contains("不以沉默视为同意", toAuthority.Body, StringComparison.Ordinal);
        Assert.Equal(2, _world.Outbox.Sent.Count(n => n.Recipient == Recipient.Organization(TrafficOrg) && n.Id.Contains("overdue-reminder", StringComparison.Ordinal)));
        Assert.Single(_world.Audit.Records, r => r.Action == "data_request.review_overdue");
        Assert.True(_world.Timeliness.Records[(TrafficOrg, request.Id)].Overdue);
    }

    [Fact]
    public async Task EscalateAsync_DecisionOnRecordButEventLost_FiledInsteadOfEscalated()
    {
        var request = await _world.SubmitAndScheduleAsync();
        var decision = new ApprovalDecision(ApprovalDecisionKind.Approve, new Dictionary<string, int>(), null, _world.Clock.UtcNow);
        await _world.ApprovalStore.TryClaimAsync(new ApprovalClaim(request.InstanceId, GridSlot, ApprovalSlotState.Decided, decision, "nonce-1", null, _world.Clock.UtcNow));

        var outcome = await _world.Decisions.EscalateAsync(request.Id, GridSlot, 1);

        Assert.Equal(new DataRequestEscalationOutcome(DataRequestStatus.PartiallyApproved, true, true), outcome);
        Assert.DoesNotContain(_world.Outbox.Sent, n => n.Recipient == Recipient.Role(Roles.Authority));
    }

    [Fact]
    public async Task LateDecision_AfterTheDeadline_AcceptedRecordedLateAndInTheTimelinessRecords()
    {
        var request = await _world.SubmitAndScheduleAsync();
        _world.Clock.UtcNow = new DateTimeOffset(2026, 3, 9, 16, 0, 0, TimeSpan.Zero);
        await _world.Decisions.EscalateAsync(request.Id, TrafficSlot, 1);
        _world.Clock.UtcNow = _world.Clock.UtcNow.AddDays(1);

        await _world.Reviews.SubmitReviewAsync(request.Id, new ReviewDraft(ItemDecisionKind.Approve, null, null), Provider(TrafficOrg), _world.Workflows);

        var records = await _world.Queries.ListTimelinessAsync(TrafficOrg, 2026);
        var record = Assert.Single(records);
        Assert.Equal((true, true, _world.Clock.UtcNow), (record.Overdue, record.Late, record.DecidedAt!.Value));
        Assert.True((await _world.CurrentAsync(request.Id)).Review(TrafficSlot)!.Decision!.Late);
        Assert.Empty(await _world.Queries.ListTimelinessAsync(TrafficOrg, 2025));
    }

    [Fact]
    public async Task CancelPendingAsync_AgreementEnded_RequestCancelledLinksClosedAndRepeatingChangesNothing()
    {
        var request = await _world.SubmitAndScheduleAsync();
        await _world.ReviewTasks.IssueReviewTaskAsync(request.Id, GridSlot);
        var link = _world.Outbox.Sent.Single().Link!;

        var cancelled = await _world.Revocation.CancelPendingAsync(AgreementId, "terminated");
        var again = await _world.Revocation.CancelPendingAsync(AgreementId, "terminated");
        var viaLink = await Assert.ThrowsAsync<DomainException>(() =>
            _world.Approvals.DecideAsync(link[(link.LastIndexOf('/') + 1)..], new ApprovalDecisionInput(ApprovalDecisionKind.Approve, null, null), _world.Workflows));
        var viaRoute = await Assert.ThrowsAsync<DomainException>(() =>
            _world.Reviews.SubmitReviewAsync(request.Id, new ReviewDraft(ItemDecisionKind.Approve, null, null), Provider(TrafficOrg), _world.Workflows));

        Assert.Equal((1, 0), (cancelled, again));
        Assert.Equal(DataRequestStatus.Cancelled, (await _world.CurrentAsync(request.Id)).Status);
        Assert.Equal("approval.link_closed", viaLink.Code);
        Assert.Equal("data_request.not_pending", viaRoute.Code);
        Assert.Equal(new DataRequestEscalationOutcome(DataRequestStatus.Cancelled, false, false), await _world.Decisions.EscalateAsync(request.Id, GridSlot, 1));
    }

    [Fact]
    public async Task GetAsync_ObjectLevelAccess_OperatorOwnInvolvedProvidersAuthorityOthers404()
    {
        var request = await _world.SubmitAsync();

        await _world.Queries.GetAsync(request.Id, Operator);
        await _world.Queries.GetAsync(request.Id, Provider(GridOrg));
        await _world.Queries.GetAsync(request.Id, new Caller("a", Roles.Authority, "org-authority"));
        var stranger = await Assert.ThrowsAsync<DomainException>(() => _world.Queries.GetAsync(request.Id, new Caller("u", Roles.Operator, "org-other")));
        var otherProvider = await Assert.ThrowsAsync<DomainException>(() => _world.Queries.GetAsync(request.Id, Provider("org-stranger")));

        Assert.Equal(["data_request.not_found", "data_request.not_found"], new[] { stranger.Code, otherProvider.Code });
    }
}
