using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>The foundation through real HTTP on the platform's local host: health, auth, bad input, the audit chain.</summary>
[Collection(PlatformCollection.Name)]
public sealed class FoundationEndToEndTests(PlatformHostFixture platform)
{
    [Fact]
    public async Task Health_StorageReachable_Returns200()
    {
        using var client = platform.Client();

        var response = await client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("healthy", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Audit_WithoutToken_Returns401MissingToken()
    {
        using var client = platform.Client();

        var response = await client.GetAsync("/api/audit");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "auth.missing_token");
    }

    [Fact]
    public async Task Audit_ExpiredToken_Returns401TokenExpired()
    {
        using var client = platform.Client();
        var expired = platform.Token(Roles.Supervisor, "org-sup", lifetime: TimeSpan.FromMinutes(5), issuedAt: DateTimeOffset.UtcNow.AddHours(-2));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", expired);

        var response = await client.GetAsync("/api/audit");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "auth.token_expired");
    }

    [Fact]
    public async Task Audit_TokenSignedByAnotherKey_Returns401InvalidToken()
    {
        using var client = platform.Client();
        var otherKey = new AuthOptions { Issuer = platform.Auth.Issuer, Audience = platform.Auth.Audience, SigningKey = "another-key-that-the-platform-does-not-trust-0123456789" };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            DevelopmentTokenIssuer.Mint(otherKey, Roles.Supervisor, "org-sup", "intruder", TimeSpan.FromHours(1), DateTimeOffset.UtcNow));

        var response = await client.GetAsync("/api/audit");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "auth.invalid_token");
    }

    [Fact]
    public async Task Audit_RoleNotAllowed_Returns403()
    {
        using var client = platform.Client(Roles.Operator, "org-op");

        var response = await client.GetAsync("/api/audit");

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "auth.forbidden_role");
    }

    [Fact]
    public async Task OpenApi_MalformedBodiesToEveryPostAndPutRoute_AreAnswered4xx()
    {
        using var anonymous = platform.Client();
        var document = await anonymous.GetFromJsonAsync<JsonElement>("/api/openapi.json");
        var writeRoutes = new List<(string Method, string Path)>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "post" or "put"))
            {
                writeRoutes.Add((operation.Name.ToUpperInvariant(), path.Name));
            }
        }

        Assert.NotEmpty(writeRoutes);
        var malformed = new (string Name, Func<HttpContent?> Content)[]
        {
            ("truncated JSON", () => new StringContent("{\"name\": \"湖北", Encoding.UTF8, "application/json")),
            ("not JSON", () => new StringContent("<xml/>", Encoding.UTF8, "application/json")),
            ("JSON array", () => new StringContent("[1,2,3]", Encoding.UTF8, "application/json")),
            ("empty body", () => new StringContent("", Encoding.UTF8, "application/json")),
            ("no body", () => null),
            ("wrong content type", () => new StringContent("{\"a\":1}", Encoding.UTF8, "text/plain")),
            ("unknown enum", () => new StringContent("{\"kind\":\"no-such-kind\",\"decision\":\"maybe\",\"mode\":\"sideways\"}", Encoding.UTF8, "application/json")),
            ("wrong types", () => new StringContent("{\"name\":42,\"kind\":true,\"fields\":\"x\",\"items\":7}", Encoding.UTF8, "application/json")),
            ("oversized", () => new StringContent("{\"name\":\"" + new string('数', 700_000) + "\"}", Encoding.UTF8, "application/json")),
        };

        var failures = new List<string>();
        foreach (var role in new[] { Roles.Authority, Roles.Operator, Roles.Provider, Roles.Personnel })
        {
            using var client = platform.Client(role, "org-probe");
            foreach (var (method, path) in writeRoutes)
            {
                var url = System.Text.RegularExpressions.Regex.Replace(path, "{[^}]+}", "org-01jd8x3kq7m4r6t9v2w5y8z1ab");
                foreach (var (name, content) in malformed)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = content() };
                    using var response = await client.SendAsync(request);
                    var status = (int)response.StatusCode;
                    if (status is < 400 or > 499)
                    {
                        failures.Add($"{role} {method} {url} with {name}: {status}");
                    }
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Audit_200ParallelChanges_ChainVerifiesAndATamperedEntryIsNamed()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            using var response = await authority.PostAsJsonAsync(
                "/api/organizations",
                new { name = $"湖北省数据集团第{i}分公司", kind = "operator", creditCode = TestCreditCodes.New(), region = "420100" },
                ct);
            statuses.Add(response.StatusCode);
        });
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));

        using var supervisor = platform.Client(Roles.Supervisor, "org-supervisor");
        var created = 0;
        string? token = null;
        do
        {
            var url = "/api/audit?action=organization.created&pageSize=200" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = await supervisor.GetFromJsonAsync<JsonElement>(url);
            created += page.GetProperty("items").GetArrayLength();
            token = page.GetProperty("continuationToken").GetString();
        }
        while (token is not null);
        Assert.True(created >= 200, $"expected at least 200 audit entries, found {created}");

        var verification = await supervisor.GetFromJsonAsync<JsonElement>("/api/audit/verification");
        Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());
        Assert.True(verification.GetProperty("entriesChecked").GetInt64() >= 200);

        var table = new TableClient(platform.StorageConnectionString, platform.AuditTable);
        var victim = await table.GetEntityAsync<TableEntity>("chain", (57L).ToString("D19"));
        victim.Value["Action"] = "organization.deleted";
        await table.UpdateEntityAsync(victim.Value, victim.Value.ETag, TableUpdateMode.Replace);

        var broken = await supervisor.GetFromJsonAsync<JsonElement>("/api/audit/verification");
        Assert.False(broken.GetProperty("valid").GetBoolean());
        Assert.Equal(57, broken.GetProperty("firstBrokenSequence").GetInt64());

        victim.Value["Action"] = "organization.created";
        var current = await table.GetEntityAsync<TableEntity>("chain", (57L).ToString("D19"));
        await table.UpdateEntityAsync(victim.Value, current.Value.ETag, TableUpdateMode.Replace);
    }

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
