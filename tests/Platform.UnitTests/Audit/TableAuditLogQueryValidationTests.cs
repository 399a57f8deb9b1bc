using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Moq;
using Platform.Adapters.Audit;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Time;
using Xunit;

namespace Platform.UnitTests.Audit;

/// <summary>Query input is rejected before any storage call, so these run without an emulator.</summary>
public sealed class TableAuditLogQueryValidationTests
{
    private static TableAuditLog CreateLog()
    {
        // Nothing listens at this address; any request reaching storage would fail the test with a RequestFailedException.
        var service = new TableServiceClient("DefaultEndpointsProtocol=http;AccountName=none;AccountKey=bm9uZQ==;TableEndpoint=http://127.0.0.1:1/none;");
        return new TableAuditLog(service, Options.Create(new AuditOptions()), Mock.Of<IClock>());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(201)]
    public async Task QueryAsync_PageSizeOutOfRange_ThrowsBadRequest(int pageSize)
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => CreateLog().QueryAsync(new AuditQuery(PageSize: pageSize)));

        Assert.Equal(FailureKind.BadRequest, error.Kind);
        Assert.Equal("audit.invalid_page_size", error.Code);
        Assert.True(error.Errors!.ContainsKey("pageSize"));
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("YWZ0ZXI6LTE")] // "after:-1"
    [InlineData("%%%")]
    public async Task QueryAsync_ForeignContinuationToken_ThrowsBadRequest(string token)
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => CreateLog().QueryAsync(new AuditQuery(ContinuationToken: token)));

        Assert.Equal("audit.invalid_continuation_token", error.Code);
    }

    [Fact]
    public async Task QueryAsync_FromAfterTo_ThrowsBadRequest()
    {
        var from = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

        var error = await Assert.ThrowsAsync<DomainException>(() => CreateLog().QueryAsync(new AuditQuery(From: from, To: from.AddDays(-1))));

        Assert.Equal("audit.invalid_time_range", error.Code);
    }

    [Theory]
    [InlineData("audit", 30, true)]
    [InlineData("AuditLog2026", 1, true)]
    [InlineData("1audit", 30, false)]
    [InlineData("au", 30, false)]
    [InlineData("audit-log", 30, false)]
    [InlineData("audit", 0, false)]
    public void AuditOptionsValidator_Settings_AcceptsOnlyValidOnes(string tableName, int attempts, bool valid)
    {
        var result = new AuditOptionsValidator().Validate(null, new AuditOptions { TableName = tableName, MaxAppendAttempts = attempts });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Audit:", result.FailureMessage);
        }
    }
}
