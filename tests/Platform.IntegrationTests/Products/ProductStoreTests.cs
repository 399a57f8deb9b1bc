using Azure.Data.Tables;
using Platform.Adapters.Approvals;
using Platform.Adapters.Products;
using Platform.Domain.Approvals;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Products;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.Products;

[Collection(AzuriteCollection.Name)]
public sealed class ProductStoreTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
    private readonly TableServiceClient _tables = new(azurite.StorageConnectionString);

    [Fact]
    public async Task ProductStore_ChineseTextAndStaleETag_RoundTripsAndRefusesStale()
    {
        var store = new TableProductStore(_tables);
        var product = NewProduct(Unique("org"), ProductStatus.InReview);

        var etag = await store.AddAsync(product);
        var read = await store.GetAsync(product.Id);
        var replaced = await store.ReplaceAsync(product with { Name = "武汉市各区养老服务需求指数（第二版）" }, etag);
        var stale = await Assert.ThrowsAsync<DomainException>(() => store.ReplaceAsync(product, etag));
        var duplicate = await Assert.ThrowsAsync<DomainException>(() => store.AddAsync(product));

        Assert.NotNull(read);
        Assert.Equal(etag, read.ETag);
        Assert.Equal(("武汉市各区养老服务需求指数", "按区统计的养老服务登记人数，每月更新。"), (read.Value.Name, read.Value.Description));
        Assert.Equal(["district", "age"], read.Value.UsedData[0].Fields);
        Assert.Equal(ProductReviewTrack.Fast, read.Value.CurrentRound.Track);
        Assert.NotEqual(etag, replaced);
        Assert.Equal("concurrency.etag_mismatch", stale.Code);
        Assert.Equal("product.already_exists", duplicate.Code);
    }

    [Fact]
    public async Task ProductStore_ListFilters_FilterByOwnerStatusKindAndAgreement()
    {
        var store = new TableProductStore(_tables);
        var owner = Unique("org");
        var published = NewProduct(owner, ProductStatus.Published);
        var dataset = NewProduct(owner, ProductStatus.Published) with { Kind = ProductKind.Dataset };
        var inReview = NewProduct(owner, ProductStatus.InReview);
        foreach (var product in new[] { published, dataset, inReview })
        {
            await store.AddAsync(product);
        }

        var own = await store.ListAsync(owner, 10, null);
        var ownPublished = await store.FindAsync(new ProductQuery(OwnerOrgId: owner, Status: ProductStatus.Published));
        var byAgreement = await store.FindAsync(new ProductQuery(OwnerOrgId: owner, AgreementId: published.AgreementId));
        var apis = await ScanPublishedAsync(store, ProductKind.Api);

        Assert.Equal(3, own.Items.Count);
        Assert.Equal(new[] { published.Id, dataset.Id }.Order(StringComparer.Ordinal), ownPublished.Select(p => p.Id).Order(StringComparer.Ordinal));
        Assert.Equal(3, byAgreement.Count);
        Assert.Contains(apis, p => p.Id == published.Id);
        Assert.DoesNotContain(apis, p => p.Id == dataset.Id || p.Id == inReview.Id);
    }

    [Fact]
    public async Task UsageStore_ConcurrentAndRepeatedCallIds_EachCountedOnceAndRepeatReplayed()
    {
        var store = new TableProductUsageStore(_tables);
        var productId = Unique("prd");
        var day = new DateOnly(2026, 3, 3);

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => store.RecordCallAsync(productId, "org-a", day, Call($"call-{i}"), Now, Window)));
        var replayed = await store.RecordCallAsync(productId, "org-a", day.AddDays(1), Call("call-3", "other-request"), Now, Window);
        await store.RecordCallAsync(productId, "org-b", day, Call("call-3"), Now, Window);
        var meters = await store.ListAsync(productId);

        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), results.Select(r => r.Meter.Calls).Order());
        Assert.True(replayed.Replayed);
        Assert.Equal((day, 12L), (replayed.Meter.Day, replayed.Meter.Calls));
        Assert.Equal(("req-call-3", "ans-call-3"), (replayed.RequestHash, replayed.AnswerHash));
        Assert.Equal([("org-a", 12L), ("org-b", 1L)], meters.Select(m => (m.CallerOrgId, m.Calls)));
    }

    [Fact]
    public async Task UsageStore_CallIdPastTheReplayWindow_CountedAgainWithItsNewRequest()
    {
        var store = new TableProductUsageStore(_tables);
        var productId = Unique("prd");
        var day = new DateOnly(2026, 3, 3);

        await store.RecordCallAsync(productId, "org-a", day, Call("call-1"), Now, Window);
        var later = await store.RecordCallAsync(productId, "org-a", day.AddDays(8), Call("call-1", "next-week"), Now.AddDays(8), Window);
        var retried = await store.RecordCallAsync(productId, "org-a", day.AddDays(8), Call("call-1", "next-week"), Now.AddDays(8), Window);

        Assert.False(later.Replayed);
        Assert.Equal((day.AddDays(8), 1L), (later.Meter.Day, later.Meter.Calls));
        Assert.Equal((true, "req-next-week"), (retried.Replayed, retried.RequestHash));
    }

    private static readonly TimeSpan Window = TimeSpan.FromDays(7);

    private static ProductCallFingerprint Call(string callId, string? request = null) => new(callId, $"req-{request ?? callId}", $"ans-{request ?? callId}");

    [Fact]
    public async Task PriceCapStore_SecondBlindCreate_RefusedAndReplaceNeedsETag()
    {
        var store = new TablePriceCapStore(new TableServiceClient(azurite.StorageConnectionString));
        var kind = ProductKind.Model;
        var existing = await store.GetAsync(kind);
        var etag = existing?.ETag ?? await store.PutAsync(new PriceCap(kind, 1000m, "CNY", "定价依据", Now, "official"), null);

        var blindCreate = await Assert.ThrowsAsync<DomainException>(() => store.PutAsync(new PriceCap(kind, 2000m, "CNY", null, Now, "official"), null));
        var replaced = await store.PutAsync(new PriceCap(kind, 1500m, "CNY", "鄂发改价格〔2026〕3号", Now, "official"), etag);
        var stale = await Assert.ThrowsAsync<DomainException>(() => store.PutAsync(new PriceCap(kind, 1m, "CNY", null, Now, "official"), etag));
        var read = await store.GetAsync(kind);

        Assert.Equal(FailureKind.PreconditionFailed, blindCreate.Kind);
        Assert.Equal(FailureKind.PreconditionFailed, stale.Kind);
        Assert.Equal((1500m, "鄂发改价格〔2026〕3号", replaced), (read!.Value.Amount, read.Value.Basis, read.ETag));
        Assert.Contains(await store.ListAsync(), c => c.Value.Kind == kind);
    }

    [Fact]
    public async Task AdmissionStore_ListByDeveloper_ListsTheDevelopersAdmissions()
    {
        var store = new TableDeveloperAdmissionStore(_tables);
        var developer = Unique("org");
        var admission = new DeveloperAdmission(Unique("dva"), developer, "org-op", "《产品开发者准入规则》", "控股子公司", "org-op", DeveloperAdmissionStatus.Pending, null, Now, "op", Now);
        var etag = await store.AddAsync(admission);
        await store.ReplaceAsync(admission with { Status = DeveloperAdmissionStatus.Approved }, etag);

        var listed = await store.ListByDeveloperAsync(developer);

        var only = Assert.Single(listed);
        Assert.Equal((DeveloperAdmissionStatus.Approved, "控股子公司"), (only.Status, only.Relationship));
    }

    [Fact]
    public async Task SlotDirectory_RoundWithStoredSlots_ListsThem()
    {
        var approvals = new TableApprovalStore(_tables);
        var directory = new TableApprovalSlotDirectory(_tables);
        var instance = $"product-compliance-{Unique("prd")}-r1";
        foreach (var slot in new[] { "authority", "provider-org-p1" })
        {
            await approvals.AddSlotAsync(new ApprovalSlot(instance, slot, Recipient.Role("authority"), "authority", "product", "prd-1", 1, Now, Now.AddDays(5)));
        }

        await approvals.TryClaimAsync(new ApprovalClaim(instance, "authority", ApprovalSlotState.Closed, null, null, "test", Now));

        var slots = await directory.ListSlotsAsync(instance);

        Assert.Equal(["authority", "provider-org-p1"], slots.Order(StringComparer.Ordinal));
        Assert.Empty(await directory.ListSlotsAsync("product-compliance-none-r1"));
    }

    private static async Task<List<Product>> ScanPublishedAsync(TableProductStore store, ProductKind kind)
    {
        var all = new List<Product>();
        string? token = null;
        do
        {
            var (items, next) = await store.ListPublishedAsync(kind, "public-good", 200, token);
            all.AddRange(items);
            token = next;
        }
        while (token is not null);

        return all;
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 27)];

    private static Product NewProduct(string owner, ProductStatus status)
        => new(Unique("prd"), owner, OrganizationKind.Operator, owner, "agr-" + owner, "scn-1", "养老服务需求分布分析", ProductKind.Api, "武汉市各区养老服务需求指数",
            "按区统计的养老服务登记人数，每月更新。", 0m, "public-good", false, false, ["同意书 TY-001"], [new ProductSource("sbx-1", "grt-1", "h", 2)],
            [new ResourceFieldSet("res-1", "org-prov", ["district", "age"])], null, [], [], status,
            [ProductRules.NewRound(1, Now) with { InstanceId = "product-compliance-x-r1", Track = ProductReviewTrack.Fast, Findings = [new ComplianceFinding("masking", "product.identifier_found", "发现身份证号", "sbx-1", "备注", 3)] }],
            status == ProductStatus.Published ? new ProductRegistration("HBDP-20260302-X", new DateOnly(2026, 3, 2), Now) : null, Now, "op", Now);
}
