using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>The catalogue end to end (M4.1): register, upload GB18030, submit, sample job, approve, public catalogue.</summary>
[Collection(PlatformCollection.Name)]
public sealed class CatalogEndToEndTests(PlatformHostFixture platform)
{
    [Fact]
    public async Task Catalog_Gb18030PeopleFilePublished_ShowsMaskedSampleFindableByChineseWordAndNoRawIdentifier()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var providerId = await ResourceScenario.CreateProviderAsync(authority);
        using var provider = platform.Client(Roles.Provider, providerId);
        var word = ResourceScenario.UniqueChineseWord();
        var file = ResourceScenario.NewPeopleFile(12);
        var responses = new List<string>();

        var resource = await ResourceScenario.RegisterAsync(provider, $"湖北省{word}社区养老服务登记");
        var id = resource.GetProperty("id").GetString()!;
        Assert.Equal("draft", resource.GetProperty("status").GetString());

        var bytes = ResourceScenario.Gb18030.GetBytes(file.Csv);
        var uploaded = await ResourceScenario.UploadAsync(provider, id, bytes, "text/csv; charset=gb18030");
        var uploadText = await uploaded.Content.ReadAsStringAsync();
        Assert.True(uploaded.StatusCode == HttpStatusCode.OK, uploadText);
        responses.Add(uploadText);
        var data = JsonDocument.Parse(uploadText).RootElement.GetProperty("data");
        Assert.Equal(bytes.Length, data.GetProperty("bytes").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), data.GetProperty("sha256").GetString());
        Assert.Equal(("csv", "gb18030"), (data.GetProperty("format").GetString(), data.GetProperty("encoding").GetString()));

        var submitted = await provider.PostAsync($"/api/resources/{id}/submission", null);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var jobUrl = submitted.Headers.Location!.ToString();
        Assert.StartsWith("/api/masking/jobs/msk-", jobUrl, StringComparison.Ordinal);
        responses.Add(await submitted.Content.ReadAsStringAsync());

        var job = await ResourceScenario.WaitForJobAsync(provider, jobUrl);
        responses.Add(job.GetRawText());
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(12, job.GetProperty("rowsProcessed").GetInt64());
        var report = job.GetProperty("report");
        Assert.Equal(("gb18030", 12L, 12L), (report.GetProperty("encoding").GetString(), report.GetProperty("rowsIn").GetInt64(), report.GetProperty("rowsOut").GetInt64()));
        Assert.Equal(["mask-name", "mask-id-number", "mask-mobile", "keep", "keep"], report.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("rule").GetString()));
        Assert.Equal(100, job.GetProperty("sampling").GetProperty("rowCount").GetInt32());

        var approved = await authority.PostAsJsonAsync($"/api/resources/{id}/review", new { decision = "approve", comment = "样例已脱敏，同意发布" });
        var approvedText = await approved.Content.ReadAsStringAsync();
        Assert.True(approved.StatusCode == HttpStatusCode.OK, approvedText);
        Assert.Equal("published", JsonDocument.Parse(approvedText).RootElement.GetProperty("status").GetString());
        responses.Add(approvedText);

        using var anonymous = platform.Client();
        var search = await anonymous.GetAsync($"/api/catalog?q={Uri.EscapeDataString(word)}");
        var searchText = await search.Content.ReadAsStringAsync();
        Assert.True(search.StatusCode == HttpStatusCode.OK, searchText);
        responses.Add(searchText);
        var entry = Assert.Single(JsonDocument.Parse(searchText).RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(id, entry.GetProperty("id").GetString());
        Assert.Equal($"湖北省{word}社区养老服务登记", entry.GetProperty("name").GetString());
        var fields = entry.GetProperty("fields").EnumerateArray().ToList();
        Assert.Equal(("sensitive-personal", "important", "id-number", "mask"),
            (fields[1].GetProperty("classification").GetString(), fields[1].GetProperty("grade").GetString(), fields[1].GetProperty("identifierKind").GetString(), fields[1].GetProperty("sampleMasking").GetString()));
        var rows = entry.GetProperty("sample").GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(12, rows.Count);
        Assert.All(rows, row =>
        {
            Assert.Contains('*', row.GetProperty("姓名").GetString()!);
            Assert.Matches("^420106\\*{12}$", row.GetProperty("身份证号").GetString()!);
            Assert.Matches("^1[3-9]\\d\\*{4}\\d{4}$", row.GetProperty("手机号").GetString()!);
            Assert.Equal("社区养老服务，登记", row.GetProperty("服务事项").GetString());
        });
        Assert.Contains(rows, row => row.GetProperty("区县").GetString() == "武昌区");

        var byDescription = await anonymous.GetFromJsonAsync<JsonElement>($"/api/catalog?q={Uri.EscapeDataString("社区养老")}&pageSize=200");
        Assert.NotEmpty(byDescription.GetProperty("items").EnumerateArray());

        // Without a query the catalogue pages through everything published; the resource is on one of the pages.
        var pages = 0;
        string? token = null;
        var seen = false;
        do
        {
            var page = await anonymous.GetFromJsonAsync<JsonElement>("/api/catalog?pageSize=50" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)));
            seen |= page.GetProperty("items").EnumerateArray().Any(item => item.GetProperty("id").GetString() == id);
            token = page.GetProperty("continuationToken").GetString();
        }
        while (!seen && token is not null && ++pages < 200);
        Assert.True(seen, "the published resource is listed when paging without a query");

        var single = await anonymous.GetAsync($"/api/catalog/{id}");
        var singleText = await single.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        responses.Add(singleText);
        Assert.Equal(12, JsonDocument.Parse(singleText).RootElement.GetProperty("sample").GetProperty("rows").GetArrayLength());

        var owner = await provider.GetAsync($"/api/resources/{id}");
        responses.Add(await owner.Content.ReadAsStringAsync());
        foreach (var text in responses)
        {
            ResourceScenario.AssertNoOriginalValue(file, text);
        }
    }

    [Fact]
    public async Task Catalog_UnpublishedResource_Is404ToAnonymousAndNotListed()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var providerId = await ResourceScenario.CreateProviderAsync(authority);
        using var provider = platform.Client(Roles.Provider, providerId);
        var word = ResourceScenario.UniqueChineseWord();
        var id = (await ResourceScenario.RegisterAsync(provider, $"{word}草稿资源")).GetProperty("id").GetString()!;
        using var anonymous = platform.Client();

        var single = await anonymous.GetAsync($"/api/catalog/{id}");
        var list = await anonymous.GetFromJsonAsync<JsonElement>($"/api/catalog?q={Uri.EscapeDataString(word)}");

        await FoundationEndToEndTests.AssertProblemAsync(single, HttpStatusCode.NotFound, "resource.not_found");
        Assert.Empty(list.GetProperty("items").EnumerateArray());
        await FoundationEndToEndTests.AssertProblemAsync(await anonymous.GetAsync($"/api/resources/{id}"), HttpStatusCode.Unauthorized, "auth.missing_token");
    }

    [Theory]
    [InlineData("pageSize=0", "request.invalid_paging")]
    [InlineData("pageSize=abc", "request.invalid_paging")]
    public async Task Catalog_InvalidQuery_Is400(string query, string code)
    {
        using var anonymous = platform.Client();

        var response = await anonymous.GetAsync($"/api/catalog?{query}");

        await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, code);
    }
}
