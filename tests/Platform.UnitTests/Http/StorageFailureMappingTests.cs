using System.Net.Sockets;
using Azure;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Functions.Health;
using Platform.Functions.Http;
using Xunit;

namespace Platform.UnitTests.Http;

/// <summary>Issue 20 item 9: every way the storage client gives up when storage is out of reach is 503 storage.unavailable with Retry-After.</summary>
public sealed class StorageFailureMappingTests
{
    private readonly ProblemDetailsMapper mapper = new(NullLogger<ProblemDetailsMapper>.Instance);

    public static TheoryData<string> Outages() => ["aggregate", "status0", "http", "socket", "timeout", "cancelled", "nested"];

    private static Exception Outage(string kind) => kind switch
    {
        "aggregate" => new AggregateException("Retry failed after 4 tries.",
            new RequestFailedException("Connection refused (127.0.0.1:10002)", new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused))),
            new HttpRequestException("Connection refused")),
        "status0" => new RequestFailedException(0, "Connection refused"),
        "http" => new HttpRequestException("Connection refused"),
        "socket" => new SocketException((int)SocketError.ConnectionRefused),
        "timeout" => new TimeoutException("The operation timed out."),
        "cancelled" => new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:00:10.", new TimeoutException()),
        "nested" => new AggregateException(new AggregateException(new SocketException((int)SocketError.TimedOut)), new TaskCanceledException()),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Outages))]
    public async Task Map_StorageOutOfReach_Is503StorageUnavailableWithRetryAfter(string kind)
    {
        var request = HttpTestKit.Request();

        var response = await HttpTestKit.ExecuteAsync(mapper.Map(Outage(kind), request.HttpContext), request);

        Assert.Equal((503, "storage.unavailable"), (response.Status, response.Code));
        Assert.Equal("5", response.Headers.RetryAfter.ToString());
        Assert.DoesNotContain("refused", response.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Map_AggregateWithAProgrammingError_StaysA500()
    {
        var request = HttpTestKit.Request();

        var response = await HttpTestKit.ExecuteAsync(mapper.Map(new AggregateException(new HttpRequestException("x"), new InvalidOperationException("bug")), request.HttpContext), request);

        Assert.Equal(500, response.Status);
    }

    [Fact]
    public void StorageClientOptions_DefaultsAndLimits_AreBoundedAndValidated()
    {
        var defaults = new StorageClientOptions();
        Assert.True(new StorageClientOptionsValidator().Validate(null, defaults).Succeeded);
        Assert.True(defaults.WorstCase < TimeSpan.FromSeconds(100), defaults.WorstCase.ToString());

        var tooLong = new StorageClientOptions { MaxRetries = 10, NetworkTimeout = TimeSpan.FromMinutes(1) };
        var failed = new StorageClientOptionsValidator().Validate(null, tooLong);
        Assert.True(failed.Failed);
        Assert.Contains("StorageClient", failed.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:10002/devstoreaccount1/audit(PartitionKey='chain',RowKey='head')", "audit")]
    [InlineData("http://127.0.0.1:10002/devstoreaccount1/organizations()?$filter=x", "organizations")]
    [InlineData("https://acct.table.core.windows.net/grants", "grants")]
    [InlineData("http://127.0.0.1:10002/devstoreaccount1/Tables", null)]
    [InlineData("http://127.0.0.1:10002/devstoreaccount1/$batch", null)]
    public void TableNameOf_RequestUri_NamesTheTableAddressed(string uri, string? expected)
        => Assert.Equal(expected, Platform.Adapters.Storage.MissingTables.TableNameOf(new Uri(uri)));
}
