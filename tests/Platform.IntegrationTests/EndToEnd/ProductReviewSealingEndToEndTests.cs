using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.ProductSteps;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>Sealed product review rounds (M4.5.1) over HTTP: who sees which decision while the round is open, and after.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ProductReviewSealingEndToEndTests(PlatformHostFixture platform)
{
    [Fact]
    public async Task ProductReview_AuthorityDecidedProviderNotYet_ProviderSeesNoOtherDecisionOwnerOnlyTheSlotAfterwardsAllSeeBoth()
    {
        var setup = await ReleasedOutputAsync(platform);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var supervisor = platform.Client(Roles.Supervisor, "org-supervisor");
        using var owner = platform.Client(Roles.Operator, setup.Sandbox.OperatorId);
        using var provider = platform.Client(Roles.Provider, setup.Sandbox.ProviderId);
        using var anonymous = platform.Client();
        var created = await CreatedAsync(await owner.PostAsJsonAsync("/api/products", Body(setup, involvesPersonalInfo: true, name: "武汉市养老床位供需查询接口")));
        var id = created.GetProperty("id").GetString()!;
        var instance = $"product-compliance-{id}-r1";
        var authorityLink = await ProductLifecycleEndToEndTests.LinkAsync(authority, id, $"{instance}-authority", asRole: true);
        var providerLink = await ProductLifecycleEndToEndTests.LinkAsync(provider, id, $"{instance}-provider-{setup.Sandbox.ProviderId}");

        var authorityDecided = await anonymous.PostAsJsonAsync(authorityLink, new { decision = "approve", comment = "主管部门意见：同意发布。", scores = ProductLifecycleEndToEndTests.FullScores });
        Assert.True(authorityDecided.StatusCode == HttpStatusCode.OK, await authorityDecided.Content.ReadAsStringAsync());
        // The decision reaches the product record through the review orchestration: wait until oversight sees it.
        var asSupervisor = await PlatformScenario.PollAsync(supervisor, $"/api/products/{id}", p => p.GetProperty("rounds")[0].GetProperty("decisions").GetArrayLength() == 1, TimeSpan.FromSeconds(60));
        var asProvider = await provider.GetStringAsync($"/api/products/{id}");
        var asOwner = await owner.GetFromJsonAsync<JsonElement>($"/api/products/{id}");
        var ownerListed = await owner.GetStringAsync("/api/products?pageSize=200");

        var providerView = JsonDocument.Parse(asProvider).RootElement;
        Assert.Equal("in-review", providerView.GetProperty("status").GetString());
        Assert.Equal(0, providerView.GetProperty("rounds")[0].GetProperty("decisions").GetArrayLength());
        Assert.DoesNotContain("主管部门意见", asProvider, StringComparison.Ordinal);
        var ownerSlot = Assert.Single(asOwner.GetProperty("rounds")[0].GetProperty("decisions").EnumerateArray());
        Assert.Equal(("decided", JsonValueKind.Null, JsonValueKind.Null), (ownerSlot.GetProperty("state").GetString(), ownerSlot.GetProperty("decision").ValueKind, ownerSlot.GetProperty("comment").ValueKind));
        Assert.DoesNotContain("主管部门意见", ownerListed, StringComparison.Ordinal);
        Assert.Equal("approve", Assert.Single(asSupervisor.GetProperty("rounds")[0].GetProperty("decisions").EnumerateArray()).GetProperty("decision").GetString());

        var providerDecided = await anonymous.PostAsJsonAsync(providerLink, new { decision = "approve", comment = "数据已聚合，同意。", scores = ProductLifecycleEndToEndTests.FullScores });
        Assert.True(providerDecided.StatusCode == HttpStatusCode.OK, await providerDecided.Content.ReadAsStringAsync());
        var ended = await PlatformScenario.PollAsync(provider, $"/api/products/{id}", p => p.GetProperty("status").GetString() != "in-review", TimeSpan.FromSeconds(60));

        Assert.Equal("published", ended.GetProperty("status").GetString());
        Assert.Equal(["approve", "approve"], ended.GetProperty("rounds")[0].GetProperty("decisions").EnumerateArray().Select(d => d.GetProperty("decision").GetString()));
    }
}
