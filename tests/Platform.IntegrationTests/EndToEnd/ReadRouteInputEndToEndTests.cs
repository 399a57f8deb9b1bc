using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Bad query and route values on the read routes of products, quality tickets, contribution, oversight records,
/// disclosure and annual reports: each is a 4xx problem with a stable code, never a 500 (the POST/PUT bodies are
/// covered by <see cref="FoundationEndToEndTests.OpenApi_MalformedBodiesToEveryPostAndPutRoute_AreAnswered4xx"/>).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ReadRouteInputEndToEndTests(PlatformHostFixture platform)
{
    private static readonly string LongId = "prd-" + new string('x', 300);
    private static readonly string GarbageToken = Uri.EscapeDataString("不是令牌 \u0001 ' or 1 eq 1");

    public static TheoryData<string> BadReads() =>
    [
        "/api/products/published?kind=software",
        "/api/products/published?useCategory=charity",
        "/api/products/published?pageSize=0",
        "/api/products/published?pageSize=abc",
        "/api/products?pageSize=201",
        "/api/products/org-01jd8x3kq7m4r6t9v2w5y8z1ab",
        $"/api/products/{LongId}",
        "/api/products/prd-%E6%95%B0%2F..%2Fx/usage",
        "/api/quality-issues?status=lost",
        "/api/quality-issues?resourceId=not%20a%20resource",
        "/api/quality-issues?pageSize=-1",
        "/api/quality-issues/prd-1",
        $"/api/quality-issues/qis-{new string('x', 300)}",
        "/api/providers/org-01jd8x3kq7m4r6t9v2w5y8z1ab/contribution?year=abc",
        "/api/providers/org-01jd8x3kq7m4r6t9v2w5y8z1ab/contribution?year=0",
        "/api/providers/org-01jd8x3kq7m4r6t9v2w5y8z1ab/contribution?year=99999999999",
        "/api/providers/org-01jd8x3kq7m4r6t9v2w5y8z1ab/contribution?year=3000",
        "/api/providers/prd-1/contribution",
        "/api/reports/annual/abc",
        "/api/reports/annual/0",
        "/api/reports/annual/99999",
        "/api/reports/annual/2025?format=pdf",
        "/api/reports/annual/2025/operators/prd-1",
        "/api/reports/annual/-1/operators/org-01jd8x3kq7m4r6t9v2w5y8z1ab",
        "/api/oversight/filings?overdue=maybe",
        "/api/oversight/filings?pageSize=0",
        $"/api/oversight/filings?continuationToken={GarbageToken}",
        "/api/oversight/filings?continuationToken=agreements%3A",
        "/api/agreements/org-1/evaluations",
        "/api/disclosure/operators/prd-1",
        "/api/disclosure/operators/org-01jd8x3kq7m4r6t9v2w5y8z1ab?format=xml",
        "/api/disclosure/snapshots/abc",
        "/api/disclosure/snapshots/0999",
        "/api/disclosure/snapshots/2025?format=xml",
        "/api/price-caps/software",
        "/api/developers/admissions/prd-1",
    ];

    /// <summary>
    /// Continuation tokens are opaque and passed to Table storage as they come; one it did not issue reads as an empty
    /// last page. What must not happen is a 5xx.
    /// </summary>
    public static TheoryData<string> ForgedTokenReads() =>
    [
        $"/api/products/published?continuationToken={GarbageToken}",
        $"/api/products?continuationToken={GarbageToken}",
        $"/api/quality-issues?continuationToken={GarbageToken}",
        $"/api/oversight/filings?continuationToken={GarbageToken}",
    ];

    [Theory]
    [MemberData(nameof(ForgedTokenReads))]
    public async Task ListRoute_ForgedContinuationToken_NeverA5xx(string url)
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");

        using var response = await authority.GetAsync(url);

        Assert.True((int)response.StatusCode < 500, $"GET {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [MemberData(nameof(BadReads))]
    public async Task ReadRoute_BadQueryOrRouteValue_Answered4xxProblem(string url)
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");

        using var response = await authority.GetAsync(url);

        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"GET {url} answered {status}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("code").GetString()));
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
    }
}
