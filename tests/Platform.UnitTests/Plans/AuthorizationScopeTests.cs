using Platform.Domain.Plans;
using Xunit;

namespace Platform.UnitTests.Plans;

public sealed class AuthorizationScopeTests
{
    private static readonly ScopedResource WuhanTraffic = new("res-traffic", "org-wuhan-traffic", "420102", "交通");
    private static readonly ScopedResource YichangHealth = new("res-health", "org-yichang", "420500", "卫生");
    private static readonly ScopedResource HunanTraffic = new("res-hunan", "org-hunan", "430100", "交通");

    [Fact]
    public void Covers_WholeMode_EveryProviderInsideTheRegionAndNoneOutside()
    {
        var hubei = new AuthorizationScope(PlanMode.Whole, "420000", [], []);
        var wuhan = hubei with { Region = "420100" };

        Assert.True(hubei.Covers(WuhanTraffic));
        Assert.True(hubei.Covers(YichangHealth));
        Assert.False(hubei.Covers(HunanTraffic));
        Assert.True(wuhan.Covers(WuhanTraffic));
        Assert.False(wuhan.Covers(YichangHealth));
        Assert.False(hubei.Covers(WuhanTraffic with { ProviderRegion = null }));
    }

    [Fact]
    public void Covers_DomainMode_TheDomainOfItsListedProvidersOnly()
    {
        var traffic = new AuthorizationScope(PlanMode.Domain, "420000", [], [new DomainScope("交通", ["org-wuhan-traffic"])]);
        var anyTrafficProvider = traffic with { Domains = [new DomainScope("交通", [])] };

        Assert.True(traffic.Covers(WuhanTraffic));
        Assert.False(traffic.Covers(WuhanTraffic with { ProviderId = "org-other" }));
        Assert.False(traffic.Covers(YichangHealth));
        Assert.False(traffic.Covers(WuhanTraffic with { Domain = null }));
        Assert.True(anyTrafficProvider.Covers(WuhanTraffic with { ProviderId = "org-other" }));
        Assert.False(anyTrafficProvider.Covers(HunanTraffic));
    }

    [Fact]
    public void Covers_ListedResourceIds_CoveredInEveryModeAndOthersNot()
    {
        var listed = new AuthorizationScope(PlanMode.Scenario, "420000", ["res-health"], []);

        Assert.True(listed.Covers(YichangHealth));
        Assert.True(listed.Covers(YichangHealth with { ProviderRegion = null, Domain = null }));
        Assert.False(listed.Covers(WuhanTraffic));
    }

    [Theory]
    [InlineData("420000", "420000", true)]
    [InlineData("420000", "420102", true)]
    [InlineData("420100", "420102", true)]
    [InlineData("420100", "420500", false)]
    [InlineData("420102", "420102", true)]
    [InlineData("420102", "420103", false)]
    [InlineData("420000", "430000", false)]
    [InlineData("4200", "420000", false)]
    public void RegionCodesCovers_GbT2260_ARegionCoversItsSubCodes(string region, string code, bool expected)
        => Assert.Equal(expected, RegionCodes.Covers(region, code));

    [Fact]
    public void Contains_NarrowerScope_InsideRegionAndListsOnly()
    {
        var plan = new AuthorizationScope(PlanMode.Domain, "420000", ["res-a"], [new DomainScope("交通", [])]);

        Assert.True(plan.Contains(new AuthorizationScope(PlanMode.Scenario, "420100", ["res-a"], [])));
        Assert.True(plan.Contains(new AuthorizationScope(PlanMode.Domain, "420100", [], [new DomainScope("交通", ["org-x"])])));
        Assert.False(plan.Contains(new AuthorizationScope(PlanMode.Scenario, "420000", ["res-b"], [])));
        Assert.False(plan.Contains(new AuthorizationScope(PlanMode.Whole, "420100", [], [])));
        Assert.False(plan.Contains(new AuthorizationScope(PlanMode.Scenario, "430000", ["res-a"], [])));
        Assert.True(new AuthorizationScope(PlanMode.Whole, "420000", [], []).Contains(new AuthorizationScope(PlanMode.Whole, "420500", [], [])));
    }

    [Fact]
    public void Outside_NamesEachFieldAndResource()
    {
        var failure = AuthorizationScope.Outside(new Dictionary<string, string> { ["items[1].resourceId"] = "res-health" });

        Assert.Equal(AuthorizationScope.OutsideCode, failure.Code);
        Assert.Contains("res-health", Assert.Single(failure.Errors!["items[1].resourceId"]), StringComparison.Ordinal);
        Assert.Contains("res-health", failure.Message, StringComparison.Ordinal);
    }
}
