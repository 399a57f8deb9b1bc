using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.PlatformScenario;
using static Platform.IntegrationTests.EndToEnd.SandboxScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Issue 14 items 6 and 7 over HTTP on the local host: a grant whose authority requires a human release step holds full
/// results as <c>awaiting_release</c> until the named checker decides through its signed link; a checker from the operator
/// is refused; a released file that leaks is traced to its job.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SandboxAirlockEndToEndTests(PlatformHostFixture platform)
{
    private static readonly SemaphoreSlim SetupLock = new(1, 1);
    private static (string Host, SandboxSetup Setup, string Checker)? _shared;

    [Fact]
    public async Task ReleaseControl_CheckerFromTheOperatorOrSetByTheOperator_Refused()
    {
        var (setup, _) = await SharedAsync();
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var owner = platform.Client(Roles.Operator, setup.OperatorId);

        var ownChecker = await authority.PutAsJsonAsync($"/api/grants/{setup.GrantId}/release-control", new { required = true, checkers = new[] { setup.OperatorId } });
        var byOperator = await owner.PutAsJsonAsync($"/api/grants/{setup.GrantId}/release-control", new { required = false, checkers = Array.Empty<string>() });

        await FoundationEndToEndTests.AssertProblemAsync(ownChecker, HttpStatusCode.Forbidden, "sandbox.checker_conflict");
        Assert.Equal(HttpStatusCode.Forbidden, byOperator.StatusCode);
        var control = await authority.GetFromJsonAsync<JsonElement>($"/api/grants/{setup.GrantId}/release-control");
        Assert.True(control.GetProperty("required").GetBoolean());
    }

    [Fact]
    public async Task FullJob_CheckerApprovesThroughTheLink_ReleasedDownloadableAndALeakedCopyTracedToTheJob()
    {
        var (setup, checker) = await SharedAsync();
        using var staff = StaffClient(platform, setup);
        var sql = $"SELECT district, count(*) AS people, avg(age) AS mean_age FROM {setup.TableName} GROUP BY district";

        var job = await RunAsync(staff, setup, "full", sql);
        var jobId = job.GetProperty("id").GetString()!;

        Assert.Equal(("awaiting_release", "sandbox.awaiting_release"), (job.GetProperty("status").GetString(), job.GetProperty("code").GetString()));
        var held = await staff.GetAsync($"/api/sandbox/jobs/{jobId}/result");
        await FoundationEndToEndTests.AssertProblemAsync(held, HttpStatusCode.Conflict, "sandbox.result_withheld");
        using var checkerClient = platform.Client(Roles.Reviewer, checker);
        var link = await LinkAsync(checkerClient, jobId);
        using var anonymous = platform.Client();
        var page = await anonymous.GetStringAsync(link);
        Assert.Contains(jobId, page, StringComparison.Ordinal);
        Assert.DoesNotContain("武昌区,", page, StringComparison.Ordinal);

        var decided = await anonymous.PostAsJsonAsync(link, new { decision = "approve" });

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var released = await staff.GetFromJsonAsync<JsonElement>($"/api/sandbox/jobs/{jobId}");
        Assert.Equal("released", released.GetProperty("status").GetString());
        var csv = await staff.GetByteArrayAsync($"/api/sandbox/jobs/{jobId}/result");
        Assert.Contains("武昌区", System.Text.Encoding.UTF8.GetString(csv), StringComparison.Ordinal);

        // Issue 14 item 7: the file leaks; the supervisor traces it to this job.
        using var supervisor = platform.Client(Roles.Supervisor, "org-supervisor");
        var match = await supervisor.PostAsync("/api/sandbox/fingerprints/match", CsvBody(csv));
        Assert.Equal(HttpStatusCode.OK, match.StatusCode);
        var matches = (await match.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("matches").EnumerateArray().ToList();
        Assert.Equal((jobId, "exact"), (matches[0].GetProperty("jobId").GetString(), matches[0].GetProperty("match").GetString()));
        var forbidden = await staff.PostAsync("/api/sandbox/fingerprints/match", CsvBody(csv));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task FullJob_CheckerRejects_ReleaseRefusedAndNothingDownloadable()
    {
        var (setup, checker) = await SharedAsync();
        using var staff = StaffClient(platform, setup);

        var job = await RunAsync(staff, setup, "full", $"SELECT district, count(*) AS people FROM {setup.TableName} GROUP BY district ORDER BY district");
        var jobId = job.GetProperty("id").GetString()!;
        using var checkerClient = platform.Client(Roles.Reviewer, checker);
        var link = await LinkAsync(checkerClient, jobId);
        using var anonymous = platform.Client();

        var decided = await anonymous.PostAsJsonAsync(link, new { decision = "reject", comment = "区划过细，不予出域" });

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var refused = await staff.GetFromJsonAsync<JsonElement>($"/api/sandbox/jobs/{jobId}");
        Assert.Equal(("release_refused", "sandbox.release_refused"), (refused.GetProperty("status").GetString(), refused.GetProperty("code").GetString()));
        await FoundationEndToEndTests.AssertProblemAsync(await staff.GetAsync($"/api/sandbox/jobs/{jobId}/result"), HttpStatusCode.Conflict, "sandbox.result_withheld");
        var again = await anonymous.PostAsJsonAsync(link, new { decision = "approve" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task CountsDifferingByOnePersonAcrossTwoJobs_SecondWithheldThenBudgetSpent429()
    {
        var setup = await GrantedAsync(platform);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var staff = StaffClient(platform, setup);
        var set = await authority.PutAsJsonAsync($"/api/grants/{setup.GrantId}/release-control", new { required = false, fullJobsPerDay = 2 });
        Assert.True(set.StatusCode == HttpStatusCode.OK, await set.Content.ReadAsStringAsync());
        var target = setup.People.First(p => p.District == "武昌区");

        var everyone = await RunAsync(staff, setup, "full", $"SELECT district, count(*) AS people FROM {setup.TableName} GROUP BY district ORDER BY district");
        var allButOne = await RunAsync(staff, setup, "full", $"SELECT district, count(*) AS people FROM {setup.TableName} WHERE age <> {target.Age} GROUP BY district ORDER BY district");
        var third = await SubmitAsync(staff, setup, "full", $"SELECT district, count(*) AS people FROM {setup.TableName} GROUP BY district ORDER BY district");

        Assert.Equal("released", everyone.GetProperty("status").GetString());
        // Issue 14 item 5: 武昌区 differs from the earlier release by the few people of that age: the second result is withheld.
        Assert.Equal(("withheld", "sandbox.output_withheld"), (allButOne.GetProperty("status").GetString(), allButOne.GetProperty("code").GetString()));
        Assert.Equal(["differencing_across_results"], allButOne.GetProperty("checks").GetProperty("failedRules").EnumerateArray().Select(r => r.GetString()));
        await FoundationEndToEndTests.AssertProblemAsync(await staff.GetAsync($"/api/sandbox/jobs/{allButOne.GetProperty("id").GetString()}/result"), HttpStatusCode.Conflict, "sandbox.result_withheld");
        await FoundationEndToEndTests.AssertProblemAsync(third, HttpStatusCode.TooManyRequests, "sandbox.budget_exhausted");
        Assert.NotNull(third.Headers.RetryAfter);
        var budget = (await authority.GetFromJsonAsync<JsonElement>($"/api/grants/{setup.GrantId}/release-control")).GetProperty("budget");
        Assert.Equal((2, 2, 0), (budget.GetProperty("perDay").GetInt32(), budget.GetProperty("usedToday").GetInt32(), budget.GetProperty("remaining").GetInt32()));
    }

    /// <summary>The checker's signed link, read from its organisation's messages about the job.</summary>
    private static async Task<string> LinkAsync(HttpClient checker, string jobId)
    {
        var message = await PollAsync(checker, $"/api/notifications?pageSize=100&target={Uri.EscapeDataString($"sandbox/jobs/{jobId}")}",
            page => page.GetProperty("items").GetArrayLength() > 0, TimeSpan.FromSeconds(60));
        var link = message.GetProperty("items")[0].GetProperty("link").GetString()!;
        return new Uri(link, UriKind.RelativeOrAbsolute).IsAbsoluteUri ? new Uri(link).AbsolutePath : link;
    }

    private async Task<(SandboxSetup Setup, string Checker)> SharedAsync()
    {
        await SetupLock.WaitAsync();
        try
        {
            if (_shared is { } shared && shared.Host == platform.Host.BaseUrl)
            {
                return (shared.Setup, shared.Checker);
            }

            var setup = await GrantedAsync(platform);
            using var authority = platform.Client(Roles.Authority, "org-authority");
            var checker = await ScenarioSteps.CreateOrganizationAsync(authority, "reviewer", "湖北省数据安全评估中心");
            var control = await authority.PutAsJsonAsync($"/api/grants/{setup.GrantId}/release-control", new { required = true, checkers = new[] { checker } });
            Assert.True(control.StatusCode == HttpStatusCode.OK, await control.Content.ReadAsStringAsync());
            _shared = (platform.Host.BaseUrl, setup, checker);
            return (setup, checker);
        }
        finally
        {
            SetupLock.Release();
        }
    }

    private static ByteArrayContent CsvBody(byte[] csv)
    {
        var content = new ByteArrayContent(csv);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        return content;
    }
}
