using Moq;
using Platform.Domain.Audit;
using Platform.Domain.Security;
using Platform.Functions.Audit;
using Xunit;

namespace Platform.UnitTests.Http;

public sealed class AuditFunctionsTests
{
    private readonly Mock<IAuditLog> auditLog = new();

    public AuditFunctionsTests()
    {
        auditLog.Setup(log => log.QueryAsync(It.IsAny<AuditQuery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AuditPage(
                [new AuditEntry(7, new DateTimeOffset(2025, 10, 13, 1, 0, 0, TimeSpan.Zero), "u-1", Roles.Authority, "省数据局", "agreement.signed", "agr-1", "p", "h6", "h7")],
                "next"));
        auditLog.Setup(log => log.VerifyAsync(It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AuditVerification(true, 7, null, null, 7));
    }

    private AuditFunctions Functions() => new(HttpTestKit.Handler(), auditLog.Object);

    [Fact]
    public async Task Query_Supervisor_PassesFiltersAndPaging()
    {
        var request = HttpTestKit.Request(path: "/api/audit", bearer: HttpTestKit.Token(Roles.Supervisor),
            query: "?actor=u-1&action=agreement.signed&target=agr-1&org=%E7%9C%81%E6%95%B0%E6%8D%AE%E5%B1%80&from=2025-10-01T00:00:00Z&to=2025-10-14T08:00:00%2B08:00&pageSize=10&continuationToken=abc");

        var response = await HttpTestKit.ExecuteAsync(await Functions().Query(request), request);

        Assert.Equal(200, response.Status);
        auditLog.Verify(log => log.QueryAsync(
            new AuditQuery("u-1", "agreement.signed", "agr-1", "省数据局",
                new DateTimeOffset(2025, 10, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 10, 14, 0, 0, 0, TimeSpan.Zero), 10, "abc"),
            It.IsAny<CancellationToken>()));
        Assert.Equal("next", response.Json.GetProperty("continuationToken").GetString());
        var item = response.Json.GetProperty("items")[0];
        Assert.Equal("2025-10-13T01:00:00Z", item.GetProperty("time").GetString());
        Assert.Equal("省数据局", item.GetProperty("organization").GetString());
    }

    [Theory]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?to=2025-10-13T08:00:00", "to")]
    public async Task Query_BadTime_Is400InvalidQuery(string query, string field)
    {
        var request = HttpTestKit.Request(path: "/api/audit", bearer: HttpTestKit.Token(Roles.Authority), query: query);

        var response = await HttpTestKit.ExecuteAsync(await Functions().Query(request), request);

        Assert.Equal(400, response.Status);
        Assert.Equal("request.invalid_query", response.Code);
        Assert.True(response.Json.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Query_FromAfterTo_Is400()
    {
        var request = HttpTestKit.Request(path: "/api/audit", bearer: HttpTestKit.Token(Roles.Authority), query: "?from=2025-10-14T00:00:00Z&to=2025-10-13T00:00:00Z");

        var response = await HttpTestKit.ExecuteAsync(await Functions().Query(request), request);

        Assert.Equal(400, response.Status);
    }

    [Fact]
    public async Task Query_BadPageSize_Is400InvalidPaging()
    {
        var request = HttpTestKit.Request(path: "/api/audit", bearer: HttpTestKit.Token(Roles.Supervisor), query: "?pageSize=500");

        var response = await HttpTestKit.ExecuteAsync(await Functions().Query(request), request);

        Assert.Equal("request.invalid_paging", response.Code);
    }

    [Theory]
    [InlineData(Roles.Operator)]
    [InlineData(Roles.Provider)]
    public async Task Query_OtherRoles_Are403(string role)
    {
        var request = HttpTestKit.Request(path: "/api/audit", bearer: HttpTestKit.Token(role));

        var response = await HttpTestKit.ExecuteAsync(await Functions().Query(request), request);

        Assert.Equal(403, response.Status);
        Assert.Equal("auth.forbidden_role", response.Code);
        auditLog.Verify(log => log.QueryAsync(It.IsAny<AuditQuery>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Verify_Authority_ReturnsVerification()
    {
        var request = HttpTestKit.Request(path: "/api/audit/verification", bearer: HttpTestKit.Token(Roles.Authority));

        var response = await HttpTestKit.ExecuteAsync(await Functions().Verify(request), request);

        Assert.Equal(200, response.Status);
        Assert.True(response.Json.GetProperty("valid").GetBoolean());
        Assert.Equal(7, response.Json.GetProperty("entriesChecked").GetInt64());
    }

    [Fact]
    public async Task Verify_Anonymous_Is401()
    {
        var request = HttpTestKit.Request(path: "/api/audit/verification");

        var response = await HttpTestKit.ExecuteAsync(await Functions().Verify(request), request);

        Assert.Equal(401, response.Status);
    }
}
