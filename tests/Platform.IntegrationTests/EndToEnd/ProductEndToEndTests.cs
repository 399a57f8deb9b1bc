using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.ProductSteps;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Data products (M4.5, M4.6) through HTTP on the local host, over a sandbox output released through the
/// public API: creation in review, pricing refusals, developer admission and its refusal, calls refused before publication.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ProductEndToEndTests(PlatformHostFixture platform)
{
    private static readonly SemaphoreSlim SetupLock = new(1, 1);
    private static readonly Dictionary<string, (string Host, ProductSetup Setup)> Shared = [];

    [Fact]
    public async Task Create_FromAReleasedSandboxOutput_InReviewAndCallRefusedBeforePublication()
    {
        var setup = await SharedAsync("public-good");
        using var owner = platform.Client(Roles.Operator, setup.Sandbox.OperatorId);

        var created = await CreatedAsync(await owner.PostAsJsonAsync("/api/products", Body(setup)));
        var id = created.GetProperty("id").GetString()!;
        var read = await owner.GetAsync($"/api/products/{id}");
        var listed = await owner.GetFromJsonAsync<JsonElement>("/api/products?pageSize=200");
        var call = await owner.PostAsJsonAsync($"/api/products/{id}/calls", new { callId = "c-1" });
        using var stranger = platform.Client(Roles.Operator, "org-stranger");
        var hidden = await stranger.GetAsync($"/api/products/{id}");

        Assert.Equal(("in-review", "public-good", "武汉市各区养老服务需求指数"), (created.GetProperty("status").GetString(), created.GetProperty("useCategory").GetString(), created.GetProperty("name").GetString()));
        Assert.Equal(setup.ReleasedJobId, created.GetProperty("sources")[0].GetProperty("jobId").GetString());
        var used = created.GetProperty("usedData")[0];
        Assert.Equal(setup.Sandbox.ProviderId, used.GetProperty("providerId").GetString());
        // The job record keeps per table the granted fields its statement used (name is granted but unused): what the output draws on.
        Assert.Equal(["age", "district"], used.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal($"product-compliance-{id}-r1", created.GetProperty("rounds")[0].GetProperty("instanceId").GetString());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.NotNull(read.Headers.ETag);
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetString() == id);
        await ProblemAsync(call, HttpStatusCode.Conflict, "product.not_published");
        await ProblemAsync(hidden, HttpStatusCode.NotFound, "product.not_found");
    }

    [Fact]
    public async Task Create_PublicGoodWithAPriceOrSampleOutput_422()
    {
        var setup = await SharedAsync("public-good");
        using var owner = platform.Client(Roles.Operator, setup.Sandbox.OperatorId);
        using var staff = SandboxScenario.StaffClient(platform, setup.Sandbox);
        var sample = await SandboxScenario.RunAsync(staff, setup.Sandbox, "sample", $"SELECT district, count(*) AS people FROM {setup.Sandbox.TableName} GROUP BY district");

        var priced = await owner.PostAsJsonAsync("/api/products", Body(setup, price: 10m));
        var fromSample = await owner.PostAsJsonAsync("/api/products",
            new { scenarioId = setup.ScenarioId, kind = "dataset", name = "样例", description = "样例", price = 0, sourceJobIds = new[] { sample.GetProperty("id").GetString() } });

        var problem = await ProblemAsync(priced, (HttpStatusCode)422, "product.price_not_free");
        Assert.True(problem.GetProperty("errors").TryGetProperty("price", out _));
        var invalid = await ProblemAsync(fromSample, (HttpStatusCode)422, "product.invalid_source");
        Assert.True(invalid.GetProperty("errors").TryGetProperty("sourceJobIds[0]", out _));
    }

    [Fact]
    public async Task Create_IndustryPriceAboveTheKindsCap_422ThenAtTheCap201()
    {
        var setup = await SharedAsync("industry");
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var owner = platform.Client(Roles.Operator, setup.Sandbox.OperatorId);
        await SetCapAsync(authority, "report", 800m);

        var above = await owner.PostAsJsonAsync("/api/products", Body(setup, price: 800.01m, kind: "report"));
        var atCap = await owner.PostAsJsonAsync("/api/products", Body(setup, price: 800m, kind: "report"));
        var caps = await authority.GetFromJsonAsync<JsonElement>("/api/price-caps");

        var problem = await ProblemAsync(above, (HttpStatusCode)422, "product.price_above_cap");
        Assert.Contains("800", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var created = await CreatedAsync(atCap);
        Assert.Equal(("industry", 800m), (created.GetProperty("useCategory").GetString(), created.GetProperty("price").GetDecimal()));
        Assert.Contains(caps.GetProperty("items").EnumerateArray(), c => c.GetProperty("kind").GetString() == "report" && c.GetProperty("amount").GetDecimal() == 800m);
    }

    [Fact]
    public async Task PriceCap_ChangeWithoutIfMatchOrByNonAuthority_412Or403()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var owner = platform.Client(Roles.Operator, "org-someone");
        await SetCapAsync(authority, "index", 300m);

        var blind = await authority.PutAsJsonAsync("/api/price-caps/index", new { amount = 1m });
        var byOperator = await owner.PutAsJsonAsync("/api/price-caps/index", new { amount = 1m });
        var unknownKind = await authority.PutAsJsonAsync("/api/price-caps/software", new { amount = 1m });

        await ProblemAsync(blind, HttpStatusCode.PreconditionFailed, "price_cap.if_match_required");
        await ProblemAsync(byOperator, HttpStatusCode.Forbidden, "auth.forbidden_role");
        await ProblemAsync(unknownKind, HttpStatusCode.NotFound, "price_cap.unknown_kind");
    }

    [Fact]
    public async Task Derive_DeveloperNotAdmitted_403AndAdmissionAppliedByOperatorApprovedByAuthority()
    {
        var setup = await SharedAsync("public-good");
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var owner = platform.Client(Roles.Operator, setup.Sandbox.OperatorId);
        var product = await CreatedAsync(await owner.PostAsJsonAsync("/api/products", Body(setup)));
        var outsider = await ScenarioSteps.CreateOrganizationAsync(authority, "developer", "未准入开发者有限公司");
        using var notAdmitted = platform.Client(Roles.Developer, outsider);
        var admitted = await AdmittedDeveloperAsync(authority, owner);
        using var developer = platform.Client(Roles.Developer, admitted);
        var derivation = new { derivedFrom = product.GetProperty("id").GetString(), kind = "report", name = "养老服务设施选址建议报告", description = "基于需求指数的选址建议", price = 0 };

        var refused = await notAdmitted.PostAsJsonAsync("/api/products", derivation);
        var fromUnpublished = await developer.PostAsJsonAsync("/api/products", derivation);
        var withoutOrigin = await developer.PostAsJsonAsync("/api/products", Body(setup));

        await ProblemAsync(refused, HttpStatusCode.Forbidden, "product.developer_not_admitted");
        await ProblemAsync(fromUnpublished, HttpStatusCode.NotFound, "product.not_found");
        await ProblemAsync(withoutOrigin, HttpStatusCode.Forbidden, "product.derivation_required");
    }

    [Fact]
    public async Task PublishedList_AnonymousCallerOrBadKindFilter_ListedOr400()
    {
        using var anonymous = platform.Client();

        var listed = await anonymous.GetAsync("/api/products/published?kind=api&useCategory=public-good&pageSize=5");
        var badKind = await anonymous.GetAsync("/api/products/published?kind=software");

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(JsonValueKind.Array, (await listed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").ValueKind);
        await ProblemAsync(badKind, HttpStatusCode.BadRequest, "request.invalid_query");
    }

    private async Task<ProductSetup> SharedAsync(string useCategory)
    {
        await SetupLock.WaitAsync();
        try
        {
            if (!Shared.TryGetValue(useCategory, out var shared) || shared.Host != platform.Host.BaseUrl)
            {
                Shared[useCategory] = shared = (platform.Host.BaseUrl, await ReleasedOutputAsync(platform, useCategory));
            }

            return shared.Setup;
        }
        finally
        {
            SetupLock.Release();
        }
    }
}
