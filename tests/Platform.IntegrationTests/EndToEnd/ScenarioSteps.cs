using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.PlatformScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>Steps of scenario-review end-to-end tests, through the public API only (links are read from GET /api/notifications).</summary>
public static class ScenarioSteps
{
    public const string Title = "武汉市新能源汽车充电设施布局优化";

    public static readonly Dictionary<string, int> FullScores = new()
    {
        ["economicValue"] = 4,
        ["socialValue"] = 5,
        ["businessModel"] = 3,
        ["reasonableness"] = 4,
        ["necessity"] = 5,
        ["satisfiability"] = 4,
    };

    public static async Task<string> CreateOrganizationAsync(HttpClient authority, string kind, string name)
    {
        var created = await authority.PostAsJsonAsync("/api/organizations", new { name, kind, creditCode = TestCreditCodes.New(), region = "420100" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>A qualified operator holding an active one-year agreement.</summary>
    public static async Task<(string OperatorId, string AgreementId)> CreateOperatorWithAgreementAsync(HttpClient authority)
    {
        var operatorId = await CreateOperatorAsync(authority);
        var planId = await CreateApprovedPlanAsync(authority);
        var signed = await SignAgreementAsync(authority, planId, operatorId, TodayCst, TodayCst.AddYears(1));
        Assert.Equal(HttpStatusCode.Created, signed.StatusCode);
        var agreementId = (await signed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        return (operatorId, agreementId);
    }

    /// <summary>
    /// A scenario needing the published resources <paramref name="resources"/> (their providers review it, M4.2) and, when
    /// <paramref name="experts"/> are given, asking for expert review and suggesting them (the authority adds experts, M2.3).
    /// </summary>
    public static object Body(string agreementId, IReadOnlyList<string> resources, IReadOnlyList<string>? experts = null, string title = Title) => new
    {
        agreementId,
        title,
        purpose = "利用电网负荷、停车场和交通流量数据，优化全市公共充电桩布局，减少排队时间。",
        useCategory = "public-good",
        economicValue = "预计每年减少充电排队时间约 120 万小时，带动充电运营收入增长。",
        socialValue = "便利市民绿色出行，支撑“双碳”目标。",
        businessModel = "向充电运营企业提供选址分析报告，按次收费，公益用途免费。",
        dataNeeds = resources.Select((resourceId, i) => new
        {
            resourceId,
            fields = new[] { "区域编码", "时段", i == 0 ? "负荷" : "车流量" },
            justification = i == 0 ? "评估各区域电网承载能力，确定可建桩数量。" : "识别车流密集区域，确定充电需求热点。",
        }).ToArray(),
        expertReview = experts is { Count: > 0 },
        experts = experts ?? [],
    };

    /// <summary>A published resource of the provider <paramref name="provider"/> acts for, to name in a data need.</summary>
    public static Task<string> PublishResourceAsync(HttpClient authority, HttpClient provider) => ResourceScenario.PublishAsync(authority, provider);

    /// <summary>The authority adds expert reviewers to a scenario under review (M2.3).</summary>
    public static async Task AddExpertsAsync(HttpClient authority, string scenarioId, params string[] experts)
    {
        var added = await authority.PostAsJsonAsync($"/api/scenarios/{scenarioId}/experts", new { experts });
        Assert.True(added.StatusCode == HttpStatusCode.OK, await added.Content.ReadAsStringAsync());
    }

    /// <summary>Submits a scenario; returns its id.</summary>
    public static async Task<string> SubmitAsync(HttpClient operatorClient, object body)
    {
        var created = await operatorClient.PostAsJsonAsync("/api/scenarios", body);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        Assert.NotNull(created.Headers.Location);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static string InstanceId(string scenarioId, int round) => $"scenario-review-{scenarioId}-r{round}";

    /// <summary>
    /// Waits for the message with id <paramref name="notificationId"/> about the scenario in the caller's outbox
    /// (organisation messages, or with <paramref name="asRole"/> the role's) and returns the path of its link.
    /// </summary>
    public static async Task<string> LinkAsync(HttpClient reader, string scenarioId, string notificationId, bool asRole = false, TimeSpan? timeout = null)
    {
        var message = await MessageAsync(reader, scenarioId, notificationId, asRole, timeout);
        var link = message.GetProperty("link").GetString()!;
        return new Uri(link, UriKind.RelativeOrAbsolute).IsAbsoluteUri ? new Uri(link).AbsolutePath : link;
    }

    public static async Task<JsonElement> MessageAsync(HttpClient reader, string scenarioId, string notificationId, bool asRole = false, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            foreach (var message in await MessagesAsync(reader, scenarioId, asRole))
            {
                if (message.GetProperty("id").GetString() == notificationId)
                {
                    return message;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No message {notificationId} arrived.");
            }

            await Task.Delay(300);
        }
    }

    public static async Task<List<JsonElement>> MessagesAsync(HttpClient reader, string scenarioId, bool asRole = false)
    {
        var all = new List<JsonElement>();
        string? token = null;
        do
        {
            var url = $"/api/notifications?pageSize=100&target={Uri.EscapeDataString($"scenarios/{scenarioId}")}{(asRole ? "&recipient=role" : "")}"
                      + (token is null ? "" : $"&continuationToken={Uri.EscapeDataString(token)}");
            var page = await reader.GetFromJsonAsync<JsonElement>(url);
            all.AddRange(page.GetProperty("items").EnumerateArray());
            token = page.TryGetProperty("continuationToken", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (token is not null);

        return all;
    }

    public static Task<HttpResponseMessage> DecideAsync(HttpClient client, string linkPath, string decision, string? comment = null, Dictionary<string, int>? scores = null)
        => client.PostAsJsonAsync(linkPath, new { decision, comment, scores = scores ?? FullScores });

    public static async Task<JsonElement> WaitForStatusAsync(HttpClient reader, string scenarioId, string status, TimeSpan? timeout = null)
        => await PollAsync(reader, $"/api/scenarios/{scenarioId}", s => s.GetProperty("status").GetString() == status, timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>The same link with one part of its signed payload changed and the signature kept.</summary>
    public static string AlterPayload(string linkPath, string member, string value)
    {
        var token = linkPath[(linkPath.LastIndexOf('/') + 1)..];
        var parts = token.Split('.');
        var payload = JsonNode.Parse(FromBase64Url(parts[0]))!.AsObject();
        payload[member] = value;
        return linkPath[..(linkPath.LastIndexOf('/') + 1)] + ToBase64Url(Encoding.UTF8.GetBytes(payload.ToJsonString())) + "." + parts[1];
    }

    /// <summary>The same link with one character of its signature changed.</summary>
    public static string AlterSignature(string linkPath)
    {
        var chars = linkPath.ToCharArray();
        var last = chars.Length - 3;
        chars[last] = chars[last] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    private static byte[] FromBase64Url(string text)
        => Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (text.Length % 4)) % 4));

    private static string ToBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
