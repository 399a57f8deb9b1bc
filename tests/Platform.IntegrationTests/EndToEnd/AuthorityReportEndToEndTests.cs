using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Reports;
using Platform.Domain.Security;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// The authority's own yearly report (M5.6) over HTTP on a host of its own whose annual-report timer fires every few
/// seconds to draft it: the authority writes it in Chinese, a stale ETag is refused, it submits once, a supervisor reads
/// it and an operator is refused.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AuthorityReportEndToEndTests(PlatformHostFixture platform)
{
    private static readonly TimeSpan TimerTimeout = TimeSpan.FromSeconds(240);

    [Fact]
    public async Task AuthorityReport_EditedAndSubmittedOverHttp_ChineseRoundTripsStaleETag412SecondSubmission409()
    {
        var settings = new HostSettings(storageConnectionString: platform.StorageConnectionString);
        settings["Audit__TableName"] = $"audit{Guid.NewGuid():N}"[..20];
        settings["Reports__TableName"] = $"annualreports{Guid.NewGuid():N}"[..28];
        settings["Reports__AnnualReportSchedule"] = "*/3 * * * * *";
        await using var host = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
        var year = AnnualReportCalendar.ReportingYear(DateTimeOffset.UtcNow);
        var url = $"/api/authority-reports/{year}";
        using var authority = DataRequestSteps.Client(host, platform.Auth, Roles.Authority, "org-authority");
        using var supervisor = DataRequestSteps.Client(host, platform.Auth, Roles.Supervisor, "org-supervisor");
        using var operatorClient = DataRequestSteps.Client(host, platform.Auth, Roles.Operator, "org-operator-x");

        var read = await PollAsync(authority, url);
        var draft = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("draft", $"{year + 1}-03-31"), (draft.GetProperty("status").GetString(), draft.GetProperty("dueOn").GetString()));

        const string summary = "全年授权运营运行平稳，监督运营机构按期报送年度报告。";
        using var edit = new HttpRequestMessage(HttpMethod.Put, url)
        {
            Content = JsonContent.Create(new { summary, dataSecurity = "未发生数据泄露事件。", nextYearPlan = "明年完善安全评估。" }),
        };
        edit.Headers.IfMatch.Add(read.Headers.ETag!);
        var edited = await authority.SendAsync(edit);
        Assert.True(edited.StatusCode == HttpStatusCode.OK, await edited.Content.ReadAsStringAsync());
        var stale = await authority.SendAsync(new HttpRequestMessage(HttpMethod.Put, url)
        {
            Content = JsonContent.Create(new { summary = "旧版本" }),
            Headers = { IfMatch = { read.Headers.ETag! } },
        });
        await FoundationEndToEndTests.AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed, "concurrency.etag_mismatch");

        var submitted = await authority.PostAsync($"{url}/submission", null);
        Assert.True(submitted.StatusCode == HttpStatusCode.OK, await submitted.Content.ReadAsStringAsync());
        var report = await submitted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("submitted", false), (report.GetProperty("status").GetString(), report.GetProperty("late").GetBoolean()));
        await FoundationEndToEndTests.AssertProblemAsync(await authority.PostAsync($"{url}/submission", null), HttpStatusCode.Conflict, "report.already_submitted");

        var seen = await supervisor.GetFromJsonAsync<JsonElement>(url);
        Assert.Equal(summary, seen.GetProperty("narrative").GetProperty("summary").GetString());
        Assert.Equal("submitted", seen.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PostAsync($"{url}/submission", null)).StatusCode);
        await FoundationEndToEndTests.AssertProblemAsync(await authority.GetAsync("/api/authority-reports/20x6"), HttpStatusCode.BadRequest, "report.invalid_year");
    }

    private static async Task<HttpResponseMessage> PollAsync(HttpClient client, string url)
    {
        var deadline = DateTime.UtcNow + TimerTimeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var response = await client.GetAsync(url);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return response;
            }

            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, last);
            await Task.Delay(1000);
        }

        throw new TimeoutException($"{url} was not drafted within {TimerTimeout}; last: {last[..Math.Min(last.Length, 2000)]}");
    }
}
