using Moq;
using Platform.Domain.Approvals;
using Platform.Domain.Errors;
using Platform.Domain.Products;
using Platform.Domain.Sandbox;
using Platform.Domain.Scenarios;
using Xunit;
using static Platform.UnitTests.Products.ProductTestWorld;

namespace Platform.UnitTests.Products;

public sealed class ProductServiceTests
{
    [Fact]
    public async Task Create_FromReleasedFullOutput_InReviewWithUsedDataAndReviewStarted()
    {
        var world = new ProductTestWorld();

        var product = await world.CreateAsync();

        Assert.Equal(ProductStatus.InReview, product.Status);
        Assert.Equal("public-good", product.UseCategory);
        Assert.Equal([new ProductSource(ReleasedJobId, GrantId, "hash-" + ReleasedJobId, 3)], product.Sources);
        var used = Assert.Single(product.UsedData);
        Assert.Equal(("res-1", ProviderId), (used.ResourceId, used.ProviderId));
        Assert.Equal(["age", "district"], used.Fields);
        world.Workflows.Verify(w => w.StartAsync(ProductWorkflow.OrchestratorName, ProductWorkflow.InstanceId(product.Id, 1),
            It.Is<ProductComplianceRequest>(r => r.ProductId == product.Id && r.Round == 1 && r.TimeCompression == 60 && r.AnchorUtc == Now.UtcDateTime), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Contains("product.submitted", world.Audit.Actions);
    }

    [Theory]
    [InlineData(SampleJobId, "full-mode")]
    [InlineData(OtherOperatorJobId, "No sandbox job of your organisation")]
    [InlineData("sbx-missing", "No sandbox job of your organisation")]
    public async Task Create_SourceNotAReleasedFullOutputOfTheOperator_422NamingTheSource(string jobId, string reason)
    {
        var world = new ProductTestWorld();

        var refused = await Assert.ThrowsAsync<DomainException>(() => world.CreateAsync(Draft(jobs: [jobId])));

        Assert.Equal("product.invalid_source", refused.Code);
        Assert.Contains(reason, refused.Errors!["sourceJobIds[0]"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithheldOutput_422()
    {
        var world = new ProductTestWorld();
        world.AddJob(Job("sbx-withheld", OperatorId, SandboxMode.Full, SandboxJobStatus.Withheld));

        var refused = await Assert.ThrowsAsync<DomainException>(() => world.CreateAsync(Draft(jobs: ["sbx-withheld"])));

        Assert.Contains("not released", refused.Errors!["sourceJobIds[0]"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_PublicGoodScenarioWithAPrice_422PriceNotFree()
    {
        var world = new ProductTestWorld();

        var refused = await Assert.ThrowsAsync<DomainException>(() => world.CreateAsync(Draft(price: 10m)));

        Assert.Equal(ProductRules.PriceNotFreeCode, refused.Code);
        Assert.Empty(await world.Store.FindAsync(new ProductQuery()));
    }

    [Fact]
    public async Task Create_IndustryScenarioAgainstTheKindsCap_AboveRefusedAtOrBelowAccepted()
    {
        var world = new ProductTestWorld(ScenarioUseCategory.Industry);
        var noCap = await Assert.ThrowsAsync<DomainException>(() => world.CreateAsync(Draft(price: 10m)));
        await world.PriceCaps.SetAsync("api", 99.5m, "CNY", "鄂发改价格〔2026〕1号", null, Authority);

        var above = await Assert.ThrowsAsync<DomainException>(() => world.CreateAsync(Draft(price: 99.51m)));
        var atCap = await world.CreateAsync(Draft(price: 99.5m));

        Assert.Equal(ProductRules.PriceCapNotSetCode, noCap.Code);
        Assert.Equal(ProductRules.PriceAboveCapCode, above.Code);
        Assert.Equal(("industry", 99.5m), (atCap.UseCategory, atCap.Price));
    }

    [Fact]
    public async Task Create_ScenarioNotApproved_409()
    {
        var world = new ProductTestWorld();
        world.Scenario = world.Scenario with { Status = ScenarioStatus.InReview };

        var refused = await Assert.ThrowsAsync<DomainException>(() => world.CreateAsync());

        Assert.Equal((FailureKind.Conflict, "product.scenario_not_approved"), (refused.Kind, refused.Code));
    }

    [Fact]
    public async Task Create_SuspendedOperator_RefusedByTheGuard()
    {
        var world = new ProductTestWorld();
        world.Guard.Setup(g => g.EnsureNotSuspendedAsync(OperatorId, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new DomainException(FailureKind.Forbidden, "operator.suspended", "suspended"));

        var refused = await Assert.ThrowsAsync<DomainException>(() => world.CreateAsync());

        Assert.Equal("operator.suspended", refused.Code);
        world.Workflows.Verify(w => w.StartAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Derive_DeveloperNotAdmitted_403()
    {
        var world = new ProductTestWorld();
        var origin = await world.PublishedAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => world.CreateAsync(Draft(derivedFrom: origin.Id), Developer()));

        Assert.Equal((FailureKind.Forbidden, ProductRules.DeveloperNotAdmittedCode), (refused.Kind, refused.Code));
    }

    [Fact]
    public async Task Derive_PendingAdmission_StillNotAdmitted()
    {
        var world = new ProductTestWorld();
        var origin = await world.PublishedAsync();
        await world.Admissions.ApplyAsync("dva-1", new DeveloperAdmissionDraft(DeveloperId, "准入规则", "无关联关系", null), Operator());

        var refused = await Assert.ThrowsAsync<DomainException>(() => world.CreateAsync(Draft(derivedFrom: origin.Id), Developer()));

        Assert.Equal(ProductRules.DeveloperNotAdmittedCode, refused.Code);
    }

    [Fact]
    public async Task Derive_AdmittedDeveloper_LineageKeptAndOriginDataInherited()
    {
        var world = new ProductTestWorld();
        var origin = await world.PublishedAsync();
        await world.AdmitDeveloperAsync();

        var derived = await world.CreateAsync(Draft(derivedFrom: origin.Id), Developer());

        Assert.Equal((DeveloperId, OperatorId, origin.Id), (derived.OwnerOrgId, derived.OperatorId, derived.DerivedFrom));
        Assert.Equal([origin.Id], derived.Lineage);
        Assert.Equal(origin.UsedData, derived.UsedData);
        var facts = await world.Record.LoadFactsAsync(derived.Id);
        Assert.Equal(origin.Id, facts!.DerivedFrom);
        Assert.Equal(3, Assert.Single(facts.Data).Rows.Count);
    }

    [Fact]
    public async Task Derive_OperatorFromItsOwnProduct_403Redevelopment()
    {
        var world = new ProductTestWorld();
        var origin = await world.PublishedAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => world.CreateAsync(Draft(derivedFrom: origin.Id), Operator()));

        Assert.Equal(ProductRules.RedevelopmentForbiddenCode, refused.Code);
    }

    [Fact]
    public async Task Derive_ThroughADeveloperTheOperatorControls_403Redevelopment()
    {
        var world = new ProductTestWorld();
        var origin = await world.PublishedAsync();
        await world.AdmitDeveloperAsync(controlledBy: OperatorId);

        var refused = await Assert.ThrowsAsync<DomainException>(() => world.CreateAsync(Draft(derivedFrom: origin.Id), Developer()));

        Assert.Equal(ProductRules.RedevelopmentForbiddenCode, refused.Code);
    }

    [Fact]
    public async Task Derive_OperatorFromADeveloperProductBuiltOnItsOwn_403Redevelopment()
    {
        var world = new ProductTestWorld();
        var origin = await world.PublishedAsync();
        await world.AdmitDeveloperAsync();
        var derived = await world.PublishedAsync(Draft(derivedFrom: origin.Id), Developer());

        var refused = await Assert.ThrowsAsync<DomainException>(() => world.CreateAsync(Draft(derivedFrom: derived.Id), Operator()));

        Assert.Equal(ProductRules.RedevelopmentForbiddenCode, refused.Code);
    }

    [Fact]
    public async Task Derive_OriginNotPublished_409()
    {
        var world = new ProductTestWorld();
        var origin = await world.CreateAsync();
        await world.AdmitDeveloperAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => world.CreateAsync(Draft(derivedFrom: origin.Id), Operator(OtherOperatorId)));

        Assert.Equal(ProductRules.NotFoundCode, refused.Code);
    }

    [Fact]
    public async Task LoadFacts_ProductOfAScenario_HasItsGrantsUsedDataAndReleasedRows()
    {
        var world = new ProductTestWorld();
        var product = await world.CreateAsync(Draft(personal: true));

        var facts = await world.Record.LoadFactsAsync(product.Id);

        Assert.NotNull(facts);
        var granted = Assert.Single(facts.ScenarioGrants);
        Assert.Equal(("res-1", ProviderId), (granted.ResourceId, granted.ProviderId));
        Assert.Equal(["name", "district", "age"], granted.Fields);
        Assert.Equal(["age", "district"], Assert.Single(facts.UsedData).Fields);
        var data = Assert.Single(facts.Data);
        Assert.Equal(ReleasedJobId, data.SourceJobId);
        Assert.Equal(["district", "people"], data.Columns);
        Assert.Equal(["武昌区", "25"], data.Rows[0]);
        Assert.Equal(["", "3"], data.Rows[2]);
        Assert.Equal((true, "养老服务分布分析"), (facts.InvolvesPersonalInfo, facts.ScenarioTitle));
        Assert.Equal(["授权书 SQ-001"], facts.ConsentEvidence);
        Assert.Null(await world.Record.LoadFactsAsync("prd-unknown"));
    }

    [Fact]
    public async Task ComplianceRecords_RecordedTwice_IdempotentAndAudited()
    {
        var world = new ProductTestWorld();
        var product = await world.CreateAsync();
        var finding = new ComplianceFinding("masking", "product.identifier_found", "身份证号", ReleasedJobId, "district", 2);
        var decision = new ApprovalDecision(ApprovalDecisionKind.Approve, new Dictionary<string, int>(), "同意", Now);

        await world.Record.RecordAutomatedChecksAsync(product.Id, ProductReviewTrack.Full, [finding]);
        await world.Record.RecordAutomatedChecksAsync(product.Id, ProductReviewTrack.Full, [finding]);
        await world.Record.RecordReviewDecisionAsync(product.Id, "authority", "role:authority", decision);
        await world.Record.RecordReviewDecisionAsync(product.Id, "authority", "role:authority", decision);
        var status = await world.Record.CompleteAsync(product.Id, new ProductComplianceOutcome(ProductComplianceOutcomeKind.ChangesRequested, [finding], "请修改"));
        var again = await world.Record.CompleteAsync(product.Id, new ProductComplianceOutcome(ProductComplianceOutcomeKind.Published, [], null));

        var stored = (await world.Store.GetAsync(product.Id))!.Value;
        Assert.Equal((ProductStatus.ChangesRequested, ProductStatus.ChangesRequested), (status, again));
        Assert.Equal([finding], stored.CurrentRound.Findings);
        Assert.Single(stored.CurrentRound.Decisions);
        Assert.Null(stored.Registration);
        Assert.Equal(1, world.Audit.Actions.Count(a => a == "product.checks_recorded"));
        Assert.Equal(1, world.Audit.Actions.Count(a => a == "product.review_decided"));
    }

    [Fact]
    public async Task Resubmit_AfterChangesRequested_NewRoundStarted()
    {
        var world = new ProductTestWorld();
        var product = await world.CreateAsync();
        await world.Record.CompleteAsync(product.Id, new ProductComplianceOutcome(ProductComplianceOutcomeKind.ChangesRequested, [], "请修改"));

        var resubmitted = await world.Commands.ResubmitAsync(product.Id, Draft() with { Name = "各区养老服务需求指数（修订）" }, null, Operator(), world.Workflows.Object);

        Assert.Equal((ProductStatus.InReview, 2, "各区养老服务需求指数（修订）"), (resubmitted.Value.Status, resubmitted.Value.CurrentRound.Number, resubmitted.Value.Name));
        world.Workflows.Verify(w => w.StartAsync(ProductWorkflow.OrchestratorName, ProductWorkflow.InstanceId(product.Id, 2), It.IsAny<object>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RevocationStep_AgreementEnds_WithdrawsProductsInReviewClosesOpenSlotsLeavesPublished()
    {
        var world = new ProductTestWorld();
        var published = await world.PublishedAsync();
        var inReview = await world.CreateAsync();
        var instance = inReview.CurrentRound.InstanceId;
        await world.Record.RecordReviewDecisionAsync(inReview.Id, "authority", "role:authority", new ApprovalDecision(ApprovalDecisionKind.Approve, new Dictionary<string, int>(), null, Now));
        world.SlotDirectory.Setup(d => d.ListSlotsAsync(instance, It.IsAny<CancellationToken>())).ReturnsAsync(["authority", $"provider-{ProviderId}"]);
        var step = new ProductReviewRevocationStep(world.Withdrawal, world.Approvals, world.SlotDirectory.Object);

        var summary = await step.RevokeAsync(world.Agreement, "expired");
        var again = await step.RevokeAsync(world.Agreement, "expired");

        Assert.Equal("1 product(s) in review withdrawn", summary);
        Assert.StartsWith("0 ", again, StringComparison.Ordinal);
        Assert.Equal(ProductStatus.Withdrawn, (await world.Store.GetAsync(inReview.Id))!.Value.Status);
        Assert.Equal(ProductStatus.Published, (await world.Store.GetAsync(published.Id))!.Value.Status);
        var closed = Assert.Single(world.ApprovalStore.Claims.Values);
        Assert.Equal((instance, $"provider-{ProviderId}", ApprovalSlotState.Closed), (closed.InstanceId, closed.Slot, closed.State));
        Assert.Equal(ProductStatus.Withdrawn, await world.Record.CompleteAsync(inReview.Id, new ProductComplianceOutcome(ProductComplianceOutcomeKind.Published, [], null)));
    }

    [Fact]
    public async Task ReadModel_PublishedAndInReviewProducts_ListsPublishedAndCountsTheYear()
    {
        var world = new ProductTestWorld();
        var published = await world.PublishedAsync();
        await world.CreateAsync();
        await world.Calls.CallAsync(published.Id, new ProductCallRequest(null, null), 0, 10, Developer());

        var listed = await world.ReadModel.ListPublishedAsync(OperatorId);
        var owner = await world.ReadModel.CountForOwnerAsync(OperatorId, 2026);
        var provider = await world.ReadModel.CountForProviderAsync(ProviderId, 2026);
        var otherYear = await world.ReadModel.CountForOwnerAsync(OperatorId, 2025);

        var summary = Assert.Single(listed);
        Assert.Equal(published.Id, summary.Id);
        Assert.Equal(["res-1"], summary.ResourceIds);
        Assert.Equal([ProviderId], summary.ProviderIds);
        Assert.Equal(new ProductActivityCounts(2, 1, 1), owner);
        Assert.Equal(new ProductActivityCounts(2, 1, 1), provider);
        Assert.Equal(new ProductActivityCounts(0, 0, 0), otherYear);
    }

    [Fact]
    public async Task Get_OtherOperatorBeforePublication_404()
    {
        var world = new ProductTestWorld();
        var product = await world.CreateAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => world.Queries.GetAsync(product.Id, Operator(OtherOperatorId)));
        var provider = await world.Queries.GetAsync(product.Id, new Platform.Domain.Security.Caller("p", "provider", ProviderId));

        Assert.Equal(ProductRules.NotFoundCode, refused.Code);
        Assert.Equal(product.Id, provider.Value.Id);
    }
}
