using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Reports;
using Platform.Domain.Security;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// The annual-report timer (M5.6) on the local host: real records are made through the shared host first, then a host of
/// its own starts with the timer's schedule overridden to fire every few seconds, and the drafts it writes are read back.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AnnualReportEndToEndTests(PlatformHostFixture platform)
{
    private static readonly TimeSpan TimerTimeout = TimeSpan.FromSeconds(240);
    private const string Hostile = "<script>alert('年报')</script>";

    [Fact]
    public async Task AnnualReportTimer_FiredOnLocalHost_DraftsHoldTheYearsRealCountsForEachReader()
    {
        // The year's real records: an approved scenario, an approved data request, its grant, a sample job, an incident.
        var setup = await SandboxScenario.GrantedAsync(platform);
        using var staff = SandboxScenario.StaffClient(platform, setup);
        var job = await SandboxScenario.RunAsync(staff, setup, "sample", $"SELECT district, count(*) AS n FROM {setup.TableName} GROUP BY district");
        Assert.Equal("released", job.GetProperty("status").GetString());
        using var owner = platform.Client(Roles.Operator, setup.OperatorId);
        var incident = await owner.PostAsJsonAsync("/api/incidents", new { kind = "major-risk", description = "沙箱节点磁盘告警", occurredAt = DateTimeOffset.UtcNow.AddMinutes(-5) });
        Assert.Equal(HttpStatusCode.Created, incident.StatusCode);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var (idleOperator, _) = await ScenarioSteps.CreateOperatorWithAgreementAsync(authority);
        var recordedAt = DateTimeOffset.UtcNow;

        var settings = new HostSettings(storageConnectionString: platform.StorageConnectionString);
        settings["Audit__TableName"] = $"audit{Guid.NewGuid():N}"[..20];
        settings["Reports__TableName"] = $"annualreports{Guid.NewGuid():N}"[..28];
        settings["Reports__AnnualReportSchedule"] = "*/3 * * * * *";
        await using var timerHost = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
        var year = AnnualReportCalendar.ReportingYear(DateTimeOffset.UtcNow);
        using var timerAuthority = DataRequestSteps.Client(timerHost, platform.Auth, Roles.Authority, "org-authority");

        // The authority's report is written after every operator's draft, so once it is there the run is complete.
        var all = await PollReportsAsync(timerAuthority, $"/api/reports/annual/{year}", view => view.GetProperty("authorityReport").ValueKind == JsonValueKind.Object);

        var expected = AnnualReportCalendar.InYear(recordedAt, year) ? 1 : 0;
        var report = OperatorReport(all, setup.OperatorId);
        var counts = report.GetProperty("counts");
        Assert.Equal("draft", report.GetProperty("status").GetString());
        Assert.Equal("湖北数据运营有限公司", report.GetProperty("operatorName").GetString());
        Assert.Equal($"{year + 1}-01-31", report.GetProperty("dueOn").GetString());
        Assert.Equal(new[] { expected, expected, expected, expected, expected, expected }, new[]
        {
            counts.GetProperty("scenariosSubmitted").GetInt32(), counts.GetProperty("scenariosApproved").GetInt32(),
            counts.GetProperty("dataRequestsSubmitted").GetInt32(), counts.GetProperty("dataRequestsApproved").GetInt32(),
            counts.GetProperty("grantsIssued").GetInt32(), counts.GetProperty("incidentsReported").GetInt32(),
        });
        var jobs = counts.GetProperty("sandboxJobs");
        Assert.Equal((expected, expected, 0), (jobs.GetProperty("total").GetInt32(), jobs.GetProperty("sample").GetInt32(), jobs.GetProperty("full").GetInt32()));
        Assert.Equal(expected, jobs.GetProperty("byOutcome").TryGetProperty("released", out var released) ? released.GetInt32() : 0);
        Assert.Equal(0, counts.GetProperty("productCalls").GetInt64());
        var idle = OperatorReport(all, idleOperator).GetProperty("counts");
        Assert.Equal((0, 0), (idle.GetProperty("scenariosSubmitted").GetInt32(), idle.GetProperty("sandboxJobs").GetProperty("total").GetInt32()));
        var authorityReport = all.GetProperty("authorityReport");
        var operatorIds = authorityReport.GetProperty("operatorIds").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(setup.OperatorId, operatorIds);
        Assert.Contains(idleOperator, operatorIds);
        Assert.True(authorityReport.GetProperty("operatorTotals").GetProperty("scenariosSubmitted").GetInt32() >= expected);
        Assert.True(authorityReport.GetProperty("platform").GetProperty("agreementsActive").GetInt32() >= 2);

        // The operator was told its due date.
        var inbox = await owner.GetFromJsonAsync<JsonElement>($"/api/notifications?target={Uri.EscapeDataString($"reports/annual/{year}/operators/{setup.OperatorId}")}");
        Assert.Contains(inbox.GetProperty("items").EnumerateArray(), m => m.GetProperty("category").GetString() == "annual-report"
            && m.GetProperty("body").GetString()!.Contains($"{year + 1}年1月31日", StringComparison.Ordinal));

        // Each operator sees only its own report; a provider is refused.
        using var timerOwner = DataRequestSteps.Client(timerHost, platform.Auth, Roles.Operator, setup.OperatorId);
        var own = await timerOwner.GetFromJsonAsync<JsonElement>($"/api/reports/annual/{year}");
        Assert.Equal(JsonValueKind.Null, own.GetProperty("authorityReport").ValueKind);
        Assert.Equal([setup.OperatorId], own.GetProperty("operatorReports").EnumerateArray().Select(r => r.GetProperty("operatorId").GetString()));
        using var timerIdle = DataRequestSteps.Client(timerHost, platform.Auth, Roles.Operator, idleOperator);
        var idleOwn = await timerIdle.GetFromJsonAsync<JsonElement>($"/api/reports/annual/{year}");
        Assert.Equal([idleOperator], idleOwn.GetProperty("operatorReports").EnumerateArray().Select(r => r.GetProperty("operatorId").GetString()));
        await FoundationEndToEndTests.AssertProblemAsync(await timerIdle.PutAsJsonAsync($"/api/reports/annual/{year}/operators/{setup.OperatorId}", new { summary = "冒名" }), HttpStatusCode.NotFound, "report.not_found");
        using var provider = DataRequestSteps.Client(timerHost, platform.Auth, Roles.Provider, setup.ProviderId);
        await FoundationEndToEndTests.AssertProblemAsync(await provider.GetAsync($"/api/reports/annual/{year}"), HttpStatusCode.Forbidden, "auth.forbidden_role");
        await FoundationEndToEndTests.AssertProblemAsync(await timerAuthority.GetAsync("/api/reports/annual/20x6"), HttpStatusCode.BadRequest, "report.invalid_year");
        await FoundationEndToEndTests.AssertProblemAsync(await timerAuthority.GetAsync("/api/reports/annual/2099"), HttpStatusCode.NotFound, "report.not_found");

        // The operator writes its sections (If-Match) and submits; the printable page shows them in Chinese, escaped.
        var read = await timerOwner.GetAsync($"/api/reports/annual/{year}/operators/{setup.OperatorId}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/reports/annual/{year}/operators/{setup.OperatorId}")
        {
            Content = JsonContent.Create(new { summary = "全年开展养老服务需求分析场景 1 个，运行平稳。" + Hostile, dataSecurity = "发生重大安全风险告警 1 起，已处置。" }),
        };
        edit.Headers.IfMatch.Add(read.Headers.ETag!);
        var edited = await timerOwner.SendAsync(edit);
        Assert.True(edited.StatusCode == HttpStatusCode.OK, await edited.Content.ReadAsStringAsync());
        var stale = await timerOwner.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/reports/annual/{year}/operators/{setup.OperatorId}")
        {
            Content = JsonContent.Create(new { summary = "旧版本" }),
            Headers = { IfMatch = { read.Headers.ETag! } },
        });
        await FoundationEndToEndTests.AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed, "concurrency.etag_mismatch");
        var submitted = await timerOwner.PostAsync($"/api/reports/annual/{year}/operators/{setup.OperatorId}/submission", null);
        Assert.True(submitted.StatusCode == HttpStatusCode.OK, await submitted.Content.ReadAsStringAsync());
        var submittedReport = await submitted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("submitted", false), (submittedReport.GetProperty("status").GetString(), submittedReport.GetProperty("late").GetBoolean()));

        var page = await timerOwner.GetAsync($"/api/reports/annual/{year}?format=html");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(("text/html", "utf-8"), (page.Content.Headers.ContentType?.MediaType, page.Content.Headers.ContentType?.CharSet));
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains($"{year} 年度公共数据资源授权运营报告", html, StringComparison.Ordinal);
        Assert.Contains("湖北数据运营有限公司", html, StringComparison.Ordinal);
        Assert.Contains("全年开展养老服务需求分析场景 1 个，运行平稳。&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("已提交", html, StringComparison.Ordinal);

        using var browser = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/annual/{year}");
        browser.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var authorityPage = await timerAuthority.SendAsync(browser);
        Assert.Equal("text/html", authorityPage.Content.Headers.ContentType?.MediaType);
        Assert.Contains("主管部门年度工作报告", await authorityPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static JsonElement OperatorReport(JsonElement view, string operatorId)
        => view.GetProperty("operatorReports").EnumerateArray().Single(r => r.GetProperty("operatorId").GetString() == operatorId);

    /// <summary>Polls a report route that answers 404 until the timer has written the reports.</summary>
    private static async Task<JsonElement> PollReportsAsync(HttpClient client, string url, Func<JsonElement, bool> until)
    {
        var deadline = DateTime.UtcNow + TimerTimeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var response = await client.GetAsync(url);
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            if (response.StatusCode == HttpStatusCode.OK && await response.Content.ReadFromJsonAsync<JsonElement>() is var view && until(view))
            {
                return view;
            }

            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, last);
            await Task.Delay(1000);
        }

        throw new TimeoutException($"{url} showed no complete reports within {TimerTimeout}; last: {last[..Math.Min(last.Length, 2000)]}");
    }
}
