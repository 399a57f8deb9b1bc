using Platform.UnitTests.Products;
using Moq;
using Platform.Domain.Agreements;
using Platform.Domain.Catalog;
using Platform.Domain.Disclosure;
using Platform.Domain.Oversight;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Organizations;
using Platform.Domain.Products;
using Platform.UnitTests.Personnel;
using Xunit;
using static Platform.UnitTests.Oversight.OversightTestData;

namespace Platform.UnitTests.Oversight;

public sealed class DisclosureTests
{
    private static readonly Organization Operator = new("org-op-1", "湖北数据运营有限公司", OrganizationKind.Operator, "91420100MA4K0000XX", "420100", Now, "authority-1", null);
    private static readonly Organization Provider = new("org-pv-1", "湖北省电力公司", OrganizationKind.Provider, "91420100MA4K0001XX", "420000", Now, "authority-1", null);

    [Theory]
    [InlineData("2027-02-28T16:30:00Z", 2026)]
    [InlineData("2027-03-01T01:00:00Z", 2026)]
    [InlineData("2026-12-31T15:59:59Z", 2025)]
    [InlineData("2026-12-31T16:00:00Z", 2026)]
    public void YearFor_FireTime_PreviousYearInChinaStandardTime(string firedAt, int expected)
    {
        Assert.Equal(expected, DisclosureSnapshotService.YearFor(DateTimeOffset.Parse(firedAt, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task GetAsync_ProviderId_404OrganizationNotFound()
    {
        var service = OperatorService(null);

        var error = await Assert.ThrowsAsync<DomainException>(() => service.GetAsync("org-pv-1"));

        Assert.Equal((FailureKind.NotFound, "organization.not_found"), (error.Kind, error.Code));
    }

    [Fact]
    public async Task GetAsync_NoPublishedProducts_EmptyProductsAndResourceUsageCountsFieldsWithoutNamingThem()
    {
        var disclosure = await OperatorService(null).GetAsync("org-op-1");

        Assert.Empty(disclosure.Products);
        Assert.Equal(["agr-1"], disclosure.Authorizations.Select(a => a.AgreementId));
        var usage = Assert.Single(disclosure.ResourceUsage);
        Assert.Equal(("res-1", "全省用电负荷", "org-pv-1", "湖北省电力公司", 2, GrantStatus.Active), (usage.ResourceId, usage.ResourceName, usage.ProviderId, usage.ProviderName, usage.GrantedFieldCount, usage.Status));
    }

    [Fact]
    public async Task GetAsync_WithProductReadModel_ListsTheOperatorsPublishedProducts()
    {
        var products = new Mock<IProductReadModel>();
        products.Setup(p => p.ListPublishedAsync("org-op-1", It.IsAny<CancellationToken>())).ReturnsAsync([Product("prd-2"), Product("prd-1")]);

        var disclosure = await OperatorService(products.Object).GetAsync("org-op-1");

        Assert.Equal(["prd-1", "prd-2"], disclosure.Products.Select(p => p.Id));
    }

    [Fact]
    public void ForOperator_FormulaLikeAndCommaText_QuotedAndChineseKept()
    {
        var disclosure = new OperatorDisclosure("org-op-1", "=湖北,数据", "91420100MA4K0000XX", "420100", [], [Product("prd-1")], []);

        var csv = DisclosureCsv.ForOperator(disclosure);

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("section,operatorId,operatorName,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("product,org-op-1,\"'=湖北,数据\",91420100MA4K0000XX,prd-1,电力指数,", lines[1], StringComparison.Ordinal);
        Assert.Contains(",12.50,", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void HeldDuring_RevokedBeforeTheYear_False()
    {
        var grant = Grant(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero))
            with { Status = GrantStatus.Revoked, RevokedAt = new DateTimeOffset(2025, 12, 31, 15, 59, 0, TimeSpan.Zero) };

        Assert.True(OperatorDisclosureService.HeldDuring(grant, new DisclosurePeriod(2025)));
        Assert.False(OperatorDisclosureService.HeldDuring(grant, new DisclosurePeriod(2026)));
    }

    [Fact]
    public async Task PublishPreviousYearAsync_NotYetPublished_BuildsTheYearWritesJsonThenCsvAndAudits()
    {
        var store = new Mock<IDisclosureSnapshotStore>();
        store.Setup(s => s.TryCreateAsync(It.IsAny<DisclosureSnapshot>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        var audit = new RecordingAuditTrail();
        var service = SnapshotService(store.Object, audit, new DateTimeOffset(2027, 3, 1, 1, 0, 0, TimeSpan.Zero));

        var (snapshot, published) = await service.PublishPreviousYearAsync();

        Assert.True(published);
        Assert.Equal((2026, new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31)), (snapshot.Year, snapshot.PeriodStart, snapshot.PeriodEnd));
        Assert.Equal(["agr-1"], snapshot.Authorizations.Select(a => a.AgreementId));
        Assert.Equal(["org-op-1"], snapshot.Operators.Select(o => o.OperatorId));
        store.Verify(s => s.CreateCsvIfMissingAsync(2026, It.Is<string>(csv => csv.Contains("authorization,org-op-1,湖北数据运营有限公司", StringComparison.Ordinal)), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(("disclosure.snapshot_published", "disclosure/snapshots/2026"), (audit.Records.Single().Action, audit.Records.Single().Target));
    }

    [Fact]
    public async Task PublishPreviousYearAsync_AlreadyPublished_NothingRebuiltOrOverwrittenAndCsvDerivedFromTheStoredJson()
    {
        var stored = new DisclosureSnapshot(2026, new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), Now, [], [new OperatorDisclosure("org-old", "旧运营机构", "code", "420100", [], [], [])]);
        var store = new Mock<IDisclosureSnapshotStore>();
        store.Setup(s => s.GetAsync(2026, It.IsAny<CancellationToken>())).ReturnsAsync(stored);
        var audit = new RecordingAuditTrail();

        var (snapshot, published) = await SnapshotService(store.Object, audit, new DateTimeOffset(2027, 3, 2, 1, 0, 0, TimeSpan.Zero)).PublishPreviousYearAsync();

        Assert.False(published);
        Assert.Same(stored, snapshot);
        store.Verify(s => s.TryCreateAsync(It.IsAny<DisclosureSnapshot>(), It.IsAny<CancellationToken>()), Times.Never);
        store.Verify(s => s.CreateCsvIfMissingAsync(2026, DisclosureCsv.ForSnapshot(stored), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Empty(audit.Records);
    }

    [Fact]
    public async Task GetAsync_YearNotPublished_404SnapshotNotFound()
    {
        var service = SnapshotService(Mock.Of<IDisclosureSnapshotStore>(), new RecordingAuditTrail(), Now);

        var error = await Assert.ThrowsAsync<DomainException>(() => service.GetAsync(2030));

        Assert.Equal((FailureKind.NotFound, "disclosure.snapshot_not_found"), (error.Kind, error.Code));
    }

    private static DisclosureSnapshotService SnapshotService(IDisclosureSnapshotStore store, RecordingAuditTrail audit, DateTimeOffset now)
    {
        var clock = new FixedClock(now);
        var agreements = AgreementStore(
            SignedAgreement("agr-1", new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero), new DateOnly(2026, 2, 1), new DateOnly(2029, 1, 31)),
            SignedAgreement("agr-later", now, new DateOnly(2027, 2, 1), new DateOnly(2029, 1, 31), operatorId: "org-op-2")).Object;
        var organizations = Organizations();
        var plans = PlanStore(ApprovedPlan("plan-1", new DateOnly(2025, 12, 1))).Object;
        var operators = new OperatorDisclosureService(organizations, agreements, plans, Grants(), clock, EmptyProductReadModel.Instance, Platform.UnitTests.Agreements.ScopeTestDoubles.NoEvaluations().Object);
        return new DisclosureSnapshotService(new DisclosureService(agreements, organizations, plans), operators, organizations, store, audit, clock);
    }

    private static OperatorDisclosureService OperatorService(IProductReadModel? products, params OperatorEvaluation[] evaluations)
        => new(Organizations(), AgreementStore(SignedAgreement("agr-1", Now.AddMonths(-1), new DateOnly(2026, 11, 1), new DateOnly(2029, 10, 31))).Object,
            PlanStore(ApprovedPlan("plan-1", new DateOnly(2026, 9, 1))).Object, Grants(), new FixedClock(Now), products ?? EmptyProductReadModel.Instance,
            Platform.UnitTests.Agreements.ScopeTestDoubles.NoEvaluations(evaluations).Object);

    [Fact]
    public async Task OperatorDisclosure_FailEvaluation_ShownAsReexaminationInJsonAndCsv()
    {
        var fail = new OperatorEvaluation("agr-1", "org-op-1", 2026, EvaluationGrade.Fail, 41, "数据安全问题突出", "评估〔2027〕3号", Now, "authority-1");

        var disclosure = await OperatorService(null, fail).GetAsync("org-op-1");
        var csv = DisclosureCsv.ForOperator(disclosure);

        Assert.Equal(("agr-1", 2026), (disclosure.Reexamination?.AgreementId, disclosure.Reexamination?.Year));
        Assert.Contains("reexamination,org-op-1,", csv, StringComparison.Ordinal);
        Assert.Contains("2026 年度运营评估不合格，待重新审查", csv, StringComparison.Ordinal);
    }

    private static IOrganizationStore Organizations()
    {
        var store = new Mock<IOrganizationStore>();
        foreach (var organization in new[] { Operator, Provider, Operator with { Id = "org-op-2" } })
        {
            store.Setup(s => s.GetAsync(organization.Id, It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<Organization>(organization, "e"));
        }

        return store.Object;
    }

    private static IGrantStore Grants()
    {
        var store = new Mock<IGrantStore>();
        store.Setup(s => s.ListAsync("org-op-1", It.IsAny<int>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(([Grant(Now.AddDays(-10), Now.AddYears(2))], (string?)null));
        store.Setup(s => s.ListAsync(It.Is<string?>(id => id != "org-op-1"), It.IsAny<int>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(([], (string?)null));
        return store.Object;
    }

    private static Grant Grant(DateTimeOffset issuedAt, DateTimeOffset expiresAt) => new(
        "grt-1", "agr-1", "scn-1", "org-op-1", "dr-1", "org-pv-1",
        [new GrantTable("res_power", "res-1", "全省用电负荷", "org-pv-1",
            [new GrantField("负荷", FieldType.Decimal, FieldClassification.Public, FieldGrade.General, null), new GrantField("区域编码", FieldType.String, FieldClassification.Public, FieldGrade.General, null)],
            "library-agr-1", "dr-1/res-1.csv", "hash", 2, 0, "msk-1")],
        issuedAt, expiresAt, GrantStatus.Active, null, null);

    private static PublishedProductSummary Product(string id) => new(
        id, "org-op-1", "org-op-1", "电力指数", ProductKind.Index, "经济运行监测", 12.50m, $"HB-DP-2026-{id}", new DateOnly(2026, 10, 1), ["res-1"], ["org-pv-1"], null);
}
