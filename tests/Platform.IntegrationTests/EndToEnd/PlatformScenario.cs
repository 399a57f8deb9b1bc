using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>Steps that set up the records an end-to-end test needs, through the public API only.</summary>
public static class PlatformScenario
{
    public static DateOnly TodayCst => ChinaTime.LegalDate(DateTimeOffset.UtcNow);

    public static async Task<string> CreateOperatorAsync(HttpClient authority, bool qualified = true)
    {
        var created = await authority.PostAsJsonAsync("/api/organizations", new { name = "湖北数据运营有限公司", kind = "operator", creditCode = TestCreditCodes.New(), region = "420100" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var facts = new { noSecurityIncidentsLast3Years = true, creditRecordClean = qualified, executivesRecordClean = true, personnelCompliant = true, evidence = "信用核查报告" };
        var qualification = await authority.PutAsJsonAsync($"/api/organizations/{id}/qualification", facts);
        Assert.Equal(HttpStatusCode.OK, qualification.StatusCode);
        return id;
    }

    public static async Task<string> CreateApprovedPlanAsync(HttpClient authority)
    {
        var created = await authority.PostAsJsonAsync("/api/plans", new { title = "湖北省公共数据授权运营实施方案", mode = "whole", region = "420000" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var approval = await authority.PostAsJsonAsync($"/api/plans/{id}/approval", new { approvedBy = "湖北省人民政府", documentRef = "鄂政函〔2026〕1号", approvedOn = TodayCst.ToString("yyyy-MM-dd") });
        Assert.True(approval.IsSuccessStatusCode, await approval.Content.ReadAsStringAsync());
        return id;
    }

    /// <summary>Signs an agreement; without <paramref name="signedOn"/> the platform takes the day of entry as the signing date.</summary>
    public static Task<HttpResponseMessage> SignAgreementAsync(HttpClient authority, string planId, string operatorId, DateOnly startsOn, DateOnly endsOn, DateOnly? signedOn = null)
        => authority.PostAsJsonAsync("/api/agreements", new
        {
            planId,
            operatorId,
            selectionMethod = "public-tender",
            decisionRecord = "省数据局党组会议纪要〔2026〕12号（三重一大集体决策）",
            startsOn = startsOn.ToString("yyyy-MM-dd"),
            endsOn = endsOn.ToString("yyyy-MM-dd"),
            signedOn = signedOn?.ToString("yyyy-MM-dd"),
        });

    public static async Task<JsonElement> PollAsync(HttpClient client, string url, Func<JsonElement, bool> until, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await client.GetFromJsonAsync<JsonElement>(url);
            if (until(last))
            {
                return last;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"{url} did not reach the expected state within {timeout}; last: {last}");
    }

    public static string[] MilestoneKinds(JsonElement agreement)
        => agreement.GetProperty("milestones").EnumerateArray().Select(m => m.GetProperty("kind").GetString()!).ToArray();

    public static string Role(string role) => role;

    public static readonly string[] Everything = [Roles.Authority];
}
