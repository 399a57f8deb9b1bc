using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>Processing staff (M4.4) through HTTP on the local host: registration, ID-number checks, filing, NDA, clearance.</summary>
[Collection(PlatformCollection.Name)]
public sealed class PersonnelEndToEndTests(PlatformHostFixture platform)
{
    [Fact]
    public async Task CreateStaffMember_ValidRequest_Returns201WithMaskedNumberAndNeverTheClearOne()
    {
        var orgId = await RegisterOrganizationAsync("operator");
        using var employer = platform.Client(Roles.Operator, orgId);
        var idNumber = TestIdNumbers.New();

        var response = await employer.PostAsJsonAsync("/api/personnel", new { name = "张伟", idNumber, orgId });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(idNumber, text, StringComparison.Ordinal);
        var created = JsonDocument.Parse(text).RootElement;
        Assert.Equal($"/api/personnel/{created.GetProperty("id").GetString()}", response.Headers.Location!.ToString());
        Assert.Equal(idNumber[..3] + new string('*', 11) + idNumber[^4..], created.GetProperty("idNumberMasked").GetString());
        Assert.Equal("张伟", created.GetProperty("name").GetString());
        // M4.4: the ID number's checksum records a claimed identity; verification is a separate step.
        Assert.False(created.GetProperty("identityVerified").GetBoolean());
        Assert.Equal("pending", created.GetProperty("filingState").GetString());
        Assert.False(created.GetProperty("cleared").GetBoolean());
        Assert.Equal(["identity-verification", "filing", "nda"], created.GetProperty("missingClearance").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task CreateStaffMember_WrongCheckCharacter_Returns422NamingIdNumber()
    {
        var orgId = await RegisterOrganizationAsync("developer");
        using var employer = platform.Client(Roles.Developer, orgId);
        var valid = TestIdNumbers.New();
        var wrong = valid[..17] + (valid[17] == '0' ? '1' : '0');

        var response = await employer.PostAsJsonAsync("/api/personnel", new { name = "李娜", idNumber = wrong, orgId });

        var problem = await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "personnel.invalid");
        Assert.Contains("check character", problem.GetProperty("errors").GetProperty("idNumber")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateStaffMember_ImpossibleBirthDate_Returns422NamingIdNumber()
    {
        var orgId = await RegisterOrganizationAsync("operator");
        using var employer = platform.Client(Roles.Operator, orgId);

        var response = await employer.PostAsJsonAsync("/api/personnel", new { name = "王芳", idNumber = TestIdNumbers.WithCheck("42010619990231123"), orgId });

        var problem = await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "personnel.invalid");
        Assert.Contains("birth date", problem.GetProperty("errors").GetProperty("idNumber")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateStaffMember_ForAnotherOrganisation_Returns403()
    {
        var orgId = await RegisterOrganizationAsync("operator");
        var otherOrgId = await RegisterOrganizationAsync("operator");
        using var employer = platform.Client(Roles.Operator, orgId);

        var response = await employer.PostAsJsonAsync("/api/personnel", new { name = "刘洋", idNumber = TestIdNumbers.New(), orgId = otherOrgId });

        await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.Forbidden, "personnel.foreign_organization");
    }

    [Fact]
    public async Task CreateStaffMember_SameNumberTwiceInOneOrganisation_Returns409ButAnotherOrganisationMayRegisterIt()
    {
        var orgId = await RegisterOrganizationAsync("operator");
        var otherOrgId = await RegisterOrganizationAsync("developer");
        using var employer = platform.Client(Roles.Operator, orgId);
        using var otherEmployer = platform.Client(Roles.Developer, otherOrgId);
        var idNumber = TestIdNumbers.New();
        Assert.Equal(HttpStatusCode.Created, (await employer.PostAsJsonAsync("/api/personnel", new { name = "陈静", idNumber, orgId })).StatusCode);

        var again = await employer.PostAsJsonAsync("/api/personnel", new { name = "陈静", idNumber = idNumber.ToLowerInvariant(), orgId });
        var elsewhere = await otherEmployer.PostAsJsonAsync("/api/personnel", new { name = "陈静", idNumber, orgId = otherOrgId });

        await FoundationEndToEndTests.AssertProblemAsync(again, HttpStatusCode.Conflict, "personnel.duplicate");
        Assert.Equal(HttpStatusCode.Created, elsewhere.StatusCode);
    }

    [Fact]
    public async Task Clearance_FilingNdaThenVerification_ClearedOnlyAfterAllThreeAndVisibleToThePerson()
    {
        var orgId = await RegisterOrganizationAsync("operator");
        using var employer = platform.Client(Roles.Operator, orgId);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var location = await RegisterStaffAsync(employer, orgId);
        var staffId = location.Split('/')[^1];
        using var person = PersonnelClient(staffId, orgId);

        var filed = await authority.PostAsJsonAsync(location + "/filing", new { decision = "approve", comment = "材料齐全，同意备案" });
        var afterFiling = await person.GetFromJsonAsync<JsonElement>(location);
        var nda = await employer.PostAsJsonAsync(location + "/nda", new { documentRef = "保密协议 BM-2026-017", signedOn = ChinaToday().ToString("yyyy-MM-dd") });
        var beforeVerification = await person.GetFromJsonAsync<JsonElement>(location);
        await SandboxScenario.VerifyIdentityAsync(authority, staffId);
        var afterNda = await person.GetFromJsonAsync<JsonElement>(location);

        Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
        Assert.Equal("filed", afterFiling.GetProperty("filingState").GetString());
        Assert.False(afterFiling.GetProperty("cleared").GetBoolean());
        Assert.Equal(["identity-verification", "nda"], afterFiling.GetProperty("missingClearance").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.OK, nda.StatusCode);
        Assert.Equal(["identity-verification"], beforeVerification.GetProperty("missingClearance").EnumerateArray().Select(e => e.GetString()));
        Assert.True(afterNda.GetProperty("cleared").GetBoolean());
        Assert.Equal("in-person", afterNda.GetProperty("verification").GetProperty("method").GetString());
        Assert.Equal("保密协议 BM-2026-017", afterNda.GetProperty("nda").GetProperty("documentRef").GetString());
        Assert.Empty(afterNda.GetProperty("missingClearance").EnumerateArray());
    }

    [Fact]
    public async Task DecideFiling_Rejected_IsNotClearedAndCommentIsShown()
    {
        var orgId = await RegisterOrganizationAsync("operator");
        using var employer = platform.Client(Roles.Operator, orgId);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var location = await RegisterStaffAsync(employer, orgId);
        await employer.PostAsJsonAsync(location + "/nda", new { documentRef = "NDA-1", signedOn = ChinaToday().ToString("yyyy-MM-dd") });

        var rejected = await authority.PostAsJsonAsync(location + "/filing", new { decision = "reject", comment = "缺少无犯罪记录证明" });

        var body = await rejected.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal("rejected", body.GetProperty("filingState").GetString());
        Assert.Equal("缺少无犯罪记录证明", body.GetProperty("filing").GetProperty("comment").GetString());
        Assert.False(body.GetProperty("cleared").GetBoolean());
    }

    [Fact]
    public async Task DecideFiling_NotAuthority_Returns403()
    {
        var orgId = await RegisterOrganizationAsync("operator");
        using var employer = platform.Client(Roles.Operator, orgId);
        var location = await RegisterStaffAsync(employer, orgId);

        var response = await employer.PostAsJsonAsync(location + "/filing", new { decision = "approve" });

        await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.Forbidden, "auth.forbidden_role");
    }

    [Fact]
    public async Task GetStaffMember_OtherOrganisationOrOtherPerson_Returns404()
    {
        var orgId = await RegisterOrganizationAsync("operator");
        using var employer = platform.Client(Roles.Operator, orgId);
        var location = await RegisterStaffAsync(employer, orgId);
        using var otherOperator = platform.Client(Roles.Operator, "org-01jd8x3kq7m4r6t9v2w5y8z1ab");
        using var otherPerson = PersonnelClient("stf-01jd8x3kq7m4r6t9v2w5y8z1ab", orgId);

        var byOtherOperator = await otherOperator.GetAsync(location);
        var byOtherPerson = await otherPerson.GetAsync(location);
        var ndaByOtherOperator = await otherOperator.PostAsJsonAsync(location + "/nda", new { documentRef = "NDA-X", signedOn = "2026-01-05" });

        await FoundationEndToEndTests.AssertProblemAsync(byOtherOperator, HttpStatusCode.NotFound, "personnel.not_found");
        await FoundationEndToEndTests.AssertProblemAsync(byOtherPerson, HttpStatusCode.NotFound, "personnel.not_found");
        await FoundationEndToEndTests.AssertProblemAsync(ndaByOtherOperator, HttpStatusCode.NotFound, "personnel.not_found");
    }

    [Fact]
    public async Task RecordNda_StaleIfMatch_Returns412()
    {
        var orgId = await RegisterOrganizationAsync("operator");
        using var employer = platform.Client(Roles.Operator, orgId);
        var created = await employer.PostAsJsonAsync("/api/personnel", new { name = "周杰", idNumber = TestIdNumbers.New(), orgId });
        var location = created.Headers.Location!.ToString();
        var firstETag = created.Headers.ETag!.ToString();
        var nda = new { documentRef = "NDA-2026-01", signedOn = ChinaToday().ToString("yyyy-MM-dd") };

        using var first = new HttpRequestMessage(HttpMethod.Post, location + "/nda") { Content = JsonContent.Create(nda) };
        first.Headers.TryAddWithoutValidation("If-Match", firstETag);
        var ok = await employer.SendAsync(first);
        using var stale = new HttpRequestMessage(HttpMethod.Post, location + "/nda") { Content = JsonContent.Create(nda with { documentRef = "NDA-2026-02" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", firstETag);
        var conflict = await employer.SendAsync(stale);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await FoundationEndToEndTests.AssertProblemAsync(conflict, HttpStatusCode.PreconditionFailed, "concurrency.etag_mismatch");
    }

    [Fact]
    public async Task ListStaffMembers_Operator_SeesOnlyOwnOrganisation()
    {
        var orgId = await RegisterOrganizationAsync("operator");
        using var employer = platform.Client(Roles.Operator, orgId);
        var location = await RegisterStaffAsync(employer, orgId);

        var page = await employer.GetFromJsonAsync<JsonElement>("/api/personnel?pageSize=10");
        var foreign = await employer.GetAsync("/api/personnel?orgId=org-01jd8x3kq7m4r6t9v2w5y8z1ab");

        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(location.Split('/')[^1], item.GetProperty("id").GetString());
        await FoundationEndToEndTests.AssertProblemAsync(foreign, HttpStatusCode.Forbidden, "personnel.foreign_organization");
    }

    private async Task<string> RegisterOrganizationAsync(string kind)
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var response = await authority.PostAsJsonAsync("/api/organizations", new { name = "数据加工单位", kind, creditCode = TestCreditCodes.New(), region = "420100" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<string> RegisterStaffAsync(HttpClient employer, string orgId)
    {
        var response = await employer.PostAsJsonAsync("/api/personnel", new { name = "赵敏", idNumber = TestIdNumbers.New(), orgId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    private HttpClient PersonnelClient(string staffId, string orgId)
    {
        var client = platform.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.Token(Roles.Personnel, orgId, staffId));
        return client;
    }

    private static DateOnly ChinaToday() => DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
}

/// <summary>Valid resident identity numbers (GB 11643) for test staff: Wuhan area code, a birth date in 1970–1999.</summary>
public static class TestIdNumbers
{
    public static string New()
    {
        var birth = new DateOnly(1970, 1, 1).AddDays(Random.Shared.Next(365 * 30));
        return WithCheck($"420106{birth:yyyyMMdd}{Random.Shared.Next(1000):D3}");
    }

    /// <summary>ISO 7064 MOD 11-2 over the first 17 digits.</summary>
    public static string WithCheck(string first17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = first17.Select((c, i) => (c - '0') * weights[i]).Sum();
        return first17 + "10X98765432"[sum % 11];
    }
}
