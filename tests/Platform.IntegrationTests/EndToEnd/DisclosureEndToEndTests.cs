using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.PlatformScenario;

namespace Platform.IntegrationTests.EndToEnd;

[Collection(PlatformCollection.Name)]
public sealed class DisclosureEndToEndTests(PlatformHostFixture platform)
{
    [Fact]
    public async Task Authorizations_JsonAndCsv_ListTheAgreementWithoutInternalOrPersonalFields()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var operatorId = await CreateOperatorAsync(authority);
        var planId = await CreateApprovedPlanAsync(authority);
        var signed = await SignAgreementAsync(authority, planId, operatorId, TodayCst, TodayCst.AddYears(3));
        var agreementId = (await signed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var anonymous = platform.Client();

        var json = await anonymous.GetFromJsonAsync<JsonElement>("/api/disclosure/authorizations");
        var csvResponse = await anonymous.GetAsync("/api/disclosure/authorizations?format=csv");

        var entry = json.EnumerateArray().Single(e => e.GetProperty("agreementId").GetString() == agreementId);
        Assert.Equal("湖北数据运营有限公司", entry.GetProperty("operatorName").GetString());
        Assert.Equal("湖北省公共数据授权运营实施方案", entry.GetProperty("planTitle").GetString());
        Assert.Equal(TodayCst.AddYears(3).ToString("yyyy-MM-dd"), entry.GetProperty("endsOn").GetString());
        var names = entry.EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.DoesNotContain("decisionRecord", names);
        Assert.DoesNotContain("createdBy", names);
        Assert.DoesNotContain("breaches", names);
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        var csv = await csvResponse.Content.ReadAsStringAsync();
        Assert.StartsWith("agreementId,operatorId,operatorName", csv.TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Contains($"{agreementId},{operatorId},湖北数据运营有限公司", csv, StringComparison.Ordinal);
        Assert.Equal(json.GetArrayLength() + 1, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Authorizations_UnknownFormat_Returns400()
    {
        using var anonymous = platform.Client();

        var response = await anonymous.GetAsync("/api/disclosure/authorizations?format=xml");

        await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "request.invalid_query");
    }
}
