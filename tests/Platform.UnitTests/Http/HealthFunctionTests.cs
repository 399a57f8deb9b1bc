using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Platform.Functions.Health;
using Xunit;

namespace Platform.UnitTests.Http;

public sealed class HealthFunctionTests
{
    private readonly Mock<BlobServiceClient> blobs = new();
    private readonly Mock<QueueServiceClient> queues = new();
    private readonly Mock<TableServiceClient> tables = new();

    public HealthFunctionTests()
    {
        blobs.Setup(client => client.GetBlobContainersAsync(It.IsAny<BlobContainerTraits>(), It.IsAny<BlobContainerStates>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(AsyncPageable<BlobContainerItem>.FromPages([]));
        queues.Setup(client => client.GetQueuesAsync(It.IsAny<QueueTraits>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(AsyncPageable<QueueItem>.FromPages([]));
        tables.Setup(client => client.QueryAsync(It.IsAny<string>(), It.IsAny<int?>(), It.IsAny<CancellationToken>()))
            .Returns(AsyncPageable<TableItem>.FromPages([]));
    }

    private HealthFunction Function()
        => new(HttpTestKit.Handler(), new StorageHealthCheck(blobs.Object, queues.Object, tables.Object, NullLogger<StorageHealthCheck>.Instance));

    [Fact]
    public async Task Run_StorageAnswers_Is200Healthy()
    {
        var request = HttpTestKit.Request(path: "/api/health");

        var response = await HttpTestKit.ExecuteAsync(await Function().Run(request), request);

        Assert.Equal(200, response.Status);
        Assert.Equal("healthy", response.Json.GetProperty("status").GetString());
        foreach (var service in new[] { "blob", "queue", "table" })
        {
            Assert.Equal("healthy", response.Json.GetProperty("checks").GetProperty(service).GetString());
        }
    }

    [Fact]
    public async Task Run_QueueServiceFails_Is503StorageUnreachable()
    {
        queues.Setup(client => client.GetQueuesAsync(It.IsAny<QueueTraits>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Throws(new RequestFailedException("connection refused"));
        var request = HttpTestKit.Request(path: "/api/health");

        var response = await HttpTestKit.ExecuteAsync(await Function().Run(request), request);

        Assert.Equal(503, response.Status);
        Assert.Equal("health.storage_unreachable", response.Code);
        Assert.Contains("queue", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("connection refused", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ServiceHangs_ReportsTimedOutWithinTheTimeout()
    {
        tables.Setup(client => client.QueryAsync(It.IsAny<string>(), It.IsAny<int?>(), It.IsAny<CancellationToken>()))
            .Returns((string? _, int? _, CancellationToken token) => new HangingPageable<TableItem>(token));
        var check = new StorageHealthCheck(blobs.Object, queues.Object, tables.Object, NullLogger<StorageHealthCheck>.Instance);
        var started = DateTime.UtcNow;

        var result = await check.CheckAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None);

        Assert.Equal(StorageHealthCheck.TimedOut, result["table"]);
        Assert.Equal(StorageHealthCheck.Healthy, result["blob"]);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    private sealed class HangingPageable<T>(CancellationToken token) : AsyncPageable<T>
        where T : notnull
    {
        public override async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
        {
            await Task.Delay(Timeout.Infinite, token);
            yield break;
        }
    }
}
