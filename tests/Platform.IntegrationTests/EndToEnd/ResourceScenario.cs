using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>Catalogue steps through the public API: providers, resources, uploads, sample jobs.</summary>
public static class ResourceScenario
{
    public static readonly Encoding Gb18030 = CreateGb18030();

    /// <summary>A people register as a Chinese government export would have it: names, ID numbers, mobiles, districts.</summary>
    public sealed record PeopleFile(string Csv, IReadOnlyList<string> Names, IReadOnlyList<string> IdNumbers, IReadOnlyList<string> Mobiles)
    {
        /// <summary>Every original identifier value, to be looked for in responses.</summary>
        public IEnumerable<string> Originals => Names.Concat(IdNumbers).Concat(Mobiles);
    }

    public static object[] PeopleFields =>
    [
        new { name = "姓名", type = "string", classification = "personal", grade = "general", identifierKind = "name" },
        new { name = "身份证号", type = "string", classification = "sensitive-personal", grade = "important", identifierKind = "id-number" },
        new { name = "手机号", type = "string", classification = "personal", grade = "general", identifierKind = "mobile" },
        new { name = "区县", type = "string", classification = "public", grade = "general", quasiIdentifier = true },
        new { name = "服务事项", type = "string", classification = "public", grade = "general" },
    ];

    public static PeopleFile NewPeopleFile(int rows)
    {
        string[] surnames = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "欧阳", "诸葛"];
        string[] given = ["伟", "秀英", "敏", "静", "丽娟", "强", "磊", "军", "洋", "艳"];
        string[] districts = ["武昌区", "江岸区", "洪山区"];
        var names = new List<string>();
        var ids = new List<string>();
        var mobiles = new List<string>();
        var csv = new StringBuilder("姓名,身份证号,手机号,区县,服务事项\r\n");
        for (var i = 0; i < rows; i++)
        {
            // Unique per run, so "not in the response" cannot pass by accident or fail on another test's data.
            var name = surnames[i % surnames.Length] + given[Random.Shared.Next(given.Length)] + given[Random.Shared.Next(given.Length)];
            var id = TestIdNumbers.New();
            var mobile = "1" + "3456789"[Random.Shared.Next(7)] + Random.Shared.NextInt64(0, 1_000_000_000).ToString("D9");
            names.Add(name);
            ids.Add(id);
            mobiles.Add(mobile);
            csv.Append($"{name},{id},{mobile},{districts[i % districts.Length]},\"社区养老服务，登记\"\r\n");
        }

        return new PeopleFile(csv.ToString(), names, ids, mobiles);
    }

    /// <summary>A few Chinese characters unlikely to occur in any other test's resource, to search for.</summary>
    public static string UniqueChineseWord()
        => string.Concat(Enumerable.Range(0, 4).Select(_ => (char)Random.Shared.Next(0x4E00, 0x9FA5)));

    public static async Task<string> CreateProviderAsync(HttpClient authority, string name = "武汉市民政局")
    {
        var created = await authority.PostAsJsonAsync("/api/organizations", new { name, kind = "provider", creditCode = TestCreditCodes.New(), region = "420100" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Registers, uploads and samples a small people register of <paramref name="provider"/> and has the authority publish it; returns its id.</summary>
    public static async Task<string> PublishAsync(HttpClient authority, HttpClient provider, string name = "社区养老服务登记", string? sharedFrom = null)
    {
        var resourceId = (await RegisterAsync(provider, name, sharedFrom)).GetProperty("id").GetString()!;
        var uploaded = await UploadAsync(provider, resourceId, Encoding.UTF8.GetBytes(NewPeopleFile(12).Csv), "text/csv; charset=utf-8");
        Assert.True(uploaded.IsSuccessStatusCode, await uploaded.Content.ReadAsStringAsync());
        var sample = await SubmitAndWaitForSampleAsync(provider, resourceId);
        Assert.Equal("succeeded", sample.GetProperty("status").GetString());
        var published = await authority.PostAsJsonAsync($"/api/resources/{resourceId}/review", new { decision = "approve" });
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        return resourceId;
    }

    public static async Task<JsonElement> RegisterAsync(HttpClient provider, string name, string? sharedFrom = null, string description = "居民办理社区养老服务的登记信息（每月更新）")
    {
        var response = await provider.PostAsJsonAsync("/api/resources", new
        {
            name,
            description,
            domain = "民政",
            updateFrequency = "每月",
            fields = PeopleFields,
            sharedFrom,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<HttpResponseMessage> UploadAsync(HttpClient provider, string resourceId, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await provider.PutAsync($"/api/resources/{resourceId}/data", content);
    }

    /// <summary>Submits and waits for the sample job to end; returns the job.</summary>
    public static async Task<JsonElement> SubmitAndWaitForSampleAsync(HttpClient provider, string resourceId)
    {
        var submitted = await provider.PostAsync($"/api/resources/{resourceId}/submission", null);
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, await submitted.Content.ReadAsStringAsync());
        return await WaitForJobAsync(provider, submitted.Headers.Location!.ToString());
    }

    public static Task<JsonElement> WaitForJobAsync(HttpClient client, string jobUrl)
        => PlatformScenario.PollAsync(client, jobUrl, job => job.GetProperty("status").GetString() is "succeeded" or "failed", TimeSpan.FromSeconds(90));

    /// <summary>Messages now in a queue of the storage account <paramref name="storage"/> (peeked, not taken), decoded as the Functions host's Base64 encoding writes them.</summary>
    public static async Task<IReadOnlyList<string>> PeekAsync(string storage, string queueName)
    {
        var queue = new QueueClient(storage, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        if (!await queue.ExistsAsync())
        {
            return [];
        }

        var peeked = await queue.PeekMessagesAsync(32);
        return peeked.Value.Select(m => m.Body.ToString()).ToList();
    }

    public static void AssertNoOriginalValue(PeopleFile file, string responseText)
    {
        foreach (var original in file.Originals)
        {
            Assert.DoesNotContain(original, responseText, StringComparison.Ordinal);
        }
    }

    private static Encoding CreateGb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030");
    }
}
