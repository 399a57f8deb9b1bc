using Platform.Domain.Errors;
using Platform.Domain.Products;
using Xunit;

namespace Platform.UnitTests.Products;

public sealed class ProductRulesTests
{
    [Theory]
    [InlineData(0.01)]
    [InlineData(100)]
    public void CheckPrice_PublicGoodWithAPrice_422PriceNotFree(double price)
    {
        var refused = Assert.Throws<DomainException>(() => ProductRules.CheckPrice("public-good", ProductKind.Api, (decimal)price, 1000m));
        Assert.Equal((FailureKind.Unprocessable, ProductRules.PriceNotFreeCode), (refused.Kind, refused.Code));
        Assert.True(refused.Errors!.ContainsKey("price"));
    }

    [Fact]
    public void CheckPrice_PublicGoodFree_Accepted()
    {
        var exception = Record.Exception(() => ProductRules.CheckPrice("public-good", ProductKind.Dataset, 0m, null));

        Assert.Null(exception);
    }

    [Fact]
    public void CheckPrice_IndustryAboveCap_422PriceAboveCap()
    {
        var refused = Assert.Throws<DomainException>(() => ProductRules.CheckPrice("industry", ProductKind.Report, 500.01m, 500m));

        Assert.Equal((FailureKind.Unprocessable, ProductRules.PriceAboveCapCode), (refused.Kind, refused.Code));
        Assert.Contains("500", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(250)]
    [InlineData(500)]
    public void CheckPrice_IndustryUpToCap_Accepted(double price)
    {
        var exception = Record.Exception(() => ProductRules.CheckPrice("industry", ProductKind.Report, (decimal)price, 500m));

        Assert.Null(exception);
    }

    [Fact]
    public void CheckPrice_IndustryWithoutCap_422PriceCapNotSet()
    {
        var refused = Assert.Throws<DomainException>(() => ProductRules.CheckPrice("industry", ProductKind.Index, 1m, null));

        Assert.Equal(ProductRules.PriceCapNotSetCode, refused.Code);
    }

    [Fact]
    public void ValidateContent_MissingAndBadFields_422NamingEachField()
    {
        var refused = Assert.Throws<DomainException>(() => ProductRules.ValidateContent(new ProductDraft(null, null, " ", null, -1m, null, null, false, false, [""])));

        Assert.Equal(ProductRules.InvalidCode, refused.Code);
        Assert.Equal(["consentEvidence[0]", "description", "kind", "name", "price"], refused.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ValidateContent_PriceWithMoreThanTwoDecimals_422()
    {
        var refused = Assert.Throws<DomainException>(() => ProductRules.ValidateContent(ProductTestWorld.Draft(price: 1.005m)));

        Assert.True(refused.Errors!.ContainsKey("price"));
    }

    [Fact]
    public void CheckRedevelopment_OperatorDerivesItsOwnProduct_403()
    {
        var origin = Origin(ProductTestWorld.OperatorId, []);

        var refused = Assert.Throws<DomainException>(() => ProductRules.CheckRedevelopment(origin, ProductTestWorld.OperatorId, new HashSet<string>()));

        Assert.Equal((FailureKind.Forbidden, ProductRules.RedevelopmentForbiddenCode), (refused.Kind, refused.Code));
    }

    [Fact]
    public void CheckRedevelopment_DeveloperControlledByTheOriginsOperator_403()
    {
        var origin = Origin(ProductTestWorld.OperatorId, []);

        var refused = Assert.Throws<DomainException>(() => ProductRules.CheckRedevelopment(origin, ProductTestWorld.DeveloperId, new HashSet<string> { ProductTestWorld.OperatorId }));

        Assert.Equal(ProductRules.RedevelopmentForbiddenCode, refused.Code);
        Assert.Contains(ProductTestWorld.OperatorId, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckRedevelopment_OperatorOfAnEarlierProductInTheLineage_403()
    {
        var origin = Origin(ProductTestWorld.OtherOperatorId, [ProductTestWorld.OperatorId]);

        var refused = Assert.Throws<DomainException>(() => ProductRules.CheckRedevelopment(origin, ProductTestWorld.DeveloperId, new HashSet<string> { ProductTestWorld.OperatorId }));

        Assert.Equal(ProductRules.RedevelopmentForbiddenCode, refused.Code);
    }

    [Fact]
    public void CheckRedevelopment_IndependentDeveloperOrDeveloperControlledByAnotherOperator_Allowed()
    {
        var origin = Origin(ProductTestWorld.OperatorId, []);

        var independent = Record.Exception(() => ProductRules.CheckRedevelopment(origin, ProductTestWorld.DeveloperId, new HashSet<string>()));
        var otherControl = Record.Exception(() => ProductRules.CheckRedevelopment(origin, ProductTestWorld.DeveloperId, new HashSet<string> { ProductTestWorld.OtherOperatorId }));

        Assert.Null(independent);
        Assert.Null(otherControl);
    }

    [Fact]
    public void Complete_Published_RegistersWithTheChinaDateAndRepeatsChangeNothing()
    {
        var product = Origin(ProductTestWorld.OperatorId, []) with { Status = ProductStatus.InReview, Registration = null };
        var outcome = new ProductComplianceOutcome(ProductComplianceOutcomeKind.Published, [], null);

        var published = ProductRules.Complete(product, outcome, ProductTestWorld.Now);
        var again = ProductRules.Complete(published, outcome, ProductTestWorld.Now.AddHours(1));

        Assert.Equal(ProductStatus.Published, published.Status);
        // 17:30 UTC on 2 March is 01:30 on 3 March in China.
        Assert.Equal(new DateOnly(2026, 3, 3), published.Registration!.RegisteredOn);
        Assert.StartsWith("HBDP-20260303-", published.Registration.Number, StringComparison.Ordinal);
        Assert.Same(published, again);
    }

    [Fact]
    public void Withdraw_PublishedProduct_StaysPublished()
    {
        var published = Origin(ProductTestWorld.OperatorId, []);

        var after = ProductRules.Withdraw(published, "agreement-expired", ProductTestWorld.Now);

        Assert.Same(published, after);
    }

    private static Product Origin(string operatorId, IReadOnlyList<string> lineageOperators)
        => new("prd-origin", operatorId, Platform.Domain.Organizations.OrganizationKind.Operator, operatorId, "agr-1", "scn-1", "场景", ProductKind.Api, "产品", "说明", 0m, "public-good",
            false, false, [], [new ProductSource("sbx-1", "grt-1", "h", 2)], [new ResourceFieldSet("res-1", "org-prov", ["district"])], null, [], lineageOperators,
            ProductStatus.Published, [ProductRules.NewRound(1, ProductTestWorld.Now) with { InstanceId = "product-compliance-prd-origin-r1" }],
            new ProductRegistration("HBDP-20260303-X", new DateOnly(2026, 3, 3), ProductTestWorld.Now), ProductTestWorld.Now, "u", ProductTestWorld.Now);
}
