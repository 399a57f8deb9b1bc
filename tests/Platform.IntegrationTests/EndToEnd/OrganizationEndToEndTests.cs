using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

[Collection(PlatformCollection.Name)]
public sealed class OrganizationEndToEndTests(PlatformHostFixture platform)
{
    [Fact]
    public async Task CreateOrganization_ValidRequest_Returns201WithLocationETagAndChineseName()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var creditCode = TestCreditCodes.New();

        var response = await authority.PostAsJsonAsync("/api/organizations", new { name = "湖北省大数据中心", kind = "provider", creditCode, region = "420000" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(response.Headers.Location!.ToString(), $"/api/organizations/{created.GetProperty("id").GetString()}");
        var read = await authority.GetFromJsonAsync<JsonElement>(response.Headers.Location);
        Assert.Equal("湖北省大数据中心", read.GetProperty("name").GetString());
        Assert.Equal("provider", read.GetProperty("kind").GetString());
        Assert.Equal(creditCode, read.GetProperty("creditCode").GetString());
    }

    [Fact]
    public async Task CreateOrganization_WrongCheckCharacter_Returns422NamingCreditCode()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var valid = TestCreditCodes.New();
        var wrong = valid[..17] + (valid[17] == '0' ? '1' : '0');

        var response = await authority.PostAsJsonAsync("/api/organizations", new { name = "测试单位", kind = "operator", creditCode = wrong, region = "420100" });

        var problem = await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "organization.invalid");
        Assert.True(problem.GetProperty("errors").TryGetProperty("creditCode", out _));
    }

    [Fact]
    public async Task CreateOrganization_DuplicateCreditCode_Returns409()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var creditCode = TestCreditCodes.New();
        var first = await authority.PostAsJsonAsync("/api/organizations", new { name = "甲公司", kind = "operator", creditCode, region = "420100" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        var second = await authority.PostAsJsonAsync("/api/organizations", new { name = "乙公司", kind = "operator", creditCode, region = "420100" });

        await FoundationEndToEndTests.AssertProblemAsync(second, HttpStatusCode.Conflict, "organization.duplicate_credit_code");
    }

    [Fact]
    public async Task CreateOrganization_NotAuthority_Returns403()
    {
        using var operatorClient = platform.Client(Roles.Operator, "org-op");

        var response = await operatorClient.PostAsJsonAsync("/api/organizations", new { name = "自封单位", kind = "operator", creditCode = TestCreditCodes.New(), region = "420100" });

        await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.Forbidden, "auth.forbidden_role");
    }

    [Fact]
    public async Task RecordQualification_StaleIfMatch_Returns412AndCurrentETagSucceeds()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var created = await authority.PostAsJsonAsync("/api/organizations", new { name = "运营公司", kind = "operator", creditCode = TestCreditCodes.New(), region = "420100" });
        var location = created.Headers.Location!.ToString();
        var firstETag = created.Headers.ETag!.ToString();
        var facts = new { noSecurityIncidentsLast3Years = true, creditRecordClean = true, executivesRecordClean = true, personnelCompliant = true, evidence = "信用中国查询记录 2026-11" };

        using var first = new HttpRequestMessage(HttpMethod.Put, location + "/qualification") { Content = JsonContent.Create(facts) };
        first.Headers.TryAddWithoutValidation("If-Match", firstETag);
        var ok = await authority.SendAsync(first);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.True((await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("qualified").GetBoolean());

        using var stale = new HttpRequestMessage(HttpMethod.Put, location + "/qualification") { Content = JsonContent.Create(facts with { creditRecordClean = false }) };
        stale.Headers.TryAddWithoutValidation("If-Match", firstETag);
        var conflict = await authority.SendAsync(stale);

        await FoundationEndToEndTests.AssertProblemAsync(conflict, HttpStatusCode.PreconditionFailed, "concurrency.etag_mismatch");
        Assert.True((await authority.GetFromJsonAsync<JsonElement>(location)).GetProperty("qualified").GetBoolean());
    }

    [Fact]
    public async Task GetOrganization_OtherOrganisationsMember_Returns404()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var created = await authority.PostAsJsonAsync("/api/organizations", new { name = "某提供单位", kind = "provider", creditCode = TestCreditCodes.New(), region = "420100" });
        using var stranger = platform.Client(Roles.Provider, "org-01jd8x3kq7m4r6t9v2w5y8z1ab");

        var response = await stranger.GetAsync(created.Headers.Location);

        await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.NotFound, "organization.not_found");
    }
}
