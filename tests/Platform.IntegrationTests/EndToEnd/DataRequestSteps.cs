using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Domain.Calendar;
using Platform.Functions.Auth;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>Steps of data-request end-to-end tests through the public API: published resources, an approved scenario, messages.</summary>
public static class DataRequestSteps
{
    public const string ScenarioTitle = "武汉市社区养老服务供需分析";

    /// <summary>
    /// The compression that makes a data request submitted <paramref name="submittedIn"/> from now reach its M4.3 deadline
    /// (5 working days on the shipped calendar) about <paramref name="deadlineAfter"/> after it is submitted.
    /// </summary>
    public static double CompressionFor(TimeSpan submittedIn, TimeSpan deadlineAfter)
    {
        var submitted = DateTimeOffset.UtcNow + submittedIn;
        var due = ReviewDeadline.ComputeForDataRequest(submitted, ShippedCalendars.Calendar).DueAtUtc;
        return (due - submitted) / deadlineAfter;
    }

    public static HttpClient Client(HostProcess host, AuthOptions auth, string? role, string organization)
    {
        var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        if (role is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                DevelopmentTokenIssuer.Mint(auth, role, organization, $"{role}-tester", TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
        }

        return client;
    }

    /// <summary>A provider's people register, registered, uploaded, sampled and published; returns its id.</summary>
    public static async Task<string> PublishedResourceAsync(HttpClient provider, HttpClient authority, string name, ResourceScenario.PeopleFile file)
    {
        var id = (await ResourceScenario.RegisterAsync(provider, name)).GetProperty("id").GetString()!;
        var uploaded = await ResourceScenario.UploadAsync(provider, id, Encoding.UTF8.GetBytes(file.Csv), "text/csv; charset=utf-8");
        Assert.True(uploaded.IsSuccessStatusCode, await uploaded.Content.ReadAsStringAsync());
        var sample = await ResourceScenario.SubmitAndWaitForSampleAsync(provider, id);
        Assert.Equal("succeeded", sample.GetProperty("status").GetString());
        var published = await authority.PostAsJsonAsync($"/api/resources/{id}/review", new { decision = "approve", comment = "同意发布" });
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        return id;
    }

    /// <summary>Submits a scenario needing the given resources and fields and has every reviewer approve it through its link.</summary>
    public static async Task<string> ApprovedScenarioAsync(HttpClient operatorClient, HttpClient authority, HttpClient anonymous, string agreementId,
        IReadOnlyList<(HttpClient Client, string ProviderId, string ResourceId, string[] Fields)> needs)
    {
        var scenarioId = await ScenarioSteps.SubmitAsync(operatorClient, new
        {
            agreementId,
            title = ScenarioTitle,
            purpose = "分析各区养老服务需求与供给，优化社区养老服务网点布局。",
            useCategory = "public-good",
            economicValue = "降低养老服务网点空置率。",
            socialValue = "便利老年人就近获得服务。",
            businessModel = "向民政部门提供分析报告，公益用途免费。",
            dataNeeds = needs.Select(n => new { resourceId = n.ResourceId, providerId = n.ProviderId, fields = n.Fields, justification = "按区县统计服务需求。" }).ToArray(),
            expertReview = false,
            experts = Array.Empty<string>(),
        });
        var instance = ScenarioSteps.InstanceId(scenarioId, 1);
        var links = new List<string> { await ScenarioSteps.LinkAsync(authority, scenarioId, $"{instance}-authority", asRole: true) };
        foreach (var need in needs)
        {
            links.Add(await ScenarioSteps.LinkAsync(need.Client, scenarioId, $"{instance}-provider-{need.ProviderId}"));
        }

        foreach (var link in links)
        {
            var decided = await ScenarioSteps.DecideAsync(anonymous, link, "approve", "同意。");
            Assert.True(decided.StatusCode == HttpStatusCode.OK, await decided.Content.ReadAsStringAsync());
        }

        await ScenarioSteps.WaitForStatusAsync(operatorClient, scenarioId, "approved");
        return scenarioId;
    }

    /// <summary>Waits for the message <paramref name="notificationId"/> about the data request in the caller's outbox (or its role's).</summary>
    public static async Task<JsonElement> MessageAsync(HttpClient reader, string requestId, string notificationId, bool asRole = false, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var found = (await MessagesAsync(reader, requestId, asRole)).Where(m => m.GetProperty("id").GetString() == notificationId).ToList();
            if (found.Count > 0)
            {
                return found[0];
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No message {notificationId} arrived.");
            }

            await Task.Delay(500);
        }
    }

    public static async Task<List<JsonElement>> MessagesAsync(HttpClient reader, string requestId, bool asRole = false)
    {
        var all = new List<JsonElement>();
        string? token = null;
        do
        {
            var url = $"/api/notifications?pageSize=100&target={Uri.EscapeDataString($"data-requests/{requestId}")}{(asRole ? "&recipient=role" : "")}"
                      + (token is null ? "" : $"&continuationToken={Uri.EscapeDataString(token)}");
            var page = await reader.GetFromJsonAsync<JsonElement>(url);
            all.AddRange(page.GetProperty("items").EnumerateArray());
            token = page.TryGetProperty("continuationToken", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (token is not null);

        return all;
    }

    public static string PathOf(string link) => new Uri(link, UriKind.RelativeOrAbsolute).IsAbsoluteUri ? new Uri(link).AbsolutePath : link;

    public static JsonElement Review(JsonElement request, string providerId)
        => request.GetProperty("reviews").EnumerateArray().Single(r => r.GetProperty("providerId").GetString() == providerId);

    /// <summary>The audit actions recorded on a target, in order.</summary>
    public static async Task<List<string>> AuditActionsAsync(HttpClient supervisor, string target)
    {
        var audit = await supervisor.GetFromJsonAsync<JsonElement>($"/api/audit?target={Uri.EscapeDataString(target)}&pageSize=200");
        return audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToList();
    }
}
