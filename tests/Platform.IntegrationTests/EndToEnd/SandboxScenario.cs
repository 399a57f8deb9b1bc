using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.PlatformScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>One person of the granted register: a personal name, a public district and an age.</summary>
public sealed record SandboxPerson(string Name, string District, int Age);

/// <summary>What a sandbox end-to-end test starts from: a grant over one table and a cleared staff member of its operator.</summary>
public sealed record SandboxSetup(
    string OperatorId,
    string AgreementId,
    string ProviderId,
    string GrantId,
    string TableName,
    string SampleJobId,
    string StaffId,
    IReadOnlyList<SandboxPerson> People);

/// <summary>A resource to grant: its name, field declarations (as POST /api/resources takes them), the names to request, and its CSV.</summary>
public sealed record SandboxDataset(string ResourceName, object[] Fields, string[] FieldNames, byte[] Csv);

/// <summary>
/// Gets a grant the way the platform gives one, through the public API only (M3.4–M4.4): an operator with an agreement,
/// a provider's resource uploaded, sampled and published, a scenario approved through its signed links, a data request
/// approved by the provider and provisioned into the library; then a staff member registered, filed and under NDA.
/// </summary>
public static class SandboxScenario
{
    /// <summary>People per district: 武昌区 and 江岸区 reach k = 10, 洪山区 does not.</summary>
    public static readonly IReadOnlyDictionary<string, int> Districts = new Dictionary<string, int> { ["武昌区"] = 25, ["江岸区"] = 12, ["洪山区"] = 5 };

    public static readonly string[] FieldNames = ["name", "district", "age"];

    private static readonly TimeSpan WorkTimeout = TimeSpan.FromSeconds(120);

    public static async Task<SandboxSetup> GrantedAsync(PlatformHostFixture platform, string useCategory = "public-good", string[]? requestFields = null)
    {
        var people = NewPeople();
        return await GrantedAsync(platform, PeopleDataset(people), WorkTimeout, people, useCategory, requestFields);
    }

    /// <summary>A grant over <paramref name="dataset"/>; <paramref name="workTimeout"/> bounds each wait for the platform's background work (sampling, provisioning).</summary>
    /// <param name="requestFields">What the data request asks for when it differs from the scenario's fields (e.g. derived attributes <c>id_number:birth_year</c>).</param>
    public static async Task<SandboxSetup> GrantedAsync(PlatformHostFixture platform, SandboxDataset dataset, TimeSpan workTimeout, IReadOnlyList<SandboxPerson>? people = null, string useCategory = "public-good", string[]? requestFields = null)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(dataset);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var (operatorId, agreementId) = await ScenarioSteps.CreateOperatorWithAgreementAsync(authority);
        var providerId = await ScenarioSteps.CreateOrganizationAsync(authority, "provider", "武汉市民政局");
        using var provider = platform.Client(Roles.Provider, providerId);
        provider.Timeout = workTimeout;
        using var owner = platform.Client(Roles.Operator, operatorId);

        var resourceId = await PublishAsync(authority, provider, dataset);
        var scenarioId = await ApprovedScenarioAsync(authority, provider, owner, agreementId, providerId, resourceId, dataset.FieldNames, useCategory);
        var grantId = await GrantAsync(provider, owner, scenarioId, resourceId, requestFields ?? dataset.FieldNames, workTimeout);
        var grant = await owner.GetFromJsonAsync<JsonElement>($"/api/grants/{grantId}");
        var table = grant.GetProperty("tables")[0];
        var staffId = await ClearedStaffAsync(authority, owner, operatorId);
        var setup = new SandboxSetup(operatorId, agreementId, providerId, grantId, table.GetProperty("name").GetString()!, table.GetProperty("sampleJobId").GetString()!, staffId, people ?? []);

        // Sample mode reads the masked sample of the library copy, made by its own masking job.
        using var staff = StaffClient(platform, setup);
        var sample = await PollAsync(staff, $"/api/masking/jobs/{setup.SampleJobId}", j => j.GetProperty("status").GetString() is "succeeded" or "failed", workTimeout);
        Assert.True(sample.GetProperty("status").GetString() == "succeeded", $"The masked sample failed: {sample}");
        return setup;
    }

    public static HttpClient StaffClient(PlatformHostFixture platform, SandboxSetup setup, string? staffId = null)
    {
        var client = platform.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.Token(Roles.Personnel, setup.OperatorId, staffId ?? setup.StaffId));
        return client;
    }

    public static Task<HttpResponseMessage> SubmitAsync(HttpClient staff, SandboxSetup setup, string mode, string sql)
        => staff.PostAsJsonAsync("/api/sandbox/jobs", new { grantId = setup.GrantId, mode, sql });

    /// <summary>Submits and waits for the job to end; returns the finished job.</summary>
    public static async Task<JsonElement> RunAsync(HttpClient staff, SandboxSetup setup, string mode, string sql)
    {
        var submitted = await SubmitAsync(staff, setup, mode, sql);
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, await submitted.Content.ReadAsStringAsync());
        return await WaitForEndAsync(staff, submitted.Headers.Location!.ToString());
    }

    public static Task<JsonElement> WaitForEndAsync(HttpClient reader, string jobUrl)
        => PollAsync(reader, jobUrl, job => job.GetProperty("status").GetString() is not ("queued" or "running"), WorkTimeout);

    /// <summary>A staff member of the operator, registered but not yet filed nor under NDA.</summary>
    public static async Task<string> RegisterStaffAsync(HttpClient owner, string operatorId)
    {
        var created = await owner.PostAsJsonAsync("/api/personnel", new { name = "李娜", idNumber = TestIdNumbers.New(), orgId = operatorId });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The authority verifies the staff member's identity in person (M4.4).</summary>
    public static async Task VerifyIdentityAsync(HttpClient authority, string staffId)
    {
        var verified = await authority.PostAsJsonAsync($"/api/personnel/{staffId}/identity-verification", new { documentRef = "身份证原件当面核验 HB-2026-031", method = "in-person" });
        Assert.True(verified.IsSuccessStatusCode, await verified.Content.ReadAsStringAsync());
    }

    private static async Task<string> ClearedStaffAsync(HttpClient authority, HttpClient owner, string operatorId)
    {
        var staffId = await RegisterStaffAsync(owner, operatorId);
        await VerifyIdentityAsync(authority, staffId);
        var filed = await authority.PostAsJsonAsync($"/api/personnel/{staffId}/filing", new { decision = "approve", comment = "材料齐全，同意备案" });
        Assert.True(filed.IsSuccessStatusCode, await filed.Content.ReadAsStringAsync());
        var nda = await owner.PostAsJsonAsync($"/api/personnel/{staffId}/nda", new { documentRef = "保密协议 BM-2026-031", signedOn = TodayCst.ToString("yyyy-MM-dd") });
        Assert.True(nda.IsSuccessStatusCode, await nda.Content.ReadAsStringAsync());
        return staffId;
    }

    private static List<SandboxPerson> NewPeople()
    {
        string[] surnames = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"];
        string[] given = ["伟", "秀英", "敏", "静", "丽娟", "强", "磊", "军", "洋", "艳", "桂兰", "志明"];
        var people = new List<SandboxPerson>();
        foreach (var (district, count) in Districts)
        {
            for (var i = 0; i < count; i++)
            {
                // Unique per run, so "no original name in the result" cannot pass or fail because of another test's data.
                var name = surnames[people.Count % surnames.Length] + given[Random.Shared.Next(given.Length)] + given[Random.Shared.Next(given.Length)] + (char)Random.Shared.Next(0x4E00, 0x9FA5);
                people.Add(new SandboxPerson(name, district, Random.Shared.Next(18, 90)));
            }
        }

        return people;
    }

    private static SandboxDataset PeopleDataset(IReadOnlyList<SandboxPerson> people)
    {
        var csv = new StringBuilder("name,district,age\r\n");
        foreach (var person in people)
        {
            csv.Append($"{person.Name},{person.District},{person.Age}\r\n");
        }

        return new SandboxDataset(
            "武汉市居民养老服务登记",
            [
                new { name = "name", type = "string", classification = "personal", grade = "general", identifierKind = "name" },
                new { name = "district", type = "string", classification = "public", grade = "general", quasiIdentifier = true },
                new { name = "age", type = "integer", classification = "public", grade = "general" },
            ],
            FieldNames,
            Encoding.UTF8.GetBytes(csv.ToString()));
    }

    private static async Task<string> PublishAsync(HttpClient authority, HttpClient provider, SandboxDataset dataset)
    {
        var registered = await provider.PostAsJsonAsync("/api/resources", new
        {
            name = dataset.ResourceName,
            description = "居民办理社区养老服务的登记信息（每月更新）",
            domain = "民政",
            updateFrequency = "每月",
            fields = dataset.Fields,
        });
        Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        var resourceId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var uploaded = await ResourceScenario.UploadAsync(provider, resourceId, dataset.Csv, "text/csv; charset=utf-8");
        Assert.True(uploaded.IsSuccessStatusCode, await uploaded.Content.ReadAsStringAsync());
        var sample = await ResourceScenario.SubmitAndWaitForSampleAsync(provider, resourceId);
        Assert.Equal("succeeded", sample.GetProperty("status").GetString());
        var published = await authority.PostAsJsonAsync($"/api/resources/{resourceId}/review", new { decision = "approve" });
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        return resourceId;
    }

    private static async Task<string> ApprovedScenarioAsync(HttpClient authority, HttpClient provider, HttpClient owner, string agreementId, string providerId, string resourceId, string[] fieldNames, string useCategory)
    {
        var scenarioId = await ScenarioSteps.SubmitAsync(owner, new
        {
            agreementId,
            title = "社区养老服务需求分布分析",
            purpose = "按区县统计养老服务登记人数与年龄结构，辅助养老服务设施布局。",
            useCategory,
            economicValue = "减少设施闲置，提高财政资金使用效率。",
            socialValue = "让老年人就近获得养老服务。",
            businessModel = "向民政部门提供分析报告，公益用途免费。",
            dataNeeds = new[] { new { resourceId, providerId, fields = fieldNames, justification = "按区县统计人数和年龄，不输出个人信息。" } },
            expertReview = false,
            experts = Array.Empty<string>(),
        });
        var instance = ScenarioSteps.InstanceId(scenarioId, 1);
        var authorityLink = await ScenarioSteps.LinkAsync(authority, scenarioId, $"{instance}-authority", asRole: true);
        var providerLink = await ScenarioSteps.LinkAsync(provider, scenarioId, $"{instance}-provider-{providerId}");
        using var anonymous = new HttpClient { BaseAddress = owner.BaseAddress };
        foreach (var link in new[] { authorityLink, providerLink })
        {
            var decided = await ScenarioSteps.DecideAsync(anonymous, link, "approve", "同意。");
            Assert.True(decided.StatusCode == HttpStatusCode.OK, await decided.Content.ReadAsStringAsync());
        }

        await ScenarioSteps.WaitForStatusAsync(owner, scenarioId, "approved");
        return scenarioId;
    }

    private static async Task<string> GrantAsync(HttpClient provider, HttpClient owner, string scenarioId, string resourceId, string[] fieldNames, TimeSpan workTimeout)
    {
        var requested = await owner.PostAsJsonAsync($"/api/scenarios/{scenarioId}/data-requests", new
        {
            items = new[] { new { resourceId, fields = fieldNames } },
            purpose = "在沙箱中按区县统计养老服务登记人数与平均年龄。",
        });
        Assert.True(requested.StatusCode == HttpStatusCode.Created, await requested.Content.ReadAsStringAsync());
        var requestId = (await requested.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var reviewed = await provider.PostAsJsonAsync($"/api/data-requests/{requestId}/reviews", new { decision = "approve", comment = "同意提供。" });
        Assert.True(reviewed.StatusCode == HttpStatusCode.OK, await reviewed.Content.ReadAsStringAsync());

        var provisioned = await PollAsync(owner, $"/api/data-requests/{requestId}",
            r => r.GetProperty("reviews")[0].TryGetProperty("grantId", out var grant) && grant.ValueKind == JsonValueKind.String, workTimeout);
        return provisioned.GetProperty("reviews")[0].GetProperty("grantId").GetString()!;
    }
}
