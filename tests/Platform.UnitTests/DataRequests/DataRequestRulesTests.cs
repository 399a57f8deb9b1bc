using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Platform.Domain.Approvals;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Scenarios;
using Xunit;

namespace Platform.UnitTests.DataRequests;

public sealed class DataRequestRulesTests
{
    private static readonly DateTimeOffset Submitted = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = new(2026, 3, 9, 16, 0, 0, TimeSpan.Zero);

    private static readonly IReadOnlyList<DataNeed> Needs =
    [
        new("res-power", "org-grid", ["区域编码", "时段", "负荷"], "评估电网承载能力"),
        new("res-traffic", "org-traffic", ["区域编码", "车流量"], "识别需求热点"),
    ];

    [Fact]
    public void EnsureWithinScenario_SubsetOfApprovedFieldsIgnoringCase_Passes()
    {
        var items = new[] { new RequestedItem("res-power", ["负荷", "区域编码"]), new RequestedItem("res-traffic", ["车流量"]) };

        var error = Record.Exception(() => DataRequestRules.EnsureWithinScenario(items, Needs));

        Assert.Null(error);
    }

    [Fact]
    public void EnsureWithinScenario_FieldOutsideTheScenario_422NamingItemsFieldsAndTheField()
    {
        var items = new[] { new RequestedItem("res-power", ["负荷"]), new RequestedItem("res-traffic", ["车流量", "车牌号"]) };

        var refused = Assert.Throws<DomainException>(() => DataRequestRules.EnsureWithinScenario(items, Needs));

        Assert.Equal(FailureKind.Unprocessable, refused.Kind);
        Assert.Equal("data_request.exceeds_scenario", refused.Code);
        var error = Assert.Single(refused.Errors!);
        Assert.Equal("items[1].fields", error.Key);
        Assert.Contains("车牌号", error.Value[0], StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureWithinScenario_ResourceNotInTheScenario_422NamingItemsResourceId()
    {
        var refused = Assert.Throws<DomainException>(() => DataRequestRules.EnsureWithinScenario([new RequestedItem("res-other", ["x"])], Needs));

        Assert.Equal("data_request.exceeds_scenario", refused.Code);
        Assert.Equal(["items[0].resourceId"], refused.Errors!.Keys);
    }

    [Property(MaxTest = 200)]
    public Property EnsureWithinScenario_AnySubsetPassesAndAnyExtraFieldIsRefused(NonEmptyArray<bool> picks, NonEmptyString extra)
    {
        var approved = Enumerable.Range(0, picks.Get.Length).Select(i => $"字段{i}").ToList();
        var need = new DataNeed("res-1", "org-p", approved, "理由");
        var subset = approved.Where((_, i) => picks.Get[i]).DefaultIfEmpty(approved[0]).ToList();
        var outside = "额外" + extra.Get;

        var subsetPasses = Record.Exception(() => DataRequestRules.EnsureWithinScenario([new RequestedItem("res-1", subset)], [need])) is null;
        var extraRefused = Record.Exception(() => DataRequestRules.EnsureWithinScenario([new RequestedItem("res-1", [.. subset, outside])], [need]))
            is DomainException { Code: "data_request.exceeds_scenario" };

        return (subsetPasses && extraRefused).ToProperty();
    }

    [Fact]
    public void Validate_MissingPurposeEmptyFieldsAndRepeatedResource_NamesEachField()
    {
        var draft = new DataRequestDraft(
            [new DataRequestItemDraft("res-power", []), new DataRequestItemDraft("res-power", ["负荷"]), new DataRequestItemDraft(null, ["负荷", "负荷"])],
            " ");

        var refused = Assert.Throws<DomainException>(() => DataRequestRules.Validate(draft));

        Assert.Equal("data_request.invalid", refused.Code);
        Assert.Equal(
            new[] { "items[0].fields", "items[1].resourceId", "items[2].fields", "items[2].resourceId", "purpose" },
            refused.Errors!.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Validate_GoodDraft_TrimsValues()
    {
        var (items, purpose) = DataRequestRules.Validate(new DataRequestDraft([new DataRequestItemDraft(" res-power ", [" 负荷 "])], " 优化充电桩布局 "));

        Assert.Equal("优化充电桩布局", purpose);
        Assert.Equal("res-power", items[0].ResourceId);
        Assert.Equal(["负荷"], items[0].Fields);
    }

    [Theory]
    [InlineData("approved,approved", DataRequestStatus.Approved)]
    [InlineData("approved,rejected", DataRequestStatus.PartiallyApproved)]
    [InlineData("approved,pending", DataRequestStatus.PartiallyApproved)]
    [InlineData("rejected,rejected", DataRequestStatus.Rejected)]
    [InlineData("rejected,pending", DataRequestStatus.Pending)]
    [InlineData("pending,pending", DataRequestStatus.Pending)]
    public void Aggregate_ItemOutcomes_RequestStatus(string outcomes, DataRequestStatus expected)
    {
        var items = outcomes.Split(',').Select((o, i) => Item($"res-{i}", "org-p", Enum.Parse<DataRequestItemStatus>(o, ignoreCase: true))).ToList();

        Assert.Equal(expected, DataRequestRules.Aggregate(items));
    }

    [Fact]
    public void Aggregate_Cancelled_CancelledWhateverTheItems()
        => Assert.Equal(DataRequestStatus.Cancelled, DataRequestRules.Aggregate([Item("res-1", "org-p", DataRequestItemStatus.Approved)], cancelled: true));

    [Property(MaxTest = 200)]
    public Property Aggregate_ApprovedOnlyWhenEveryItemApproved_NeverApprovedWithAPendingItem(NonEmptyArray<byte> states)
    {
        var items = states.Get.Select((s, i) => Item($"res-{i}", "org-p", (DataRequestItemStatus)(s % 3))).ToList();
        var status = DataRequestRules.Aggregate(items);
        var allApproved = items.All(i => i.Status == DataRequestItemStatus.Approved);
        var anyApproved = items.Any(i => i.Status == DataRequestItemStatus.Approved);

        return ((status == DataRequestStatus.Approved) == allApproved
                && (status == DataRequestStatus.PartiallyApproved) == (anyApproved && !allApproved)).ToProperty();
    }

    [Fact]
    public void ResolveReview_OverallDecisionWithItemOverride_AppliesToEachItem()
    {
        var items = new[] { Item("res-a", "org-p"), Item("res-b", "org-p") };

        var (decisions, comment) = DataRequestRules.ResolveReview(
            new ReviewDraft(ItemDecisionKind.Approve, " 车牌号不提供 ", [new ItemReviewDraft("res-b", ItemDecisionKind.Reject)]), items);

        Assert.Equal(ItemDecisionKind.Approve, decisions["res-a"]);
        Assert.Equal(ItemDecisionKind.Reject, decisions["res-b"]);
        Assert.Equal("车牌号不提供", comment);
    }

    [Fact]
    public void ResolveReview_RejectWithoutCommentAndUnknownItem_422NamingFields()
    {
        var refused = Assert.Throws<DomainException>(() => DataRequestRules.ResolveReview(
            new ReviewDraft(ItemDecisionKind.Reject, null, [new ItemReviewDraft("res-other", ItemDecisionKind.Approve)]), [Item("res-a", "org-p")]));

        Assert.Equal("data_request.review_invalid", refused.Code);
        Assert.Equal(new[] { "comment", "items[0].resourceId" }, refused.Errors!.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void ResolveReview_NoDecisionForAnItem_422Decision()
    {
        var refused = Assert.Throws<DomainException>(() => DataRequestRules.ResolveReview(
            new ReviewDraft(null, null, [new ItemReviewDraft("res-a", ItemDecisionKind.Approve)]), [Item("res-a", "org-p"), Item("res-b", "org-p")]));

        Assert.Equal(["decision"], refused.Errors!.Keys);
    }

    [Theory]
    [InlineData(ApprovalDecisionKind.Approve, ItemDecisionKind.Approve)]
    [InlineData(ApprovalDecisionKind.Reject, ItemDecisionKind.Reject)]
    [InlineData(ApprovalDecisionKind.Changes, ItemDecisionKind.Reject)]
    public void ItemsOfLinkDecision_LinkDecision_AppliesToAllTheProvidersItems(ApprovalDecisionKind link, ItemDecisionKind expected)
    {
        var decisions = DataRequestRules.ItemsOfLinkDecision(link, [Item("res-a", "org-p"), Item("res-b", "org-p")]);

        Assert.Equal([expected, expected], decisions.Values);
    }

    [Fact]
    public void RecordDecision_AfterTheDueMoment_RecordedAsLateAndItemsDecided()
    {
        var request = Scheduled(Request());

        var decided = DataRequestRules.RecordDecision(request, "provider-org-grid", Decisions(("res-power", ItemDecisionKind.Approve)), null, Due, "grid-user", ReviewChannel.Api, Due);

        var review = decided.Review("provider-org-grid")!;
        Assert.True(review.Decision!.Late);
        Assert.Equal(DataRequestItemStatus.Approved, decided.Items.Single(i => i.ResourceId == "res-power").Status);
        Assert.Equal(DataRequestStatus.PartiallyApproved, decided.Status);
        Assert.Null(decided.CompletedAt);
    }

    [Fact]
    public void RecordDecision_JustBeforeTheDueMoment_InTime()
    {
        var decided = DataRequestRules.RecordDecision(Scheduled(Request()), "provider-org-grid", Decisions(("res-power", ItemDecisionKind.Approve)), null,
            Due.AddTicks(-1), "grid-user", ReviewChannel.Link, Due);

        Assert.False(decided.Review("provider-org-grid")!.Decision!.Late);
    }

    [Fact]
    public void RecordDecision_ReviewAlreadyMarkedOverdue_LateWhateverTheClockSays()
    {
        var overdue = DataRequestRules.MarkOverdue(Scheduled(Request()), "provider-org-grid", Due);

        var decided = DataRequestRules.RecordDecision(overdue, "provider-org-grid", Decisions(("res-power", ItemDecisionKind.Reject)), "不提供", Submitted.AddMinutes(1), "a", ReviewChannel.Link, Due);

        Assert.True(decided.Review("provider-org-grid")!.Decision!.Late);
    }

    [Fact]
    public void RecordDecision_CompressedTimeLegalInstantPastTheDue_LateThoughTheRealInstantIsEarlier()
    {
        var decided = DataRequestRules.RecordDecision(Scheduled(Request()), "provider-org-grid", Decisions(("res-power", ItemDecisionKind.Approve)), null,
            Submitted.AddMinutes(1), "a", ReviewChannel.Api, Submitted.AddMinutes(1), legalDecidedAt: Due.AddHours(2));

        var review = decided.Review("provider-org-grid")!;
        Assert.True(review.Decision!.Late);
        Assert.Equal(Submitted.AddMinutes(1), review.Decision.DecidedAt);
    }

    [Fact]
    public void RecordDecision_SecondDecisionForTheSameReview_LeftAsItWas()
    {
        var once = DataRequestRules.RecordDecision(Scheduled(Request()), "provider-org-grid", Decisions(("res-power", ItemDecisionKind.Approve)), null, Submitted, "a", ReviewChannel.Api, Submitted);

        var twice = DataRequestRules.RecordDecision(once, "provider-org-grid", Decisions(("res-power", ItemDecisionKind.Reject)), "no", Submitted, "b", ReviewChannel.Api, Submitted);

        Assert.Same(once, twice);
    }

    [Fact]
    public void RecordDecision_LastProviderDecides_CompletedWithAggregateStatus()
    {
        var request = Scheduled(Request());
        request = DataRequestRules.RecordDecision(request, "provider-org-grid", Decisions(("res-power", ItemDecisionKind.Approve)), null, Submitted, "a", ReviewChannel.Api, Submitted);

        var done = DataRequestRules.RecordDecision(request, "provider-org-traffic", Decisions(("res-traffic", ItemDecisionKind.Reject)), "涉及个人信息", Due.AddDays(1), "b", ReviewChannel.Link, Due.AddDays(1));

        Assert.Equal(DataRequestStatus.PartiallyApproved, done.Status);
        Assert.Equal(Due.AddDays(1), done.CompletedAt);
        Assert.Equal("涉及个人信息", done.Items.Single(i => i.ResourceId == "res-traffic").Comment);
    }

    [Fact]
    public void MarkOverdue_OpenReview_MarkedOnceAndNothingDecided()
    {
        var overdue = DataRequestRules.MarkOverdue(Scheduled(Request()), "provider-org-traffic", Due);

        var again = DataRequestRules.MarkOverdue(overdue, "provider-org-traffic", Due.AddDays(7));

        var review = overdue.Review("provider-org-traffic")!;
        Assert.True(review.Overdue);
        Assert.Equal(Due, review.EscalatedAt);
        Assert.Null(review.Decision);
        Assert.Same(overdue, again);
        Assert.Equal(DataRequestStatus.Pending, overdue.Status);
    }

    [Fact]
    public void MarkOverdue_DecidedReview_Unchanged()
    {
        var decided = DataRequestRules.RecordDecision(Scheduled(Request()), "provider-org-grid", Decisions(("res-power", ItemDecisionKind.Approve)), null, Submitted, "a", ReviewChannel.Api, Submitted);

        Assert.Same(decided, DataRequestRules.MarkOverdue(decided, "provider-org-grid", Due));
    }

    [Fact]
    public void Schedule_DecisionFiledBeforeTheDeadlineWasKnown_LateRecomputed()
    {
        var decidedEarly = DataRequestRules.RecordDecision(Request(), "provider-org-grid", Decisions(("res-power", ItemDecisionKind.Approve)), null, Due.AddHours(1), "a", ReviewChannel.Api, Due.AddHours(1));

        var scheduled = Scheduled(decidedEarly);

        Assert.True(scheduled.Review("provider-org-grid")!.Decision!.Late);
        Assert.Same(scheduled, Scheduled(scheduled));
    }

    [Fact]
    public void Cancel_PartlyDecided_PendingItemsCancelledDecidedKeptOpenReviewsClosed()
    {
        var request = DataRequestRules.RecordDecision(Scheduled(Request()), "provider-org-grid", Decisions(("res-power", ItemDecisionKind.Approve)), null, Submitted, "a", ReviewChannel.Api, Submitted);

        var cancelled = DataRequestRules.Cancel(request, "terminated", Due);

        Assert.Equal(DataRequestStatus.Cancelled, cancelled.Status);
        Assert.Equal(DataRequestItemStatus.Approved, cancelled.Items.Single(i => i.ResourceId == "res-power").Status);
        Assert.Equal(DataRequestItemStatus.Cancelled, cancelled.Items.Single(i => i.ResourceId == "res-traffic").Status);
        Assert.True(cancelled.Review("provider-org-traffic")!.Closed);
        Assert.False(cancelled.Review("provider-org-grid")!.Closed);
        Assert.Same(cancelled, DataRequestRules.Cancel(cancelled, "terminated", Due));
        Assert.Same(cancelled, DataRequestRules.RecordDecision(cancelled, "provider-org-traffic", Decisions(("res-traffic", ItemDecisionKind.Approve)), null, Due, "b", ReviewChannel.Api, Due));
    }

    [Fact]
    public void TimelinessOf_LateDecisionAfterOverdue_RecordsEveryFact()
    {
        var request = DataRequestRules.MarkOverdue(Scheduled(Request()), "provider-org-traffic", Due);
        request = DataRequestRules.RecordDecision(request, "provider-org-traffic", Decisions(("res-traffic", ItemDecisionKind.Approve)), null, Due.AddDays(2), "b", ReviewChannel.Api, Due.AddDays(2));

        var record = DataRequestRules.TimelinessOf(request, request.Review("provider-org-traffic")!)!;

        Assert.Equal(("org-traffic", "drq-1", 2026, Submitted, Due, new DateOnly(2026, 3, 9), Due.AddDays(2), true, true, false),
            (record.ProviderId, record.DataRequestId, record.Year, record.SubmittedAt, record.DueAt, record.DueLegalDate, record.DecidedAt, record.Overdue, record.Late, record.Cancelled));
    }

    internal static DataRequestItem Item(string resourceId, string providerId, DataRequestItemStatus status = DataRequestItemStatus.Pending)
        => new(resourceId, $"资源 {resourceId}", providerId, ["区域编码"], "理由", status, $"msk-{resourceId}");

    private static IReadOnlyDictionary<string, ItemDecisionKind> Decisions(params (string ResourceId, ItemDecisionKind Kind)[] decisions)
        => decisions.ToDictionary(d => d.ResourceId, d => d.Kind);

    private static DataRequest Request() => new(
        "drq-1", "scn-1", "充电桩布局", "agr-1", "org-op", "优化布局",
        [Item("res-power", "org-grid"), Item("res-traffic", "org-traffic")],
        [new ProviderReview("provider-org-grid", "org-grid", "grt-1"), new ProviderReview("provider-org-traffic", "org-traffic", "grt-2")],
        DataRequestStatus.Pending, Submitted, "op-user", Submitted);

    private static DataRequest Scheduled(DataRequest request)
    {
        var deadline = new Platform.Domain.Calendar.ReviewDeadlineResult(Submitted, 5, new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 9), Due, []);
        return request.Reviews.Aggregate(request, (acc, r) => DataRequestRules.Schedule(acc, r.Slot, deadline, null, Submitted));
    }
}
