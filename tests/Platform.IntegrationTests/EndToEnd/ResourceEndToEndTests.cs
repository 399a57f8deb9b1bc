using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Domain.Security;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>Resource registration, upload and the consent step through HTTP on the local host (M4.1).</summary>
[Collection(PlatformCollection.Name)]
public sealed class ResourceEndToEndTests(PlatformHostFixture platform) : IDisposable
{
    private readonly List<HttpClient> _clients = [];

    public void Dispose() => _clients.ForEach(client => client.Dispose());

    private HttpClient Client(string role, string organization)
    {
        var client = platform.Client(role, organization);
        _clients.Add(client);
        return client;
    }

    private async Task<(HttpClient Authority, HttpClient Provider, string ProviderId)> ProviderAsync()
    {
        var authority = Client(Roles.Authority, "org-authority");
        var providerId = await ResourceScenario.CreateProviderAsync(authority);
        return (authority, Client(Roles.Provider, providerId), providerId);
    }

    [Fact]
    public async Task CreateResource_CoreGradedField_Returns422NamingTheField()
    {
        var (authority, provider, _) = await ProviderAsync();

        var response = await provider.PostAsJsonAsync("/api/resources", new
        {
            name = "人口基础信息",
            description = "人口基础库",
            domain = "公安",
            updateFrequency = "实时",
            fields = new object[]
            {
                new { name = "区县", type = "string", classification = "public", grade = "general" },
                new { name = "基因信息", type = "string", classification = "sensitive-personal", grade = "core" },
            },
        });

        var problem = await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "catalog.core_field");
        var error = Assert.Single(problem.GetProperty("errors").EnumerateObject());
        Assert.Equal("fields[1].grade", error.Name);
        Assert.Contains("基因信息", error.Value[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateResource_UnknownClassification_Returns400NamingAllowedValues()
    {
        var (authority, provider, _) = await ProviderAsync();

        var response = await provider.PostAsJsonAsync("/api/resources", new
        {
            name = "x", description = "x", domain = "x", updateFrequency = "x",
            fields = new object[] { new { name = "a", classification = "secret", grade = "general" } },
        });

        var problem = await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "request.invalid_enum_value");
        Assert.Contains("sensitive-personal", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateResource_ByUnregisteredOrganisation_Returns403()
    {
        var provider = Client(Roles.Provider, "org-not-registered");

        var response = await provider.PostAsJsonAsync("/api/resources", new { name = "x", description = "x", domain = "x", updateFrequency = "x", fields = ResourceScenario.PeopleFields });

        await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.Forbidden, "resource.provider_not_registered");
    }

    [Fact]
    public async Task Resource_OtherProviderAndOperator_SeeNothing()
    {
        var (authority, provider, _) = await ProviderAsync();
        var id = (await ResourceScenario.RegisterAsync(provider, "私有资源")).GetProperty("id").GetString()!;
        var other = Client(Roles.Provider, await ResourceScenario.CreateProviderAsync(authority));
        var operatorClient = Client(Roles.Operator, "org-op");

        await FoundationEndToEndTests.AssertProblemAsync(await other.GetAsync($"/api/resources/{id}"), HttpStatusCode.NotFound, "resource.not_found");
        await FoundationEndToEndTests.AssertProblemAsync(await operatorClient.GetAsync($"/api/resources/{id}"), HttpStatusCode.Forbidden, "auth.forbidden_role");
        var page = await other.GetFromJsonAsync<JsonElement>("/api/resources");
        Assert.DoesNotContain(page.GetProperty("items").EnumerateArray(), item => item.GetProperty("id").GetString() == id);
        var own = await provider.GetFromJsonAsync<JsonElement>("/api/resources?status=draft");
        Assert.Contains(own.GetProperty("items").EnumerateArray(), item => item.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Submit_WithoutData_Returns409NoData()
    {
        var (authority, provider, _) = await ProviderAsync();
        var id = (await ResourceScenario.RegisterAsync(provider, "无数据资源")).GetProperty("id").GetString()!;

        var response = await provider.PostAsync($"/api/resources/{id}/submission", null);

        await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.Conflict, "resource.no_data");
    }

    [Fact]
    public async Task UploadData_UnsupportedMediaType_Returns415()
    {
        var (authority, provider, _) = await ProviderAsync();
        var id = (await ResourceScenario.RegisterAsync(provider, "表格资源")).GetProperty("id").GetString()!;

        var xlsx = await ResourceScenario.UploadAsync(provider, id, [0x50, 0x4B, 3, 4], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        var utf16 = await ResourceScenario.UploadAsync(provider, id, Encoding.Unicode.GetBytes("区县\n"), "text/csv; charset=utf-16");

        await FoundationEndToEndTests.AssertProblemAsync(xlsx, HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        await FoundationEndToEndTests.AssertProblemAsync(utf16, HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
    }

    [Fact]
    public async Task UploadData_OverTheLimit_Returns413WhetherDeclaredOrOnlyStreamed()
    {
        var (authority, provider, _) = await ProviderAsync();
        var id = (await ResourceScenario.RegisterAsync(provider, "超大文件资源")).GetProperty("id").GetString()!;
        var limit = ConfiguredMaxUploadBytes();

        using var declared = new HttpRequestMessage(HttpMethod.Put, $"/api/resources/{id}/data") { Content = new ByteArrayContent(new byte[limit + 1]) };
        declared.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv");
        var declaredResponse = await provider.SendAsync(declared);

        // No Content-Length: the limit is counted while the body streams in.
        using var streamed = new HttpRequestMessage(HttpMethod.Put, $"/api/resources/{id}/data") { Content = new ChunkedContent(limit + 1) };
        streamed.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv");
        var streamedResponse = await provider.SendAsync(streamed);

        await FoundationEndToEndTests.AssertProblemAsync(declaredResponse, HttpStatusCode.RequestEntityTooLarge, "resource.data_too_large");
        await FoundationEndToEndTests.AssertProblemAsync(streamedResponse, HttpStatusCode.RequestEntityTooLarge, "resource.data_too_large");
        var resource = await provider.GetFromJsonAsync<JsonElement>($"/api/resources/{id}");
        Assert.Equal(JsonValueKind.Null, resource.GetProperty("data").ValueKind);
    }

    [Fact]
    public async Task UploadedData_IsNeverServedBack()
    {
        var (authority, provider, _) = await ProviderAsync();
        var id = (await ResourceScenario.RegisterAsync(provider, "不出域资源")).GetProperty("id").GetString()!;
        var file = ResourceScenario.NewPeopleFile(3);
        var uploaded = await ResourceScenario.UploadAsync(provider, id, Encoding.UTF8.GetBytes(file.Csv), "text/csv");
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);

        var texts = new List<string> { await uploaded.Content.ReadAsStringAsync() };
        foreach (var client in new[] { provider, authority })
        {
            texts.Add(await client.GetStringAsync($"/api/resources/{id}"));
            texts.Add(await client.GetStringAsync("/api/resources?pageSize=200"));
            var dataRoute = await client.GetAsync($"/api/resources/{id}/data");
            Assert.False(dataRoute.IsSuccessStatusCode, $"GET /data answered {(int)dataRoute.StatusCode}");
            texts.Add(await dataRoute.Content.ReadAsStringAsync());
        }

        var resource = JsonDocument.Parse(texts[1]).RootElement;
        Assert.Equal(Encoding.UTF8.GetByteCount(file.Csv), resource.GetProperty("data").GetProperty("bytes").GetInt64());
        Assert.False(resource.GetProperty("data").TryGetProperty("storageName", out _));
        Assert.All(texts, text => ResourceScenario.AssertNoOriginalValue(file, text));
        var openApi = await Client(Roles.Authority, "org-authority").GetStringAsync("/api/openapi.json");
        Assert.False(JsonDocument.Parse(openApi).RootElement.GetProperty("paths").GetProperty("/api/resources/{id}/data").TryGetProperty("get", out _));
    }

    [Fact]
    public async Task SharedResource_NeedsTheOriginalProvidersConsentBeforePublication()
    {
        var (authority, provider, _) = await ProviderAsync();
        var originalId = await ResourceScenario.CreateProviderAsync(authority, "湖北省公安厅");
        var original = Client(Roles.Provider, originalId);
        var id = (await ResourceScenario.RegisterAsync(provider, "共享获得的户籍数据", sharedFrom: originalId)).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await ResourceScenario.UploadAsync(provider, id, Encoding.UTF8.GetBytes(ResourceScenario.NewPeopleFile(3).Csv), "text/csv")).StatusCode);
        var job = await ResourceScenario.SubmitAndWaitForSampleAsync(provider, id);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());

        var withoutConsent = await authority.PostAsJsonAsync($"/api/resources/{id}/review", new { decision = "approve" });
        var byOwner = await provider.PostAsJsonAsync($"/api/resources/{id}/consent", new { decision = "approve" });
        var originalView = await original.GetAsync($"/api/resources/{id}");
        var consent = await original.PostAsJsonAsync($"/api/resources/{id}/consent", new { decision = "approve", comment = "同意", documentRef = "鄂公函〔2026〕8号" });
        var approved = await authority.PostAsJsonAsync($"/api/resources/{id}/review", new { decision = "approve" });

        await FoundationEndToEndTests.AssertProblemAsync(withoutConsent, HttpStatusCode.Conflict, "resource.consent_required");
        await FoundationEndToEndTests.AssertProblemAsync(byOwner, HttpStatusCode.Forbidden, "resource.not_original_provider");
        Assert.Equal(HttpStatusCode.OK, originalView.StatusCode);
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        Assert.Equal("approve", (await consent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("consent").GetProperty("decision").GetString());
        Assert.Equal("published", (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        var supervisor = Client(Roles.Supervisor, "org-sup");
        var audit = await supervisor.GetFromJsonAsync<JsonElement>($"/api/audit?target={Uri.EscapeDataString($"resources/{id}")}&pageSize=200");
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "resource.registered", "resource.data_uploaded", "resource.submitted", "resource.sample_ready", "resource.consent_granted", "resource.published" }, actions);
    }

    [Fact]
    public async Task Review_ByProvider_Returns403AndRejectNeedsAComment()
    {
        var (authority, provider, _) = await ProviderAsync();
        var id = (await ResourceScenario.RegisterAsync(provider, "待审资源")).GetProperty("id").GetString()!;
        await ResourceScenario.UploadAsync(provider, id, Encoding.UTF8.GetBytes(ResourceScenario.NewPeopleFile(2).Csv), "text/csv");
        Assert.Equal(HttpStatusCode.Accepted, (await provider.PostAsync($"/api/resources/{id}/submission", null)).StatusCode);

        var byProvider = await provider.PostAsJsonAsync($"/api/resources/{id}/review", new { decision = "approve" });
        var noComment = await authority.PostAsJsonAsync($"/api/resources/{id}/review", new { decision = "reject" });
        var rejected = await authority.PostAsJsonAsync($"/api/resources/{id}/review", new { decision = "reject", comment = "字段说明不完整" });
        var uploadAfter = await ResourceScenario.UploadAsync(provider, id, Encoding.UTF8.GetBytes("区县\n武昌区\n"), "text/csv");

        await FoundationEndToEndTests.AssertProblemAsync(byProvider, HttpStatusCode.Forbidden, "auth.forbidden_role");
        var problem = await FoundationEndToEndTests.AssertProblemAsync(noComment, HttpStatusCode.UnprocessableEntity, "resource.invalid");
        Assert.True(problem.GetProperty("errors").TryGetProperty("comment", out _));
        Assert.Equal("rejected", (await rejected.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await FoundationEndToEndTests.AssertProblemAsync(uploadAfter, HttpStatusCode.Conflict, "resource.not_draft");
    }

    private static long ConfiguredMaxUploadBytes()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(AzuriteFixture.RepositoryRoot, "local.settings.sample.json")));
        return long.Parse(sample.RootElement.GetProperty("Values").GetProperty("Resources__MaxUploadBytes").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A body of the given size sent without Content-Length (chunked), like a client streaming a file of unknown size.</summary>
    private sealed class ChunkedContent(long length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("a,b\n", 16 * 1024)));
            for (var sent = 0L; sent < length;)
            {
                var count = (int)Math.Min(chunk.Length, length - sent);
                await stream.WriteAsync(chunk.AsMemory(0, count));
                sent += count;
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
