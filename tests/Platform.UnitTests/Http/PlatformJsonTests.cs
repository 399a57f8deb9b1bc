using System.Text;
using System.Text.Json;
using Platform.Functions.Http;
using Xunit;

namespace Platform.UnitTests.Http;

public sealed class PlatformJsonTests
{
    [Fact]
    public async Task JsonBodyResult_ChineseText_IsWrittenUnescapedAsUtf8()
    {
        var request = HttpTestKit.Request();

        var response = await HttpTestKit.ExecuteAsync(ApiResults.Ok(new { name = "湖北省公共数据资源授权运营" }), request);

        Assert.Equal("application/json; charset=utf-8", response.ContentType);
        Assert.Contains("湖北省公共数据资源授权运营", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadThenWrite_ChineseText_RoundTrips()
    {
        const string name = "武汉市城市交通出行数据 — 𠀀 扩展字";
        var request = HttpTestKit.Request("POST", body: JsonSerializer.Serialize(new { name, selectionMethod = "negotiation", years = 1 }), contentType: "application/json");
        var draft = await HttpTestKit.BodyReader().ReadJsonAsync<AgreementDraft>(request, CancellationToken.None);

        var written = JsonSerializer.Deserialize<AgreementDraft>(Encoding.UTF8.GetString(ApiResults.Ok(draft).Body!), PlatformJson.Options);

        Assert.Equal(name, written!.Name);
    }

    [Fact]
    public void Serialize_DateTimeOffsetWithOffset_IsWrittenInUtcWithZ()
    {
        var chinaTime = new DateTimeOffset(2025, 10, 13, 9, 30, 0, TimeSpan.FromHours(8));

        var json = JsonSerializer.Serialize(new { at = chinaTime }, PlatformJson.Options);

        Assert.Equal("""{"at":"2025-10-13T01:30:00Z"}""", json);
    }

    [Fact]
    public void Serialize_EnumAndNames_AreKebabAndCamelCase()
    {
        var json = JsonSerializer.Serialize(new AgreementDraft("a", SelectionMethod.InvitedTender, 2), PlatformJson.Options);

        Assert.Contains("\"selectionMethod\":\"invited-tender\"", json, StringComparison.Ordinal);
        Assert.Contains("\"years\":2", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_DateOnly_IsIsoDate()
    {
        var json = JsonSerializer.Serialize(new { startsOn = new DateOnly(2025, 10, 13) }, PlatformJson.Options);

        Assert.Equal("""{"startsOn":"2025-10-13"}""", json);
    }

    [Fact]
    public async Task Created_SetsStatusAndLocation()
    {
        var request = HttpTestKit.Request("POST");

        var response = await HttpTestKit.ExecuteAsync(ApiResults.Created(ApiRequestContext.LocationOf("agreements", "agr-1"), new { id = "agr-1" }), request);

        Assert.Equal(201, response.Status);
        Assert.Equal("/api/agreements/agr-1", response.Headers.Location.ToString());
    }

    [Fact]
    public async Task Accepted_SetsStatusAndLocation()
    {
        var request = HttpTestKit.Request("POST");

        var response = await HttpTestKit.ExecuteAsync(ApiResults.Accepted("/api/masking/jobs/job-1", new { id = "job-1" }), request);

        Assert.Equal(202, response.Status);
        Assert.Equal("/api/masking/jobs/job-1", response.Headers.Location.ToString());
    }

    [Fact]
    public void JsonBodyResult_NullInNonNullableMember_IsWrittenNotRefused()
    {
        var sloppy = new AgreementDraft(null!, SelectionMethod.Negotiation, 1);

        var body = Encoding.UTF8.GetString(ApiResults.Ok(sloppy).Body!);

        Assert.Contains("\"name\":null", body, StringComparison.Ordinal);
    }
}
