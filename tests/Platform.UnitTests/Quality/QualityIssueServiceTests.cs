using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Quality;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Xunit;

namespace Platform.UnitTests.Quality;

public sealed class QualityIssueServiceTests
{
    [Fact]
    public async Task Raise_MondayMorning_DueInFiveWorkingDaysProviderToldAtOnceAndOrchestrationStarted()
    {
        var world = new QualityTestWorld();

        var raised = (await world.RaiseAsync()).Value;

        Assert.Equal(QualityIssueStatus.Open, raised.Status);
        Assert.Equal((new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 9), QualityTestWorld.DueMonday), (raised.CountingStartsOn, raised.DueLegalDate, raised.DueAt));
        var message = Assert.Single(world.Outbox.Sent);
        Assert.Equal((Recipient.Organization(QualityTestWorld.ProviderOrg), "quality-issue-qis-1-raised"), (message.Recipient, message.Id));
        Assert.Contains("2026-03-09", message.Body, StringComparison.Ordinal);
        var started = Assert.Single(world.Started);
        Assert.Equal((QualityIssueService.Orchestrator, "quality-issue-qis-1"), (started.Name, started.Instance));
        Assert.Equal(new QualityIssueWorkflowInput("qis-1", QualityTestWorld.MondayMorning.UtcDateTime, QualityTestWorld.DueMonday.UtcDateTime, 1), started.Input);
        Assert.Contains(world.Audit.Records, r => r.Action == "quality_issue.raised");
    }

    [Fact]
    public async Task Raise_At1700Cst_CountsFromTheNextWorkingDay()
    {
        var world = new QualityTestWorld();
        world.Clock.UtcNow = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

        var raised = (await world.RaiseAsync()).Value;

        Assert.Equal((new DateOnly(2026, 3, 3), new DateOnly(2026, 3, 10)), (raised.CountingStartsOn, raised.DueLegalDate));
    }

    [Fact]
    public async Task Raise_ConfiguredWorkingDays_DeadlineFollowsTheSetting()
    {
        var world = new QualityTestWorld(workingDays: 2);

        var raised = (await world.RaiseAsync()).Value;

        Assert.Equal((2, new DateOnly(2026, 3, 4)), (raised.CorrectionWorkingDays, raised.DueLegalDate));
    }

    [Fact]
    public async Task Raise_DraftResource_RefusedAsResourceNotFound()
    {
        var world = new QualityTestWorld();

        var failure = await Assert.ThrowsAsync<DomainException>(() => world.RaiseAsync(QualityTestWorld.FieldsDraft("负荷") with { ResourceId = "res-draft" }));

        Assert.Equal((FailureKind.Unprocessable, QualityIssueRules.ResourceNotFoundCode), (failure.Kind, failure.Code));
        Assert.Empty(world.Started);
    }

    [Fact]
    public async Task Raise_ByProvider_Forbidden()
    {
        var world = new QualityTestWorld();

        var failure = await Assert.ThrowsAsync<DomainException>(() => world.RaiseAsync(caller: QualityTestWorld.Provider));

        Assert.Equal(FailureKind.Forbidden, failure.Kind);
    }

    [Fact]
    public async Task FullCycle_AcknowledgeResolveClose_OnTimeEventRaisedRaiserToldAndAudited()
    {
        var world = new QualityTestWorld();
        var raised = await world.RaiseAsync();
        world.Clock.UtcNow = world.Clock.UtcNow.AddHours(2);

        var acknowledged = await world.Service.AcknowledgeAsync("qis-1", raised.ETag, QualityTestWorld.Provider);
        var resolved = await world.Service.ResolveAsync("qis-1", new QualityResolutionDraft(QualityResolutionOutcome.Corrected, "已更正负荷字段", ["更正记录"]), acknowledged.ETag,
            QualityTestWorld.Provider, world.Workflows.Object);
        var closed = await world.Service.CloseAsync("qis-1", "确认", resolved.ETag, QualityTestWorld.Operator);

        Assert.Equal(QualityIssueStatus.Closed, closed.Value.Status);
        Assert.True(closed.Value.Resolution!.OnTime);
        var raisedEvent = Assert.Single(world.Raised);
        Assert.Equal(("quality-issue-qis-1", QualityIssueService.ResolvedEventName), (raisedEvent.Instance, raisedEvent.Name));
        Assert.Equal(new QualityIssueResolvedEvent("qis-1", QualityResolutionOutcome.Corrected), raisedEvent.Payload);
        Assert.Contains(world.Outbox.Sent, n => n.Id == "quality-issue-qis-1-resolved" && n.Recipient == Recipient.Organization(QualityTestWorld.OperatorOrg));
        Assert.Equal(["quality_issue.raised", "quality_issue.acknowledged", "quality_issue.resolved", "quality_issue.closed"], world.Audit.Records.Select(r => r.Action));
    }

    [Fact]
    public async Task Acknowledge_StaleIfMatch_PreconditionFailed()
    {
        var world = new QualityTestWorld();
        await world.RaiseAsync();

        var failure = await Assert.ThrowsAsync<DomainException>(() => world.Service.AcknowledgeAsync("qis-1", "W/\"stale\"", QualityTestWorld.Provider));

        Assert.Equal((FailureKind.PreconditionFailed, "concurrency.etag_mismatch"), (failure.Kind, failure.Code));
    }

    [Fact]
    public async Task Acknowledge_AnotherProvider_NotFound()
    {
        var world = new QualityTestWorld();
        await world.RaiseAsync();

        var failure = await Assert.ThrowsAsync<DomainException>(() => world.Service.AcknowledgeAsync("qis-1", null, QualityTestWorld.OtherProvider));

        Assert.Equal((FailureKind.NotFound, QualityIssueRules.NotFoundCode), (failure.Kind, failure.Code));
    }

    [Fact]
    public async Task Acknowledge_ByTheRaiser_ForbiddenNotProvider()
    {
        var world = new QualityTestWorld();
        await world.RaiseAsync();

        var failure = await Assert.ThrowsAsync<DomainException>(() => world.Service.AcknowledgeAsync("qis-1", null, QualityTestWorld.Operator));

        Assert.Equal(QualityIssueRules.NotProviderCode, failure.Code);
    }

    [Fact]
    public async Task Close_ByTheProvider_ForbiddenNotRaiser()
    {
        var world = new QualityTestWorld();
        await world.RaiseAsync();

        var failure = await Assert.ThrowsAsync<DomainException>(() => world.Service.CloseAsync("qis-1", null, null, QualityTestWorld.Provider));

        Assert.Equal(QualityIssueRules.NotRaiserCode, failure.Code);
    }

    [Fact]
    public async Task Resolve_UnderCompression_LegalInstantDecidesOnTime()
    {
        // Legal period ≈ 7.6 days; at x10000 it passes in about 66 seconds. An answer after 100 real seconds is late.
        var world = new QualityTestWorld(new TimeCompression(10_000));
        await world.RaiseAsync();
        await world.Service.AcknowledgeAsync("qis-1", null, QualityTestWorld.Provider);
        world.Clock.UtcNow = QualityTestWorld.MondayMorning.AddSeconds(100);

        var resolved = await world.Service.ResolveAsync("qis-1", new QualityResolutionDraft(QualityResolutionOutcome.Corrected, "已更正", null), null, QualityTestWorld.Provider,
            world.Workflows.Object);

        Assert.False(resolved.Value.Resolution!.OnTime);
    }

    [Fact]
    public async Task Escalate_Unanswered_FlaggedAuthorityToldOnceProviderRemindedEachCheck()
    {
        var world = new QualityTestWorld();
        await world.RaiseAsync();
        world.Clock.UtcNow = QualityTestWorld.DueMonday;

        var first = await world.Escalation.EscalateAsync("qis-1", 1);
        var again = await world.Escalation.EscalateAsync("qis-1", 1);
        var second = await world.Escalation.EscalateAsync("qis-1", 2);

        Assert.Equal(new QualityEscalationOutcome(QualityIssueStatus.Open, true), first);
        Assert.Equal(first, again);
        Assert.Equal(first, second);
        var issue = (await world.Store.GetAsync("qis-1"))!.Value;
        Assert.Equal((true, QualityTestWorld.DueMonday), (issue.Overdue, issue.EscalatedAt));
        Assert.Single(world.Outbox.Sent, n => n.Recipient == Recipient.Role(Roles.Authority));
        Assert.Equal(["quality-issue-qis-1-overdue-reminder-1", "quality-issue-qis-1-overdue-reminder-2"],
            world.Outbox.Sent.Where(n => n.Id.Contains("reminder", StringComparison.Ordinal)).Select(n => n.Id));
        Assert.Single(world.Audit.Records, r => r.Action == "quality_issue.overdue");
    }

    [Fact]
    public async Task Escalate_AlreadyCorrected_LeavesItAndReportsTheStatus()
    {
        var world = new QualityTestWorld();
        await world.RaiseAsync();
        await world.Service.AcknowledgeAsync("qis-1", null, QualityTestWorld.Provider);
        await world.Service.ResolveAsync("qis-1", new QualityResolutionDraft(QualityResolutionOutcome.Corrected, "已更正", null), null, QualityTestWorld.Provider, world.Workflows.Object);

        var outcome = await world.Escalation.EscalateAsync("qis-1", 1);

        Assert.Equal(new QualityEscalationOutcome(QualityIssueStatus.Corrected, false), outcome);
        Assert.DoesNotContain(world.Outbox.Sent, n => n.Recipient == Recipient.Role(Roles.Authority));
    }

    [Fact]
    public async Task Sweep_OverdueNotEscalated_EscalatesOnceAndIsIdempotent()
    {
        var world = new QualityTestWorld();
        await world.RaiseAsync();
        world.Clock.UtcNow = QualityTestWorld.MondayMorning.AddHours(7.5); // 17:30 CST: due a day later
        await world.RaiseAsync();
        var step = new QualityIssueDeadlineSweepStep(world.Escalation);

        var beforeDue = await step.SweepAsync(QualityTestWorld.DueMonday.AddTicks(-1));
        var atDue = await step.SweepAsync(QualityTestWorld.DueMonday.AddHours(1));
        var again = await step.SweepAsync(QualityTestWorld.DueMonday.AddHours(2));

        Assert.Equal((0, 1, 0), (beforeDue, atDue, again));
        Assert.Equal("quality-issues", step.Name);
        Assert.True((await world.Store.GetAsync("qis-1"))!.Value.Overdue);
        Assert.False((await world.Store.GetAsync("qis-2"))!.Value.Overdue);
        Assert.Single(world.Outbox.Sent, n => n.Id == "quality-issue-qis-1-overdue");
    }

    [Fact]
    public async Task List_ProviderAndOperator_SeeOnlyTheirOwn()
    {
        var world = new QualityTestWorld();
        await world.RaiseAsync();
        await world.RaiseAsync(caller: new Caller("dev", Roles.Developer, "org-developer"));

        var provider = await world.Service.ListAsync(QualityTestWorld.Provider, null, null, 50, null);
        var other = await world.Service.ListAsync(QualityTestWorld.OtherProvider, null, null, 50, null);
        var raiser = await world.Service.ListAsync(QualityTestWorld.Operator, null, QualityIssueStatus.Open, 50, null);

        Assert.Equal(2, provider.Items.Count);
        Assert.Empty(other.Items);
        Assert.Equal(["qis-1"], raiser.Items.Select(i => i.Id));
    }
}
