using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.PlatformScenario;

namespace Platform.IntegrationTests.EndToEnd;

[Collection(PlatformCollection.Name)]
public sealed class OversightEndToEndTests(PlatformHostFixture platform)
{
    [Fact]
    public async Task ReportIncident_Operator_AuthorityIsNotifiedAtOnceAndItIsAudited()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var operatorId = await CreateOperatorAsync(authority);
        using var operatorClient = platform.Client(Roles.Operator, operatorId);

        var reported = await operatorClient.PostAsJsonAsync("/api/incidents", new
        {
            kind = "leak",
            description = "沙箱导出日志中发现未脱敏手机号",
            occurredAt = DateTimeOffset.UtcNow.AddMinutes(-30),
            affectedResources = new[] { "res-01jd8x3kq7m4r6t9v2w5y8z1ab" },
        });

        Assert.Equal(HttpStatusCode.Created, reported.StatusCode);
        var id = (await reported.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var inbox = await authority.GetFromJsonAsync<JsonElement>($"/api/notifications?recipient=role&pageSize=200&target={Uri.EscapeDataString($"incidents/{id}")}");
        Assert.Contains(inbox.GetProperty("items").EnumerateArray(), m => m.GetProperty("target").GetString() == $"incidents/{id}" && m.GetProperty("subject").GetString()!.Contains("数据泄露", StringComparison.Ordinal));
        using var supervisor = platform.Client(Roles.Supervisor, "org-supervisor");
        var audit = await supervisor.GetFromJsonAsync<JsonElement>($"/api/audit?target={Uri.EscapeDataString($"incidents/{id}")}");
        Assert.Single(audit.GetProperty("items").EnumerateArray());
        using var otherOperator = platform.Client(Roles.Operator, "org-01jd8x3kq7m4r6t9v2w5y8z1ab");
        await FoundationEndToEndTests.AssertProblemAsync(await otherOperator.GetAsync($"/api/incidents/{id}"), HttpStatusCode.NotFound, "incident.not_found");
    }

    [Fact]
    public async Task ReportIncident_UnknownKind_Returns400NamingAllowedValues()
    {
        using var operatorClient = platform.Client(Roles.Operator, "org-01jd8x3kq7m4r6t9v2w5y8z1ab");

        var response = await operatorClient.PostAsJsonAsync("/api/incidents", new { kind = "meteor", description = "x", occurredAt = DateTimeOffset.UtcNow });

        await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "request.invalid_enum_value");
    }

    [Fact]
    public async Task Suspension_SuspendThenLift_StateAndHistoryAndDoubleSuspend409()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var operatorId = await CreateOperatorAsync(authority);

        var suspended = await authority.PostAsJsonAsync($"/api/operators/{operatorId}/suspension", new { reason = "发生数据泄露事件，暂停运营待查" });
        var twice = await authority.PostAsJsonAsync($"/api/operators/{operatorId}/suspension", new { reason = "again" });
        using var operatorClient = platform.Client(Roles.Operator, operatorId);
        var seen = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/operators/{operatorId}/suspension");
        var lifted = await authority.DeleteAsync($"/api/operators/{operatorId}/suspension?note={Uri.EscapeDataString("整改完成")}");

        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        await FoundationEndToEndTests.AssertProblemAsync(twice, HttpStatusCode.Conflict, "suspension.already_suspended");
        Assert.True(seen.GetProperty("suspended").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, lifted.StatusCode);
        var after = await lifted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(after.GetProperty("suspended").GetBoolean());
        Assert.Equal("整改完成", after.GetProperty("history")[0].GetProperty("liftNote").GetString());
        var messages = await operatorClient.GetFromJsonAsync<JsonElement>("/api/notifications");
        Assert.Contains(messages.GetProperty("items").EnumerateArray(), m => m.GetProperty("category").GetString() == "suspension");
    }
}
