using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;

namespace Platform.Functions.Health;

/// <summary>Asks each storage service for one page of its listing: the cheapest call that proves it answers and we may use it.</summary>
public sealed class StorageHealthCheck(
    BlobServiceClient blobs,
    QueueServiceClient queues,
    TableServiceClient tables,
    ILogger<StorageHealthCheck> logger)
{
    public const string Healthy = "healthy";
    public const string Unreachable = "unreachable";
    public const string TimedOut = "timed out";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    public async Task<IReadOnlyDictionary<string, string>> CheckAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var token = deadline.Token;

        var checks = await Task.WhenAll(
            ProbeAsync("blob", async () =>
            {
                await foreach (var _ in blobs.GetBlobContainersAsync(cancellationToken: token).AsPages(pageSizeHint: 1).WithCancellation(token))
                {
                    break;
                }
            }, cancellationToken),
            ProbeAsync("queue", async () =>
            {
                await foreach (var _ in queues.GetQueuesAsync(cancellationToken: token).AsPages(pageSizeHint: 1).WithCancellation(token))
                {
                    break;
                }
            }, cancellationToken),
            ProbeAsync("table", async () =>
            {
                await foreach (var _ in tables.QueryAsync(filter: (string?)null, maxPerPage: 1, cancellationToken: token).AsPages(pageSizeHint: 1).WithCancellation(token))
                {
                    break;
                }
            }, cancellationToken));

        return checks.ToDictionary(check => check.Service, check => check.Status);
    }

    private async Task<(string Service, string Status)> ProbeAsync(string service, Func<Task> probe, CancellationToken requestAborted)
    {
        try
        {
            await probe();
            return (service, Healthy);
        }
        catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested)
        {
            logger.LogWarning("Storage {Service} did not answer within the health-check timeout.", service);
            return (service, TimedOut);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Storage {Service} health probe failed.", service);
            return (service, Unreachable);
        }
    }
}
