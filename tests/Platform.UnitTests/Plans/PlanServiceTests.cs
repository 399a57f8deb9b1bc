using Platform.Domain.Errors;
using Platform.Domain.Plans;
using Platform.Domain.Security;
using Platform.UnitTests.Personnel;
using Xunit;

namespace Platform.UnitTests.Plans;

public sealed class PlanServiceTests
{
    // 2026-03-10 in China.
    private readonly FixedClock _clock = new(new DateTimeOffset(2026, 3, 10, 2, 0, 0, TimeSpan.Zero));
    private readonly InMemoryPlanStore _store = new();
    private readonly RecordingAuditTrail _audit = new();
    private readonly PlanService _service;
    private readonly Caller _authority = new("authority-user", Roles.Authority, "org-authority");

    public PlanServiceTests() => _service = new PlanService(_store, _audit, _clock);

    private static readonly PlanApprovalFacts Approval = new("湖北省人民政府", "鄂政函〔2026〕12号", new DateOnly(2026, 1, 31));

    [Fact]
    public async Task CreateAsync_Valid_IsDraftWithListsAndAudited()
    {
        var created = await Draft();

        Assert.Equal(PlanStatus.Draft, created.Status);
        Assert.Equal(["企业登记信息"], created.ResourceCatalog);
        Assert.Empty(created.ProductList);
        Assert.Equal("plan.created", Assert.Single(_audit.Records).Action);
    }

    [Fact]
    public async Task ApproveAsync_Draft_BecomesApprovedWithFilingDueOneMonthLater()
    {
        await Draft();

        var approved = await _service.ApproveAsync("pln-1", Approval, null, _authority);

        Assert.Equal(PlanStatus.Approved, approved.Value.Status);
        Assert.Equal(new DateOnly(2026, 2, 28), approved.Value.FilingDueOn);
        Assert.True(approved.Value.IsFilingOverdue(new DateOnly(2026, 3, 10)));
        Assert.Equal("plan.approved", _audit.Records[^1].Action);
    }

    [Fact]
    public async Task ApproveAsync_SecondTime_Throws409Immutable()
    {
        await Draft();
        await _service.ApproveAsync("pln-1", Approval, null, _authority);

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.ApproveAsync("pln-1", Approval, null, _authority));

        Assert.Equal((FailureKind.Conflict, "plan.immutable"), (failure.Kind, failure.Code));
    }

    [Fact]
    public async Task ApproveAsync_FutureDateAndMissingBody_Throws422NamingFields()
    {
        await Draft();

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.ApproveAsync("pln-1", new PlanApprovalFacts(null, "文号", new DateOnly(2026, 3, 11)), null, _authority));

        Assert.Equal(["approvedBy", "approvedOn"], failure.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EditAsync_Draft_ChangesContent()
    {
        await Draft();

        var edited = await _service.EditAsync("pln-1", new PlanEdit("武汉市实施方案", PlanMode.Domain, "420100", "交通领域"), null, _authority);

        Assert.Equal(("武汉市实施方案", PlanMode.Domain, "420100"), (edited.Value.Title, edited.Value.Mode, edited.Value.Region));
    }

    [Fact]
    public async Task EditAsync_Approved_Throws409ImmutableAndKeepsThePlan()
    {
        await Draft();
        await _service.ApproveAsync("pln-1", Approval, null, _authority);

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.EditAsync("pln-1", new PlanEdit("改名", PlanMode.Whole, "420000", null), null, _authority));

        Assert.Equal("plan.immutable", failure.Code);
        Assert.Equal("湖北省公共数据授权运营实施方案", (await _service.GetAsync("pln-1")).Value.Title);
    }

    [Fact]
    public async Task ReplaceCatalogAndProducts_AfterApproval_AreAllowed()
    {
        await Draft();
        await _service.ApproveAsync("pln-1", Approval, null, _authority);

        await _service.ReplaceCatalogAsync("pln-1", ["企业登记信息", "社保缴纳记录"], null, _authority);
        var updated = await _service.ReplaceProductsAsync("pln-1", ["企业信用评估"], null, _authority);

        Assert.Equal(["企业登记信息", "社保缴纳记录"], updated.Value.ResourceCatalog);
        Assert.Equal(["企业信用评估"], updated.Value.ProductList);
        Assert.Equal(PlanStatus.Approved, updated.Value.Status);
        Assert.Equal(["plan.catalog_updated", "plan.products_updated"], _audit.Records.TakeLast(2).Select(r => r.Action));
    }

    [Fact]
    public async Task ReplaceCatalogAsync_StaleIfMatch_Throws412()
    {
        var first = await _service.CreateAsync("pln-1", new NewPlan("方案", PlanMode.Whole, "420000", null, null, null), _authority);
        await _service.ReplaceCatalogAsync("pln-1", ["A"], first.ETag, _authority);

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.ReplaceCatalogAsync("pln-1", ["B"], first.ETag, _authority));

        Assert.Equal((FailureKind.PreconditionFailed, "concurrency.etag_mismatch"), (failure.Kind, failure.Code));
    }

    [Fact]
    public async Task ReplaceCatalogAsync_NoList_Throws422()
    {
        await Draft();

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.ReplaceCatalogAsync("pln-1", null, null, _authority));

        Assert.True(failure.Errors!.ContainsKey("resourceCatalog"));
    }

    [Fact]
    public async Task RecordFilingAsync_Draft_Throws409NotApproved()
    {
        await Draft();

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.RecordFilingAsync("pln-1", new PlanFilingFacts("备案号", new DateOnly(2026, 3, 1)), null, _authority));

        Assert.Equal((FailureKind.Conflict, "plan.not_approved"), (failure.Kind, failure.Code));
    }

    [Fact]
    public async Task RecordFilingAsync_Twice_SecondThrows409AlreadyFiled()
    {
        await Draft();
        await _service.ApproveAsync("pln-1", Approval, null, _authority);
        var filed = await _service.RecordFilingAsync("pln-1", new PlanFilingFacts("鄂数备〔2026〕3号", new DateOnly(2026, 2, 20)), null, _authority);

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.RecordFilingAsync("pln-1", new PlanFilingFacts("again", new DateOnly(2026, 2, 21)), null, _authority));

        Assert.False(filed.Value.IsFilingOverdue(new DateOnly(2026, 3, 10)));
        Assert.Equal("plan.already_filed", failure.Code);
    }

    [Fact]
    public async Task RecordFilingAsync_BeforeApprovalDate_Throws422NamingFiledOn()
    {
        await Draft();
        await _service.ApproveAsync("pln-1", Approval, null, _authority);

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.RecordFilingAsync("pln-1", new PlanFilingFacts("备案号", new DateOnly(2026, 1, 30)), null, _authority));

        Assert.True(failure.Errors!.ContainsKey("filedOn"));
    }

    [Fact]
    public async Task GetApprovedAsync_DraftApprovedAndMissing_409ThenPlanThen404()
    {
        await Draft();

        var draft = await Assert.ThrowsAsync<DomainException>(() => _service.GetApprovedAsync("pln-1"));
        await _service.ApproveAsync("pln-1", Approval, null, _authority);
        var approved = await _service.GetApprovedAsync("pln-1");
        var missing = await Assert.ThrowsAsync<DomainException>(() => _service.GetApprovedAsync("pln-missing"));

        Assert.Equal((FailureKind.Conflict, "plan.not_approved"), (draft.Kind, draft.Code));
        Assert.Equal(PlanStatus.Approved, approved.Status);
        Assert.Equal((FailureKind.NotFound, "plan.not_found"), (missing.Kind, missing.Code));
    }

    [Fact]
    public async Task ApproveAsync_CatalogueEditedLater_ApprovedScopeStaysAsApproved()
    {
        await Draft();
        await _service.ApproveAsync("pln-1", Approval, null, _authority);

        var edited = await _service.ReplaceCatalogAsync("pln-1", ["res-new"], null, _authority);

        Assert.Equal(1, edited.Value.Version);
        Assert.Equal(["企业登记信息"], edited.Value.ApprovedScope!.ResourceIds);
        Assert.Equal(["res-new"], edited.Value.ResourceCatalog);
    }

    [Fact]
    public async Task ApproveAsync_DomainPlanWithoutCoImplementingDepartment_Throws422NamingIt()
    {
        await _service.CreateAsync("pln-2", new NewPlan("交通领域方案", PlanMode.Domain, "420000", null, null, null, [new DomainScope("交通", [])]), _authority);

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.ApproveAsync("pln-2", Approval, null, _authority));

        Assert.Equal("plan.invalid", failure.Code);
        Assert.True(failure.Errors!.ContainsKey("coImplementingDepartment"));
        Assert.Equal(PlanStatus.Draft, (await _service.GetAsync("pln-2")).Value.Status);
    }

    [Fact]
    public async Task ApproveAmendmentAsync_ProposedThenApproved_NextVersionInForceWithNewFilingDeadlineAndHistoryKept()
    {
        await Draft();
        await _service.ApproveAsync("pln-1", Approval, null, _authority);
        await _service.RecordFilingAsync("pln-1", new PlanFilingFacts("鄂数备〔2026〕1号", new DateOnly(2026, 2, 10)), null, _authority);

        var proposed = await _service.ProposeAmendmentAsync("pln-1", new PlanAmendmentDraft("新增交通数据", PlanMode.Scenario, null, ["res-traffic"], null, "省交通运输厅"), null, _authority);
        var second = await Assert.ThrowsAsync<DomainException>(() => _service.ProposeAmendmentAsync("pln-1", new PlanAmendmentDraft("再改", null, null, null, null, null), null, _authority));
        Assert.Equal(1, proposed.Value.Version);
        Assert.Equal(["企业登记信息"], proposed.Value.ApprovedScope!.ResourceIds);
        var approved = await _service.ApproveAmendmentAsync("pln-1", 2, new PlanApprovalFacts("湖北省人民政府", "鄂政函〔2026〕30号", new DateOnly(2026, 3, 9)), null, _authority);

        Assert.Equal((FailureKind.Conflict, "plan.amendment_pending"), (second.Kind, second.Code));
        var plan = approved.Value;
        Assert.Equal((2, PlanMode.Scenario, "420000"), (plan.Version, plan.ApprovedScope!.Mode, plan.ApprovedScope.Region));
        Assert.Equal(["res-traffic"], plan.ApprovedScope.ResourceIds);
        Assert.Equal([1, 2], plan.Versions!.Select(v => v.Version));
        Assert.Equal("鄂数备〔2026〕1号", plan.Versions![0].Filing!.DocumentRef);
        Assert.Equal(("鄂政函〔2026〕30号", "新增交通数据"), (plan.Versions[1].Approval.DocumentRef, plan.Versions[1].Reason));
        Assert.Null(plan.Filing);
        Assert.Equal(new DateOnly(2026, 4, 9), plan.FilingDueOn);
        Assert.Null(plan.Amendment);
        Assert.Equal(["plan.amendment_proposed", "plan.amendment_approved"], _audit.Records.TakeLast(2).Select(r => r.Action));
    }

    [Fact]
    public async Task ProposeAmendmentAsync_DraftPlanOrMissingReason_409Or422()
    {
        await Draft();

        var draft = await Assert.ThrowsAsync<DomainException>(() => _service.ProposeAmendmentAsync("pln-1", new PlanAmendmentDraft("理由", null, null, null, null, null), null, _authority));
        await _service.ApproveAsync("pln-1", Approval, null, _authority);
        var noReason = await Assert.ThrowsAsync<DomainException>(() => _service.ProposeAmendmentAsync("pln-1", new PlanAmendmentDraft(" ", null, null, null, null, null), null, _authority));
        var unknown = await Assert.ThrowsAsync<DomainException>(() => _service.ApproveAmendmentAsync("pln-1", 2, Approval, null, _authority));

        Assert.Equal((FailureKind.Conflict, "plan.not_approved"), (draft.Kind, draft.Code));
        Assert.Equal("plan.invalid", noReason.Code);
        Assert.True(noReason.Errors!.ContainsKey("reason"));
        Assert.Equal((FailureKind.NotFound, "plan.amendment_not_found"), (unknown.Kind, unknown.Code));
    }

    private async Task<Plan> Draft()
        => (await _service.CreateAsync("pln-1", new NewPlan("湖北省公共数据授权运营实施方案", PlanMode.Whole, "420000", "全省", ["企业登记信息"], null), _authority)).Value;
}
