using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>Implementation plans (M3.3, M5.6) through HTTP on the local host: draft, approval, immutability, dynamic lists, filing.</summary>
[Collection(PlatformCollection.Name)]
public sealed class PlansEndToEndTests(PlatformHostFixture platform)
{
    private static readonly DateOnly ChinaToday = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));

    [Fact]
    public async Task CreatePlan_ValidRequest_Returns201DraftReadableBySupervisorButNotOperator()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var supervisor = platform.Client(Roles.Supervisor, "org-cac");
        using var operatorClient = platform.Client(Roles.Operator, "org-op");

        var response = await authority.PostAsJsonAsync("/api/plans", new
        {
            title = "湖北省公共数据资源授权运营实施方案",
            mode = "domain",
            region = "420000",
            description = "交通出行领域",
            resourceCatalog = new[] { "道路运输许可", "公交实时位置" },
            productList = new[] { "出行指数" },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        var read = await supervisor.GetFromJsonAsync<JsonElement>(response.Headers.Location);
        Assert.Equal("湖北省公共数据资源授权运营实施方案", read.GetProperty("title").GetString());
        Assert.Equal(("draft", "domain"), (read.GetProperty("status").GetString(), read.GetProperty("mode").GetString()));
        Assert.Equal(["道路运输许可", "公交实时位置"], read.GetProperty("resourceCatalog").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, read.GetProperty("filingDueOn").ValueKind);
        await FoundationEndToEndTests.AssertProblemAsync(await operatorClient.GetAsync(response.Headers.Location), HttpStatusCode.Forbidden, "auth.forbidden_role");
    }

    [Fact]
    public async Task CreatePlan_BadRegionAndNoMode_Returns422NamingBoth()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");

        var response = await authority.PostAsJsonAsync("/api/plans", new { title = "方案", region = "4201" });

        var problem = await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "plan.invalid");
        Assert.True(problem.GetProperty("errors").TryGetProperty("region", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("mode", out _));
    }

    [Fact]
    public async Task ApprovePlan_Draft_BecomesApprovedThenImmutableToEditAndSecondApproval()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var location = await CreatePlanAsync(authority);
        var approvedOn = ChinaToday.AddDays(-3);

        var approved = await authority.PostAsJsonAsync(location + "/approval", Approval(approvedOn));
        var secondApproval = await authority.PostAsJsonAsync(location + "/approval", Approval(approvedOn));
        var edit = await authority.PutAsJsonAsync(location, new { title = "改过的标题", mode = "whole", region = "420000" });

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var body = await approved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("approved", body.GetProperty("status").GetString());
        Assert.Equal("湖北省人民政府", body.GetProperty("approval").GetProperty("approvedBy").GetString());
        Assert.Equal(approvedOn.AddMonths(1).ToString("yyyy-MM-dd"), body.GetProperty("filingDueOn").GetString());
        Assert.False(body.GetProperty("filingOverdue").GetBoolean());
        await FoundationEndToEndTests.AssertProblemAsync(secondApproval, HttpStatusCode.Conflict, "plan.immutable");
        await FoundationEndToEndTests.AssertProblemAsync(edit, HttpStatusCode.Conflict, "plan.immutable");
        Assert.Equal("武汉市数据授权运营实施方案", (await authority.GetFromJsonAsync<JsonElement>(location)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task EditPlan_Draft_Returns200WithNewContent()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var location = await CreatePlanAsync(authority);

        var edit = await authority.PutAsJsonAsync(location, new { title = "宜昌市数据授权运营实施方案", mode = "scenario", region = "420500" });

        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        var body = await edit.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("宜昌市数据授权运营实施方案", "scenario", "420500"), (body.GetProperty("title").GetString(), body.GetProperty("mode").GetString(), body.GetProperty("region").GetString()));
    }

    [Fact]
    public async Task ReplaceCatalog_AfterApproval_SucceedsWithCurrentETagAnd412WithStaleOne()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var location = await CreatePlanAsync(authority);
        var approved = await authority.PostAsJsonAsync(location + "/approval", Approval(ChinaToday));
        var approvedETag = approved.Headers.ETag!.ToString();

        using var current = new HttpRequestMessage(HttpMethod.Put, location + "/catalog") { Content = JsonContent.Create(new { resourceCatalog = new[] { "企业登记信息", "纳税信用等级" } }) };
        current.Headers.TryAddWithoutValidation("If-Match", approvedETag);
        var updated = await authority.SendAsync(current);
        using var stale = new HttpRequestMessage(HttpMethod.Put, location + "/catalog") { Content = JsonContent.Create(new { resourceCatalog = new[] { "覆盖" } }) };
        stale.Headers.TryAddWithoutValidation("If-Match", approvedETag);
        var conflict = await authority.SendAsync(stale);
        var products = await authority.PutAsJsonAsync(location + "/products", new { productList = new[] { "企业信用画像" } });

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        await FoundationEndToEndTests.AssertProblemAsync(conflict, HttpStatusCode.PreconditionFailed, "concurrency.etag_mismatch");
        Assert.Equal(HttpStatusCode.OK, products.StatusCode);
        var read = await authority.GetFromJsonAsync<JsonElement>(location);
        Assert.Equal(["企业登记信息", "纳税信用等级"], read.GetProperty("resourceCatalog").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["企业信用画像"], read.GetProperty("productList").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("approved", read.GetProperty("status").GetString());
    }

    [Fact]
    public async Task FilePlan_DraftThenOverdueApprovedThenTwice_409ThenRecordedThen409()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var location = await CreatePlanAsync(authority);
        var filing = new { documentRef = "鄂数备〔2026〕5号", filedOn = ChinaToday.ToString("yyyy-MM-dd") };

        var beforeApproval = await authority.PostAsJsonAsync(location + "/filing", filing);
        var approvedLongAgo = await (await authority.PostAsJsonAsync(location + "/approval", Approval(ChinaToday.AddMonths(-2)))).Content.ReadFromJsonAsync<JsonElement>();
        var filed = await authority.PostAsJsonAsync(location + "/filing", filing);
        var again = await authority.PostAsJsonAsync(location + "/filing", filing);

        await FoundationEndToEndTests.AssertProblemAsync(beforeApproval, HttpStatusCode.Conflict, "plan.not_approved");
        Assert.True(approvedLongAgo.GetProperty("filingOverdue").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
        var body = await filed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.GetProperty("filingOverdue").GetBoolean());
        Assert.Equal("鄂数备〔2026〕5号", body.GetProperty("filing").GetProperty("documentRef").GetString());
        await FoundationEndToEndTests.AssertProblemAsync(again, HttpStatusCode.Conflict, "plan.already_filed");
    }

    [Fact]
    public async Task ListPlans_PagedAndFilteredByStatus()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var first = await CreatePlanAsync(authority);
        await CreatePlanAsync(authority);
        await authority.PostAsJsonAsync(first + "/approval", Approval(ChinaToday));

        var page = await authority.GetFromJsonAsync<JsonElement>("/api/plans?pageSize=1");
        var approvedOnly = new List<JsonElement>();
        string? token = null;
        do
        {
            // Other tests (and earlier runs on a persistent Azurite) add plans too: read every page.
            var url = "/api/plans?status=approved&pageSize=200" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var approvedPage = await authority.GetFromJsonAsync<JsonElement>(url);
            approvedOnly.AddRange(approvedPage.GetProperty("items").EnumerateArray());
            token = approvedPage.GetProperty("continuationToken").GetString();
        }
        while (token is not null);
        var badStatus = await authority.GetAsync("/api/plans?status=filed");

        Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.String, page.GetProperty("continuationToken").ValueKind);
        Assert.All(approvedOnly, plan => Assert.Equal("approved", plan.GetProperty("status").GetString()));
        Assert.Contains(approvedOnly, plan => first.EndsWith(plan.GetProperty("id").GetString()!, StringComparison.Ordinal));
        await FoundationEndToEndTests.AssertProblemAsync(badStatus, HttpStatusCode.BadRequest, "request.invalid_query");
    }

    [Fact]
    public async Task CreatePlan_NotAuthority_Returns403()
    {
        using var supervisor = platform.Client(Roles.Supervisor, "org-cac");

        var response = await supervisor.PostAsJsonAsync("/api/plans", new { title = "方案", mode = "whole", region = "420000" });

        await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.Forbidden, "auth.forbidden_role");
    }

    private static object Approval(DateOnly approvedOn)
        => new { approvedBy = "湖北省人民政府", documentRef = "鄂政函〔2026〕18号", approvedOn = approvedOn.ToString("yyyy-MM-dd") };

    private static async Task<string> CreatePlanAsync(HttpClient authority)
    {
        var response = await authority.PostAsJsonAsync("/api/plans", new { title = "武汉市数据授权运营实施方案", mode = "whole", region = "420100", resourceCatalog = new[] { "企业登记信息" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.ToString();
    }
}
