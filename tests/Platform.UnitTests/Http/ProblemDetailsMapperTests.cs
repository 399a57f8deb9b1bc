using Azure;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Domain.Errors;
using Platform.Functions.Http;
using Xunit;

namespace Platform.UnitTests.Http;

public sealed class ProblemDetailsMapperTests
{
    private readonly ProblemDetailsMapper mapper = new(NullLogger<ProblemDetailsMapper>.Instance);

    public static TheoryData<FailureKind, int> StatusByKind => new()
    {
        { FailureKind.BadRequest, 400 },
        { FailureKind.Unauthorized, 401 },
        { FailureKind.Forbidden, 403 },
        { FailureKind.NotFound, 404 },
        { FailureKind.Conflict, 409 },
        { FailureKind.Gone, 410 },
        { FailureKind.PreconditionFailed, 412 },
        { FailureKind.PayloadTooLarge, 413 },
        { FailureKind.UnsupportedMediaType, 415 },
        { FailureKind.Unprocessable, 422 },
        { FailureKind.Unavailable, 503 },
        { FailureKind.TooManyRequests, 429 },
    };

    [Fact]
    public void StatusByKind_CoversEveryFailureKind_NoKindLeftOut()
    {
        var covered = StatusByKind.Select(row => (FailureKind)row[0]).ToHashSet();

        Assert.Equal(Enum.GetValues<FailureKind>().ToHashSet(), covered);
    }

    [Theory]
    [MemberData(nameof(StatusByKind))]
    public async Task Map_DomainException_WritesProblemJsonWithStatusAndCode(FailureKind kind, int status)
    {
        var request = HttpTestKit.Request(path: "/api/agreements/agr-1");
        var errors = new Dictionary<string, string[]> { ["endsOn"] = ["Must be within 5 years of startsOn."] };

        var response = await HttpTestKit.ExecuteAsync(
            mapper.Map(new DomainException(kind, "agreement.term_exceeds_5_years", "合同期限不得超过五年", errors), request.HttpContext), request);

        Assert.Equal(status, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        var json = response.Json;
        Assert.Equal(status, json.GetProperty("status").GetInt32());
        Assert.Equal("agreement.term_exceeds_5_years", json.GetProperty("code").GetString());
        Assert.Equal("合同期限不得超过五年", json.GetProperty("detail").GetString());
        Assert.EndsWith("agreement.term_exceeds_5_years", json.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(json.GetProperty("traceId").GetString()));
        Assert.Equal("Must be within 5 years of startsOn.", json.GetProperty("errors").GetProperty("endsOn")[0].GetString());
    }

    [Fact]
    public async Task Map_Unauthorized_AddsBearerChallenge()
    {
        var request = HttpTestKit.Request();

        var response = await HttpTestKit.ExecuteAsync(
            mapper.Map(new DomainException(FailureKind.Unauthorized, "auth.missing_token", "no token"), request.HttpContext), request);

        Assert.Equal("Bearer", response.Headers.WWWAuthenticate.ToString());
    }

    [Fact]
    public async Task Map_UnexpectedException_Is500WithoutTheExceptionText()
    {
        var request = HttpTestKit.Request();
        Exception thrown;
        try
        {
            throw new InvalidOperationException("connection string AccountKey=secret leaked");
        }
        catch (Exception exception)
        {
            thrown = exception;
        }

        var response = await HttpTestKit.ExecuteAsync(mapper.Map(thrown, request.HttpContext), request);

        Assert.Equal(500, response.Status);
        Assert.Equal("internal_error", response.Code);
        Assert.DoesNotContain("secret", response.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("InvalidOperationException", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", response.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(412, "concurrency.etag_mismatch")]
    [InlineData(409, "concurrency.conflict")]
    public async Task Map_StorageConcurrencyFailure_MapsToStableCode(int storageStatus, string code)
    {
        var request = HttpTestKit.Request();

        var response = await HttpTestKit.ExecuteAsync(
            mapper.Map(new RequestFailedException(storageStatus, "storage said no"), request.HttpContext), request);

        Assert.Equal(storageStatus, response.Status);
        Assert.Equal(code, response.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Map_StorageBusyOrUnreachable_Is503StorageUnavailable(int storageStatus)
    {
        var request = HttpTestKit.Request();

        var response = await HttpTestKit.ExecuteAsync(
            mapper.Map(new RequestFailedException(storageStatus, "ServerBusy"), request.HttpContext), request);

        Assert.Equal(503, response.Status);
        Assert.Equal("storage.unavailable", response.Code);
        Assert.DoesNotContain("ServerBusy", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_StorageRejectsTheRequestItself_Is500()
    {
        var request = HttpTestKit.Request();

        var response = await HttpTestKit.ExecuteAsync(
            mapper.Map(new RequestFailedException(400, "InvalidInput"), request.HttpContext), request);

        Assert.Equal(500, response.Status);
        Assert.Equal("internal_error", response.Code);
    }

    [Fact]
    public async Task Map_ProblemWithoutFieldErrors_OmitsErrorsMember()
    {
        var request = HttpTestKit.Request();

        var response = await HttpTestKit.ExecuteAsync(
            mapper.Map(new DomainException(FailureKind.NotFound, "agreement.not_found", "No such agreement."), request.HttpContext), request);

        Assert.False(response.Json.TryGetProperty("errors", out _));
    }
}
