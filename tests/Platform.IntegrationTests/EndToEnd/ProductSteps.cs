using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>A granted scenario with a released full-mode sandbox output ready to become a product.</summary>
public sealed record ProductSetup(SandboxSetup Sandbox, string ScenarioId, string ReleasedJobId);

/// <summary>Steps of the product end-to-end tests, through the public API only.</summary>
public static class ProductSteps
{
    public const string AggregateSql = "SELECT district, count(*) AS people, avg(age) AS mean_age FROM {0} GROUP BY district ORDER BY district";

    /// <summary>A grant over the register (SandboxScenario) and a released aggregate over it by the operator's staff.</summary>
    /// <summary>
    /// A released full-mode output over a grant of every field of the register, the personal field `name` included: the
    /// aggregate uses district and age only, so products built on it carry no personal information (M4.5.1: their flags
    /// come from the fields the statement used, not from every granted field).
    /// </summary>
    public static async Task<ProductSetup> ReleasedOutputAsync(PlatformHostFixture platform, string useCategory = "public-good")
    {
        var sandbox = await SandboxScenario.GrantedAsync(platform, useCategory);
        using var owner = platform.Client(Roles.Operator, sandbox.OperatorId);
        var grant = await owner.GetFromJsonAsync<JsonElement>($"/api/grants/{sandbox.GrantId}");
        using var staff = SandboxScenario.StaffClient(platform, sandbox);
        var job = await SandboxScenario.RunAsync(staff, sandbox, "full", string.Format(System.Globalization.CultureInfo.InvariantCulture, AggregateSql, sandbox.TableName));
        Assert.Equal("released", job.GetProperty("status").GetString());
        return new ProductSetup(sandbox, grant.GetProperty("scenarioId").GetString()!, job.GetProperty("id").GetString()!);
    }

    public static object Body(ProductSetup setup, decimal price = 0, string kind = "api", bool involvesPersonalInfo = false, string name = "武汉市各区养老服务需求指数")
        => new
        {
            scenarioId = setup.ScenarioId,
            kind,
            name,
            description = "按区县统计的养老服务登记人数与平均年龄（已聚合，不含个人信息）。",
            price,
            sourceJobIds = new[] { setup.ReleasedJobId },
            involvesPersonalInfo,
            consentEvidence = involvesPersonalInfo ? new[] { "个人信息处理同意书 TY-2026-001" } : Array.Empty<string>(),
        };

    public static async Task<JsonElement> CreatedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a problem answer, showing the body when the status differs.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }

    /// <summary>A developer organisation admitted through the API: the operator applies under its rules, the authority approves.</summary>
    public static async Task<string> AdmittedDeveloperAsync(HttpClient authority, HttpClient owner, string? controlledBy = null)
    {
        var developerId = await ScenarioSteps.CreateOrganizationAsync(authority, "developer", "武汉数智产品开发有限公司");
        var applied = await owner.PostAsJsonAsync("/api/developers/admissions", new
        {
            developerId,
            rulesRef = "《湖北数据运营有限公司产品开发者准入规则》第2版",
            relationship = controlledBy is null ? "与运营机构无股权或控制关系" : "运营机构控股子公司",
            controlledBy,
        });
        var admission = await CreatedAsync(applied);
        Assert.Equal("pending", admission.GetProperty("status").GetString());
        var decided = await authority.PostAsJsonAsync($"/api/developers/admissions/{admission.GetProperty("id").GetString()}/decision", new { decision = "approve", comment = "准入材料齐全" });
        Assert.True(decided.StatusCode == HttpStatusCode.OK, await decided.Content.ReadAsStringAsync());
        Assert.Equal("approved", (await decided.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        return developerId;
    }

    /// <summary>Sets the cap of a kind whatever it was (reads its ETag first when one exists).</summary>
    public static async Task SetCapAsync(HttpClient authority, string kind, decimal amount)
    {
        var current = await authority.GetAsync($"/api/price-caps/{kind}");
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/price-caps/{kind}") { Content = JsonContent.Create(new { amount, currency = "CNY", basis = "湖北省发展改革委数据产品政府指导价通知" }) };
        if (current.StatusCode == HttpStatusCode.OK)
        {
            put.Headers.IfMatch.Add(current.Headers.ETag!);
        }

        var response = await authority.SendAsync(put);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
