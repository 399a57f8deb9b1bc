using Moq;
using Platform.Domain.Approvals;
using Platform.Domain.Calendar;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Products;
using Platform.Domain.ProductCompliance;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Functions.ProductCompliance;
using Platform.Orchestrations.ProductCompliance;
using Platform.UnitTests.Approvals;
using Platform.UnitTests.Personnel;
using Platform.UnitTests.Resources;
using Xunit;
using static Platform.UnitTests.ProductCompliance.ProductComplianceTestData;

namespace Platform.UnitTests.ProductCompliance;

/// <summary>The activities over the real approval service and an in-memory approval store, with the product records mocked.</summary>
public sealed class ProductComplianceServiceTests
{
    private static readonly DateTime Anchor = new(2026, 3, 2, 2, 0, 0, DateTimeKind.Utc);

    private readonly Mock<IProductComplianceSubject> _subject = new();
    private readonly InMemoryApprovalStore _approvalStore = new();
    private readonly RecordingOutbox _outbox = new();
    private readonly ConcurrentAuditTrail _audit = new();
    private readonly FixedClock _clock = new(new DateTimeOffset(Anchor));
    private readonly ApprovalService _approvals;
    private readonly ProductReviewChecksStep _checks;
    private readonly ProductReviewLinkStep _links;
    private readonly ProductReviewEscalationStep _escalation;
    private readonly ProductReviewCompletionStep _completion;
    private ProductComplianceFacts? _facts = Facts();

    public ProductComplianceServiceTests()
    {
        var organizations = new Mock<IOrganizationStore>();
        organizations.Setup(o => o.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, CancellationToken _) => new Versioned<Organization>(
                new Organization(id, $"单位{id}", OrganizationKind.Provider, "91420100MA4K0000X0", "420100", DateTimeOffset.UnixEpoch, "seed", null), "e1"));
        var calendars = new Mock<ICalendarStore>();
        calendars.Setup(c => c.LoadAsync(It.IsAny<int>(), It.IsAny<int>(), It.IsAny<CancellationToken>())).ReturnsAsync(WorkingDayCalendar.WeekendsOnly);
        _subject.Setup(s => s.LoadFactsAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(() => _facts);
        _subject.Setup(s => s.RecordAutomatedChecksAsync(ProductId, It.IsAny<ProductReviewTrack>(), It.IsAny<IReadOnlyList<ComplianceFinding>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(ProductStatus.InReview);
        _subject.Setup(s => s.RecordReviewDecisionAsync(ProductId, It.IsAny<string>(), It.IsAny<string>(), It.IsAny<ApprovalDecision>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(ProductStatus.InReview);
        _subject.Setup(s => s.CompleteAsync(ProductId, It.IsAny<ProductComplianceOutcome>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, ProductComplianceOutcome outcome, CancellationToken _) => outcome.Kind == ProductComplianceOutcomeKind.Published ? ProductStatus.Published : ProductStatus.ChangesRequested);

        var links = new ApprovalLinkSettings(ApprovalLinkSettings.DefaultActiveKeyId, [], TimeSpan.FromDays(30), "https://data.example.cn");
        var signer = new ApprovalLinkSigner(new DictionarySecretStore(new Dictionary<string, string> { [ApprovalLinkSettings.DefaultActiveKeyId] = new string('k', 48) }), links, _clock);
        _approvals = new ApprovalService(_approvalStore, signer, _audit, _clock, [new ProductApprovalSubject([_subject.Object], organizations.Object, _clock)]);
        _checks = new ProductReviewChecksStep(_subject.Object, calendars.Object, _audit, _clock, ProductComplianceSettings.Default);
        _links = new ProductReviewLinkStep(_approvals, _approvalStore, links, _outbox, organizations.Object, _clock, TimeCompression.None);
        _escalation = new ProductReviewEscalationStep(_subject.Object, _links, _approvalStore, _outbox, _audit, _clock);
        _completion = new ProductReviewCompletionStep(_subject.Object, _approvals, _approvalStore, _outbox, _audit, _clock, ProductComplianceSettings.Default);
    }

    [Fact]
    public async Task RunChecks_CleanFastTrackProduct_RecordsPassedChecksAndPlansTheAuthorityForThreeWorkingDays()
    {
        var result = await new RunProductChecksActivity(_checks).RunAsync(null!, Request());

        Assert.True(result.Passed);
        Assert.Equal(ProductStatus.InReview, result.Status);
        Assert.Equal(ProductReviewTrack.Fast, result.Plan!.Track);
        Assert.Equal(["authority"], result.Plan.Slots);
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 16, 0, 0, TimeSpan.Zero), result.Plan.DueAt);
        _subject.Verify(s => s.RecordAutomatedChecksAsync(ProductId, ProductReviewTrack.Fast, It.Is<IReadOnlyList<ComplianceFinding>>(f => f.Count == 0), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunChecks_IdNumberInTheData_RecordsTheFindingWithFieldAndRow()
    {
        _facts = Facts("industry", data: [DataWith("count", 2, IdNumber)]);

        var result = await _checks.RunChecksAsync(Request());

        var finding = Assert.Single(result.Findings);
        Assert.Equal(("count", 2), (finding.Field, finding.Row));
        _subject.Verify(s => s.RecordAutomatedChecksAsync(ProductId, ProductReviewTrack.Full, It.Is<IReadOnlyList<ComplianceFinding>>(f => f.Single().Row == 2), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunChecks_ProductGone_ReportedWithdrawnWithoutRecording()
    {
        _facts = null;

        var result = await _checks.RunChecksAsync(Request());

        Assert.Equal(ProductStatus.Withdrawn, result.Status);
        Assert.Null(result.Plan);
        _subject.Verify(s => s.RecordAutomatedChecksAsync(It.IsAny<string>(), It.IsAny<ProductReviewTrack>(), It.IsAny<IReadOnlyList<ComplianceFinding>>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task IssueLink_Twice_OneSlotOneMessageWithTheLinkToTheReviewer()
    {
        var plan = await FullPlanAsync();
        var activity = new IssueProductReviewLinkActivity(_links);

        await activity.RunAsync(null!, new ProductReviewSlotRequest(plan, $"provider-{ProviderA}"));
        await activity.RunAsync(null!, new ProductReviewSlotRequest(plan, $"provider-{ProviderA}"));

        var sent = Assert.Single(_outbox.Sent);
        Assert.Equal(Recipient.Organization(ProviderA), sent.Recipient);
        Assert.Equal($"{plan.InstanceId}-provider-{ProviderA}", sent.Id);
        Assert.StartsWith("https://data.example.cn/api/approvals/", sent.Link, StringComparison.Ordinal);
        Assert.Contains("区县客流指数", sent.Subject, StringComparison.Ordinal);
        var slot = await _approvalStore.GetSlotAsync(plan.InstanceId, $"provider-{ProviderA}");
        Assert.Equal((ProductReviewLinkStep.SubjectKind, ProductId, Roles.Provider), (slot!.SubjectKind, slot.SubjectId, slot.ReviewerRole));
    }

    [Fact]
    public async Task ApprovalPage_ProductSlot_ShowsTheFactsInChineseWithoutDataValues()
    {
        _facts = Facts("industry", price: 120m);
        var plan = await FullPlanAsync();
        await _links.IssueReviewLinkAsync(plan, "authority");

        var page = await _approvals.OpenAsync(Token(_outbox.Sent.Single().Link!));

        Assert.Equal("数据产品合规审核", page.Subject.Heading);
        Assert.Contains(page.Subject.Facts, f => f.Label == "产品名称" && f.Value == "区县客流指数");
        Assert.Contains(page.Subject.Facts, f => f.Label == "用途类别" && f.Value.Contains("产业类", StringComparison.Ordinal));
        Assert.Contains(page.Subject.Facts, f => f.Label == "价格" && f.Value == "120.00 元");
        Assert.Contains(page.Subject.Facts, f => f.Label == "审核方式" && f.Value == "完整审核");
        var checks = Assert.Single(page.Subject.Groups, g => g.Title == "自动检查结果");
        Assert.All(checks.Facts, f => Assert.True(f.Value is "通过" || f.Value.StartsWith("不适用", StringComparison.Ordinal), f.Value));
        Assert.Contains(page.Subject.Groups, g => g.Facts.Any(f => f.Label == "使用字段" && f.Value == "district、count"));
        var everything = string.Join("|", page.Subject.Facts.Concat(page.Subject.Groups.SelectMany(g => g.Facts)).Select(f => f.Value));
        Assert.DoesNotContain("江岸区", everything, StringComparison.Ordinal);
        Assert.Equal(["consistency", "masking", "consent", "value"], page.Subject.Criteria.Select(c => c.Key));
    }

    [Fact]
    public async Task Decide_ThroughTheLink_RaisesTheEventTheRecordActivityFilesOnTheProduct()
    {
        var plan = await FullPlanAsync();
        await _links.IssueReviewLinkAsync(plan, "authority");
        var workflows = new RecordingWorkflowGateway();
        var scores = ProductReviewCriteria.All.ToDictionary(c => c.Key, _ => 5);

        await _approvals.DecideAsync(Token(_outbox.Sent.Single().Link!), new ApprovalDecisionInput(ApprovalDecisionKind.Approve, null, scores), workflows);
        var (instanceId, _, payload) = Assert.Single(workflows.Raised);
        var status = await new RecordProductReviewDecisionActivity(_escalation).RunAsync(null!, new ProductReviewDecisionReceived(ProductId, 1, (ApprovalDecidedEvent)payload));

        Assert.Equal(plan.InstanceId, instanceId);
        Assert.Equal(ProductStatus.InReview, status);
        _subject.Verify(s => s.RecordReviewDecisionAsync(ProductId, "authority", "role:authority", It.Is<ApprovalDecision>(d => d.Kind == ApprovalDecisionKind.Approve), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Escalate_OpenSlot_TellsTheAuthorityRemindsTheReviewerWithAFreshLinkAndKeepsWaiting()
    {
        var plan = await FullPlanAsync();
        await _links.IssueReviewLinkAsync(plan, $"provider-{ProviderB}");

        var result = await new EscalateProductReviewActivity(_escalation).RunAsync(null!, new ProductReviewEscalation(plan, 1, [$"provider-{ProviderB}"]));

        Assert.Equal(ProductStatus.InReview, result.Status);
        Assert.Empty(result.Recovered);
        Assert.Contains(_outbox.Sent, n => n.Id == $"{plan.InstanceId}-provider-{ProviderB}-overdue-1" && n.Recipient == Recipient.Role(Roles.Authority) && n.Body.Contains("不以沉默视为同意", StringComparison.Ordinal));
        var reminder = Assert.Single(_outbox.Sent, n => n.Id == $"{plan.InstanceId}-provider-{ProviderB}-reminder-1");
        Assert.NotEqual(_outbox.Sent[0].Link, reminder.Link);
        Assert.Contains("product.review_overdue", _audit.Actions);
        _subject.Verify(s => s.CompleteAsync(It.IsAny<string>(), It.IsAny<ProductComplianceOutcome>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Escalate_DecisionWhoseEventWasLost_RecoveredAndFiled()
    {
        var plan = await FullPlanAsync();
        await _links.IssueReviewLinkAsync(plan, "authority");
        await _approvals.DecideAsync(Token(_outbox.Sent.Single().Link!), new ApprovalDecisionInput(ApprovalDecisionKind.Changes, "补充授权材料", null), new RecordingWorkflowGateway());

        var result = await _escalation.EscalateAsync(plan, ["authority"], 1);

        var recovered = Assert.Single(result.Recovered);
        Assert.Equal(ApprovalDecisionKind.Changes, recovered.Decision.Kind);
        Assert.DoesNotContain(_outbox.Sent, n => n.Id.Contains("overdue", StringComparison.Ordinal));
        _subject.Verify(s => s.RecordReviewDecisionAsync(ProductId, "authority", "role:authority", It.IsAny<ApprovalDecision>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Escalate_SlotsClosedByTheRevocationStep_ReportedWithdrawnWithoutReminders()
    {
        var plan = await FullPlanAsync();
        var closed = await _completion.CloseReviewLinksAsync(ProductId, 1, "agreement-expired");

        var result = await _escalation.EscalateAsync(plan, plan.Slots, 1);

        Assert.Equal(3, closed);
        Assert.Equal(ProductStatus.Withdrawn, result.Status);
        Assert.Empty(_outbox.Sent);
    }

    [Fact]
    public async Task Complete_Published_ClosesOpenLinksRecordsTheOutcomeAndTellsTheOwnerOnce()
    {
        var plan = await FullPlanAsync();
        await _links.IssueReviewLinkAsync(plan, "authority");
        var link = _outbox.Sent.Single().Link!;
        var completion = new ProductReviewCompletion(plan, new ProductComplianceOutcome(ProductComplianceOutcomeKind.Published, [], null), ["authority"]);

        var status = await new CompleteProductReviewActivity(_completion).RunAsync(null!, completion);
        await _completion.CompleteAsync(completion.Plan, completion.Outcome, completion.OpenSlots);

        Assert.Equal(ProductStatus.Published, status);
        Assert.Single(_outbox.Sent, n => n.Recipient == Recipient.Organization(OperatorId) && n.Body.Contains("已登记并发布", StringComparison.Ordinal));
        var refused = await Assert.ThrowsAsync<Platform.Domain.Errors.DomainException>(() =>
            _approvals.DecideAsync(Token(link), new ApprovalDecisionInput(ApprovalDecisionKind.Reject, "晚了", null), new RecordingWorkflowGateway()));
        Assert.Equal(ApprovalService.ClosedCode, refused.Code);
    }

    [Fact]
    public async Task Complete_AutomatedFindings_TellsTheOwnerWhereWithoutTheValue()
    {
        _facts = Facts(data: [DataWith("count", 2, IdNumber)]);
        var checks = await _checks.RunChecksAsync(Request());

        await _completion.CompleteAsync(checks.Plan!, new ProductComplianceOutcome(ProductComplianceOutcomeKind.ChangesRequested, checks.Findings, null), []);

        var told = Assert.Single(_outbox.Sent, n => n.Recipient == Recipient.Organization(OperatorId));
        Assert.Contains("字段 count，第 2 行", told.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(IdNumber, told.Body, StringComparison.Ordinal);
        _subject.Verify(s => s.CompleteAsync(ProductId, It.Is<ProductComplianceOutcome>(o => o.Findings.Single().Row == 2), It.IsAny<CancellationToken>()), Times.Once);
    }

    private static ProductComplianceRequest Request() => new(ProductId, 1, Anchor, 1);

    private async Task<ProductReviewPlan> FullPlanAsync()
    {
        _facts = _facts is { UseCategory: "industry" } ? _facts : Facts("industry");
        return (await _checks.RunChecksAsync(Request())).Plan!;
    }

    private static string Token(string url) => url[(url.LastIndexOf('/') + 1)..];
}
