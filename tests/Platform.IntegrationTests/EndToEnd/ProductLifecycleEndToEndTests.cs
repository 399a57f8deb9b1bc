using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.ProductSteps;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Issue 8 end to end on the local host: an operator builds a product from a released sandbox output; the automated
/// checks pass; the authority and the data provider approve through their signed links (full track: the product involves
/// personal information); it is registered and listed publicly; an admitted developer derives a product from it while the
/// operator's own derivation is refused (M4.6.1); calls are metered and need the data subject's authorisation (M4.5.2).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ProductLifecycleEndToEndTests(PlatformHostFixture platform)
{
    internal static readonly Dictionary<string, int> FullScores = new() { ["consistency"] = 5, ["masking"] = 5, ["consent"] = 4, ["value"] = 4 };

    [Fact]
    public async Task Product_ChecksPassTwoReviewersApprove_PublishedDerivedByDeveloperNotByOperatorAndCallsNeedAuthorisation()
    {
        var setup = await ReleasedOutputAsync(platform);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var owner = platform.Client(Roles.Operator, setup.Sandbox.OperatorId);
        using var provider = platform.Client(Roles.Provider, setup.Sandbox.ProviderId);
        using var anonymous = platform.Client();

        var created = await CreatedAsync(await owner.PostAsJsonAsync("/api/products", Body(setup, involvesPersonalInfo: true, name: "武汉市养老服务需求查询接口")));
        var id = created.GetProperty("id").GetString()!;
        var instance = $"product-compliance-{id}-r1";

        // Both reviewers of the full track get a link; the automated checks ran before any link was sent.
        var authorityLink = await LinkAsync(authority, id, $"{instance}-authority", asRole: true);
        var providerLink = await LinkAsync(provider, id, $"{instance}-provider-{setup.Sandbox.ProviderId}");
        var checkedProduct = await owner.GetFromJsonAsync<JsonElement>($"/api/products/{id}");
        var round = checkedProduct.GetProperty("rounds")[0];
        Assert.Equal("full", round.GetProperty("track").GetString());
        Assert.Equal(0, round.GetProperty("findings").GetArrayLength());

        var page = await anonymous.GetAsync(providerLink);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("武汉市养老服务需求查询接口", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var link in new[] { authorityLink, providerLink })
        {
            var decided = await anonymous.PostAsJsonAsync(link, new { decision = "approve", comment = "数据已聚合，同意发布。", scores = FullScores });
            Assert.True(decided.StatusCode == HttpStatusCode.OK, await decided.Content.ReadAsStringAsync());
        }

        var published = await PlatformScenario.PollAsync(owner, $"/api/products/{id}", p => p.GetProperty("status").GetString() != "in-review", TimeSpan.FromSeconds(60));
        Assert.Equal("published", published.GetProperty("status").GetString());
        Assert.StartsWith($"HBDP-{PlatformScenario.TodayCst:yyyyMMdd}-", published.GetProperty("registrationNumber").GetString(), StringComparison.Ordinal);
        Assert.Equal(PlatformScenario.TodayCst.ToString("yyyy-MM-dd"), published.GetProperty("registeredOn").GetString());
        Assert.Equal(2, published.GetProperty("rounds")[0].GetProperty("decisions").GetArrayLength());

        var listed = await FindPublishedAsync(anonymous, id);
        Assert.Equal(("api", "public-good", 0m), (listed.GetProperty("kind").GetString(), listed.GetProperty("useCategory").GetString(), listed.GetProperty("price").GetDecimal()));
        Assert.Equal(setup.Sandbox.ProviderId, listed.GetProperty("providerData")[0].GetProperty("providerId").GetString());
        Assert.Equal(published.GetProperty("registrationNumber").GetString(), listed.GetProperty("registrationNumber").GetString());

        // M4.6: an admitted developer re-develops the delivered product; the operator may not, nor through a developer it controls.
        var developerId = await AdmittedDeveloperAsync(authority, owner);
        var controlledId = await AdmittedDeveloperAsync(authority, owner, controlledBy: setup.Sandbox.OperatorId);
        using var developer = platform.Client(Roles.Developer, developerId);
        using var controlled = platform.Client(Roles.Developer, controlledId);
        var derivation = new { derivedFrom = id, kind = "report", name = "养老服务设施选址建议报告", description = "基于需求指数的选址建议（第三方开发）", price = 0, involvesPersonalInfo = true, consentEvidence = new[] { "个人信息处理同意书 TY-2026-001" } };
        var derived = await CreatedAsync(await developer.PostAsJsonAsync("/api/products", derivation));
        var byOperator = await owner.PostAsJsonAsync("/api/products", derivation);
        var byControlled = await controlled.PostAsJsonAsync("/api/products", derivation);

        Assert.Equal((id, "in-review", developerId), (derived.GetProperty("derivedFrom").GetString(), derived.GetProperty("status").GetString(), derived.GetProperty("ownerOrgId").GetString()));
        Assert.Equal([id], derived.GetProperty("lineage").EnumerateArray().Select(e => e.GetString()));
        await ProblemAsync(byOperator, HttpStatusCode.Forbidden, "product.operator_redevelopment_forbidden");
        await ProblemAsync(byControlled, HttpStatusCode.Forbidden, "product.operator_redevelopment_forbidden");

        // M4.5.2: calls carry the data subject's authorisation; each is metered per caller and CST day, a retried call id once.
        var withoutAuthorisation = await developer.PostAsJsonAsync($"/api/products/{id}/calls", new { callId = "call-1" });
        await ProblemAsync(withoutAuthorisation, HttpStatusCode.Forbidden, "product.subject_authorization_required");
        var call = await developer.PostAsJsonAsync($"/api/products/{id}/calls?pageSize=1", new { callId = "call-1", subjectAuthorizationRef = "个人授权 AUTH-2026-0001" });
        var retried = await developer.PostAsJsonAsync($"/api/products/{id}/calls?pageSize=1", new { callId = "call-1", subjectAuthorizationRef = "个人授权 AUTH-2026-0001" });
        Assert.True(call.StatusCode == HttpStatusCode.OK, await call.Content.ReadAsStringAsync());
        var answer = await call.Content.ReadFromJsonAsync<JsonElement>();
        var again = await retried.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((1L, false, true), (answer.GetProperty("meter").GetProperty("calls").GetInt64(), answer.GetProperty("replayed").GetBoolean(), again.GetProperty("replayed").GetBoolean()));
        Assert.Equal(PlatformScenario.TodayCst.ToString("yyyy-MM-dd"), answer.GetProperty("meter").GetProperty("day").GetString());
        var data = answer.GetProperty("data")[0];
        Assert.Equal(["district", "people", "mean_age"], data.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("武昌区", data.GetProperty("rows")[0][0].GetString());
        Assert.Equal(1, answer.GetProperty("nextOffset").GetInt32());

        var usage = await owner.GetFromJsonAsync<JsonElement>($"/api/products/{id}/usage");
        Assert.Equal(1, usage.GetProperty("totalCalls").GetInt64());
        Assert.Equal(developerId, usage.GetProperty("meters")[0].GetProperty("callerOrgId").GetString());
    }

    [Fact]
    public async Task Product_JobUsedPersonalFieldBodySaysNotPersonal_FullTrackAndCallsNeedAuthorisation()
    {
        var setup = await ReleasedOutputAsync(platform);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var owner = platform.Client(Roles.Operator, setup.Sandbox.OperatorId);
        using var provider = platform.Client(Roles.Provider, setup.Sandbox.ProviderId);
        using var staff = SandboxScenario.StaffClient(platform, setup.Sandbox);
        using var anonymous = platform.Client();
        var job = await SandboxScenario.RunAsync(staff, setup.Sandbox, "full", $"SELECT district, count(DISTINCT name) AS people FROM {setup.Sandbox.TableName} GROUP BY district ORDER BY district");
        Assert.True(job.GetProperty("status").GetString() == "released", job.GetRawText());

        var created = await CreatedAsync(await owner.PostAsJsonAsync("/api/products", new
        {
            scenarioId = setup.ScenarioId, kind = "api", name = "各区养老服务登记人数（按姓名去重）", description = "按区县统计的登记人数。", price = 0,
            sourceJobIds = new[] { job.GetProperty("id").GetString() }, involvesPersonalInfo = false, consentEvidence = new[] { "个人信息处理同意书 TY-2026-002" },
        }));
        var id = created.GetProperty("id").GetString()!;

        // M4.5.1: the job read the personal field 'name', so the product is personal whatever the body says: full track.
        Assert.True(created.GetProperty("involvesPersonalInfo").GetBoolean());
        var authorityLink = await LinkAsync(authority, id, $"product-compliance-{id}-r1-authority", asRole: true);
        var providerLink = await LinkAsync(provider, id, $"product-compliance-{id}-r1-provider-{setup.Sandbox.ProviderId}");
        Assert.Equal("full", (await owner.GetFromJsonAsync<JsonElement>($"/api/products/{id}")).GetProperty("rounds")[0].GetProperty("track").GetString());
        foreach (var link in new[] { authorityLink, providerLink })
        {
            var decided = await anonymous.PostAsJsonAsync(link, new { decision = "approve", comment = "同意发布。", scores = FullScores });
            Assert.True(decided.StatusCode == HttpStatusCode.OK, await decided.Content.ReadAsStringAsync());
        }

        await PlatformScenario.PollAsync(owner, $"/api/products/{id}", p => p.GetProperty("status").GetString() == "published", TimeSpan.FromSeconds(60));
        // M4.5.2: each call carries the data subject's authorisation reference.
        var withoutAuthorisation = await owner.PostAsJsonAsync($"/api/products/{id}/calls", new { callId = "call-1" });
        var withAuthorisation = await owner.PostAsJsonAsync($"/api/products/{id}/calls", new { callId = "call-2", subjectAuthorizationRef = "个人授权 AUTH-2026-0002" });
        await ProblemAsync(withoutAuthorisation, HttpStatusCode.Forbidden, "product.subject_authorization_required");
        Assert.True(withAuthorisation.StatusCode == HttpStatusCode.OK, await withAuthorisation.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AgreementTerminated_ProductInReviewWithdrawnAndItsLinkClosed_PublishedProductStays()
    {
        var setup = await ReleasedOutputAsync(platform);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var owner = platform.Client(Roles.Operator, setup.Sandbox.OperatorId);
        using var provider = platform.Client(Roles.Provider, setup.Sandbox.ProviderId);
        using var anonymous = platform.Client();

        // Fast track (public-good, no personal information): the authority alone decides.
        var fast = await CreatedAsync(await owner.PostAsJsonAsync("/api/products", Body(setup, kind: "dataset", name: "各区养老服务登记人数统计表")));
        var fastId = fast.GetProperty("id").GetString()!;
        var fastLink = await LinkAsync(authority, fastId, $"product-compliance-{fastId}-r1-authority", asRole: true);
        var approved = await anonymous.PostAsJsonAsync(fastLink, new { decision = "approve", comment = "同意。", scores = FullScores });
        Assert.True(approved.StatusCode == HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        await PlatformScenario.PollAsync(owner, $"/api/products/{fastId}", p => p.GetProperty("status").GetString() == "published", TimeSpan.FromSeconds(60));

        var pending = await CreatedAsync(await owner.PostAsJsonAsync("/api/products", Body(setup, involvesPersonalInfo: true, name: "养老服务需求明细接口")));
        var pendingId = pending.GetProperty("id").GetString()!;
        var providerLink = await LinkAsync(provider, pendingId, $"product-compliance-{pendingId}-r1-provider-{setup.Sandbox.ProviderId}");

        // M4.7.4: the operator's public disclosure lists exactly its published product with its price, never the one in review.
        var disclosure = await anonymous.GetFromJsonAsync<JsonElement>($"/api/disclosure/operators/{setup.Sandbox.OperatorId}");
        var disclosed = Assert.Single(disclosure.GetProperty("products").EnumerateArray());
        Assert.Equal((fastId, "各区养老服务登记人数统计表", 0m), (disclosed.GetProperty("id").GetString(), disclosed.GetProperty("name").GetString(), disclosed.GetProperty("price").GetDecimal()));
        var disclosureCsv = await anonymous.GetStringAsync($"/api/disclosure/operators/{setup.Sandbox.OperatorId}?format=csv");
        Assert.Contains(fastId, disclosureCsv, StringComparison.Ordinal);
        Assert.DoesNotContain(pendingId, disclosureCsv, StringComparison.Ordinal);
        Assert.DoesNotContain(pendingId, disclosure.GetRawText(), StringComparison.Ordinal);

        var terminated = await authority.PostAsJsonAsync($"/api/agreements/{setup.Sandbox.AgreementId}/termination", new { ground = "other", detail = "运营机构申请解除协议" });
        Assert.True(terminated.StatusCode == HttpStatusCode.OK, await terminated.Content.ReadAsStringAsync());

        var withdrawn = await PlatformScenario.PollAsync(owner, $"/api/products/{pendingId}", p => p.GetProperty("status").GetString() != "in-review", TimeSpan.FromSeconds(60));
        Assert.Equal("withdrawn", withdrawn.GetProperty("status").GetString());
        Assert.StartsWith("agreement-", withdrawn.GetProperty("rounds")[0].GetProperty("endReason").GetString(), StringComparison.Ordinal);
        var closedPage = await anonymous.GetAsync(providerLink);
        Assert.Equal(HttpStatusCode.Gone, closedPage.StatusCode);
        var late = await anonymous.PostAsJsonAsync(providerLink, new { decision = "approve", comment = "同意。", scores = FullScores });
        await ProblemAsync(late, HttpStatusCode.Gone, "approval.link_closed");
        var stillPublished = await owner.GetFromJsonAsync<JsonElement>($"/api/products/{fastId}");
        Assert.Equal("published", stillPublished.GetProperty("status").GetString());
    }

    private static async Task<JsonElement> FindPublishedAsync(HttpClient anonymous, string id)
    {
        string? token = null;
        do
        {
            var page = await anonymous.GetFromJsonAsync<JsonElement>("/api/products/published?kind=api&pageSize=200" + (token is null ? "" : $"&continuationToken={Uri.EscapeDataString(token)}"));
            foreach (var item in page.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("id").GetString() == id))
            {
                return item;
            }

            token = page.TryGetProperty("continuationToken", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (token is not null);

        throw new Xunit.Sdk.XunitException($"Product {id} is not in the published list.");
    }

    /// <summary>Waits for a review message about the product in the reader's outbox and returns its link path.</summary>
    internal static async Task<string> LinkAsync(HttpClient reader, string productId, string notificationId, bool asRole = false)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var url = $"/api/notifications?pageSize=100&target={Uri.EscapeDataString($"products/{productId}")}{(asRole ? "&recipient=role" : "")}";
            var page = await reader.GetFromJsonAsync<JsonElement>(url);
            foreach (var message in page.GetProperty("items").EnumerateArray().Where(m => m.GetProperty("id").GetString() == notificationId))
            {
                var link = message.GetProperty("link").GetString()!;
                return new Uri(link, UriKind.RelativeOrAbsolute).IsAbsoluteUri ? new Uri(link).AbsolutePath : link;
            }

            await Task.Delay(300);
        }

        throw new TimeoutException($"No message {notificationId} arrived.");
    }
}
