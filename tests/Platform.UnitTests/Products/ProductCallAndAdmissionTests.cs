using Platform.Domain.Errors;
using Platform.Domain.Products;
using Xunit;
using static Platform.UnitTests.Products.ProductTestWorld;

namespace Platform.UnitTests.Products;

public sealed class ProductCallAndAdmissionTests
{
    [Fact]
    public async Task Call_PublishedApi_MeteredPerCallerAndChinaDay()
    {
        var world = new ProductTestWorld();
        var product = await world.PublishedAsync();

        var first = await world.Calls.CallAsync(product.Id, new ProductCallRequest(null, null), 0, 2, Developer());
        var second = await world.Calls.CallAsync(product.Id, new ProductCallRequest(null, null), 2, 2, Developer());
        var otherCaller = await world.Calls.CallAsync(product.Id, new ProductCallRequest(null, null), 0, 10, Operator(OtherOperatorId));
        world.Clock.UtcNow = Now.AddDays(1);
        var nextDay = await world.Calls.CallAsync(product.Id, new ProductCallRequest(null, null), 0, 10, Developer());

        Assert.Equal((1L, 2L, 1L, 1L), (first.Meter.Calls, second.Meter.Calls, otherCaller.Meter.Calls, nextDay.Meter.Calls));
        Assert.Equal(new DateOnly(2026, 3, 3), first.Meter.Day);
        Assert.Equal(new DateOnly(2026, 3, 4), nextDay.Meter.Day);
        Assert.Equal((2, (int?)2), (Assert.Single(first.Data).Rows.Count, first.NextOffset));
        Assert.Equal((1, (int?)null), (Assert.Single(second.Data).Rows.Count, second.NextOffset));
        Assert.Equal(4, (await world.Queries.UsageAsync(product.Id, Operator())).Sum(m => m.Calls));
    }

    [Fact]
    public async Task Call_AgreementTerminatedAfterPublication_409NotInForceAndNothingMetered()
    {
        var world = new ProductTestWorld();
        var product = await world.PublishedAsync();
        world.Agreement = world.Agreement with { Status = Platform.Domain.Agreements.AgreementStatus.Terminated };

        var refused = await Assert.ThrowsAsync<DomainException>(() => world.Calls.CallAsync(product.Id, new ProductCallRequest(null, null), 0, 2, Developer()));

        Assert.Equal("agreement.not_in_force", refused.Code);
        Assert.DoesNotContain("product.called", world.Audit.Actions);
        Assert.Equal(ProductStatus.Published, (await world.Store.GetAsync(product.Id))!.Value.Status);
    }

    [Fact]
    public async Task Call_RepeatedCallId_CountedOnce()
    {
        var world = new ProductTestWorld();
        var product = await world.PublishedAsync();

        var first = await world.Calls.CallAsync(product.Id, new ProductCallRequest("call-0001", null), 0, 10, Developer());
        var retried = await world.Calls.CallAsync(product.Id, new ProductCallRequest("call-0001", null), 0, 10, Developer());

        Assert.Equal((false, true, 1L, 1L), (first.Replayed, retried.Replayed, first.Meter.Calls, retried.Meter.Calls));
        Assert.Equal(1, world.Audit.Actions.Count(a => a == "product.called"));
    }

    [Fact]
    public async Task Call_PersonalInformationWithoutSubjectAuthorisation_403ThenAcceptedWithIt()
    {
        var world = new ProductTestWorld();
        var product = await world.PublishedAsync(Draft(personal: true));

        var refused = await Assert.ThrowsAsync<DomainException>(() => world.Calls.CallAsync(product.Id, new ProductCallRequest(null, " "), 0, 10, Developer()));
        var accepted = await world.Calls.CallAsync(product.Id, new ProductCallRequest(null, "个人授权书 AUTH-2026-0001"), 0, 10, Developer());

        Assert.Equal((FailureKind.Forbidden, ProductRules.SubjectAuthorizationRequiredCode), (refused.Kind, refused.Code));
        Assert.Equal(1, accepted.Meter.Calls);
    }

    [Fact]
    public async Task Call_BeforePublicationOrNotAnApi_409AndNothingMetered()
    {
        var world = new ProductTestWorld();
        var inReview = await world.CreateAsync();
        var dataset = await world.PublishedAsync(Draft(kind: ProductKind.Dataset));

        var notPublished = await Assert.ThrowsAsync<DomainException>(() => world.Calls.CallAsync(inReview.Id, new ProductCallRequest(null, null), 0, 10, Operator()));
        var hidden = await Assert.ThrowsAsync<DomainException>(() => world.Calls.CallAsync(inReview.Id, new ProductCallRequest(null, null), 0, 10, Developer()));
        var notApi = await Assert.ThrowsAsync<DomainException>(() => world.Calls.CallAsync(dataset.Id, new ProductCallRequest(null, null), 0, 10, Developer()));

        Assert.Equal("product.not_published", notPublished.Code);
        Assert.Equal(ProductRules.NotFoundCode, hidden.Code);
        Assert.Equal("product.not_callable", notApi.Code);
        Assert.Empty(await world.Usage.ListAsync(inReview.Id));
    }

    [Fact]
    public async Task Admission_AppliedByOperatorThenDecidedTwice_SecondDecisionRefused()
    {
        var world = new ProductTestWorld();

        var applied = await world.Admissions.ApplyAsync("dva-1", new DeveloperAdmissionDraft(DeveloperId, "《产品开发者准入规则》第3版", "无关联关系", null), Operator());
        var before = await world.Admissions.StandingAsync(DeveloperId);
        var decided = await world.Admissions.DecideAsync("dva-1", true, "材料齐全", applied.ETag, Authority);
        var twice = await Assert.ThrowsAsync<DomainException>(() => world.Admissions.DecideAsync("dva-1", false, "撤销", null, Authority));
        var after = await world.Admissions.StandingAsync(DeveloperId);

        Assert.Equal((DeveloperAdmissionStatus.Pending, OperatorId), (applied.Value.Status, applied.Value.OperatorId));
        Assert.False(before.Admitted);
        Assert.Equal(DeveloperAdmissionStatus.Approved, decided.Value.Status);
        Assert.Equal("developer_admission.already_decided", twice.Code);
        Assert.True(after.Admitted);
        Assert.Contains("developer_admission.approved", world.Audit.Actions);
    }

    [Fact]
    public async Task Admission_NotADeveloperOrControllerNotAnOperator_422()
    {
        var world = new ProductTestWorld();

        var refused = await Assert.ThrowsAsync<DomainException>(() => world.Admissions.ApplyAsync("dva-1", new DeveloperAdmissionDraft(ProviderId, "", "x", ProviderId), Operator()));

        Assert.Equal("developer_admission.invalid", refused.Code);
        Assert.Equal(["controlledBy", "developerId", "rulesRef"], refused.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Admission_ControlDeclaredInAnyApplication_CountsEvenIfRejected()
    {
        var world = new ProductTestWorld();
        await world.Admissions.ApplyAsync("dva-1", new DeveloperAdmissionDraft(DeveloperId, "规则", "控股子公司", OperatorId), Operator());
        await world.Admissions.DecideAsync("dva-1", false, "关联关系需说明", null, Authority);

        var standing = await world.Admissions.StandingAsync(DeveloperId);

        Assert.False(standing.Admitted);
        Assert.Contains(OperatorId, standing.ControllingOperators);
    }

    [Fact]
    public async Task PriceCap_ChangingAnExistingCapWithoutIfMatch_Refused()
    {
        var world = new ProductTestWorld();
        var first = await world.PriceCaps.SetAsync("report", 500m, null, "定价依据", null, Authority);

        var blind = await Assert.ThrowsAsync<DomainException>(() => world.PriceCaps.SetAsync("report", 600m, null, null, null, Authority));
        var changed = await world.PriceCaps.SetAsync("report", 600m, "CNY", null, first.ETag, Authority);
        var unknownKind = await Assert.ThrowsAsync<DomainException>(() => world.PriceCaps.SetAsync("software", 1m, null, null, null, Authority));

        Assert.Equal("price_cap.if_match_required", blind.Code);
        Assert.Equal(600m, changed.Value.Amount);
        Assert.Equal(600m, await world.PriceCaps.CapOfAsync(ProductKind.Report));
        Assert.Equal("price_cap.unknown_kind", unknownKind.Code);
    }
}
