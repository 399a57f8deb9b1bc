using System.Net;
using System.Net.Http.Json;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Platform.Adapters.Resources;
using Platform.Domain.Organizations;
using Platform.Domain.Resources;
using Platform.Domain.Security;
using Platform.IntegrationTests.Infrastructure;
using Xunit;
using Platform.Domain.Masking;
using Platform.Adapters.Masking;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// "Nothing is lost" on the local host: a masking job recorded as queued whose message was never sent is found by the
/// reconciler timer and completes; duplicate messages for one job run it once. The lost job is written straight
/// through the store, as if the process had died between the record and the message.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class JobReconciliationEndToEndTests(PlatformHostFixture platform) : IDisposable
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(120);
    private readonly HttpClient _authority = platform.Client(Roles.Authority, "org-authority");
    private readonly TableMaskingJobStore _jobs = new(new TableServiceClient(platform.StorageConnectionString));

    public void Dispose() => _authority.Dispose();

    /// <summary>A finished masking job over real uploaded data, copied as a new job that is queued and never started.</summary>
    private async Task<MaskingJob> NeverSentJobAsync()
    {
        var providerId = await ResourceScenario.CreateProviderAsync(_authority);
        using var provider = platform.Client(Roles.Provider, providerId);
        var resourceId = (await ResourceScenario.RegisterAsync(provider, "居民服务登记")).GetProperty("id").GetString()!;
        var uploaded = await ResourceScenario.UploadAsync(provider, resourceId, Encoding.UTF8.GetBytes(ResourceScenario.NewPeopleFile(6).Csv), "text/csv; charset=utf-8");
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        var created = await provider.PostAsJsonAsync("/api/masking/jobs", new { resourceId, purpose = "sample", sampling = new { rows = 3 }, seed = 5 });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var template = await ResourceScenario.WaitForJobAsync(provider, created.Headers.Location!.ToString());
        Assert.Equal("succeeded", template.GetProperty("status").GetString());
        var finished = (await _jobs.GetAsync(template.GetProperty("id").GetString()!))!.Value;

        var lost = finished with
        {
            Id = $"msk-{Guid.NewGuid():N}",
            Status = MaskingJobStatus.Queued,
            CreatedAt = DateTimeOffset.UtcNow,
            Attempts = 0,
            RowsProcessed = 0,
            ProgressAt = null,
            StartedAt = null,
            CompletedAt = null,
            Summary = null,
            Failure = null,
            LastError = null,
            RequeueCount = 0,
            RequeuedAt = null,
        };
        await _jobs.AddAsync(lost);
        return lost;
    }

    private async Task<MaskingJob> WaitForFinishAsync(string jobId)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        while (true)
        {
            var job = (await _jobs.GetAsync(jobId))!.Value;
            if (job.IsFinished || DateTime.UtcNow > deadline)
            {
                return job;
            }

            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task ReconcilerTimer_QueuedJobWhoseMessageWasNeverSent_IsRequeuedAndCompletes()
    {
        var lost = await NeverSentJobAsync();

        // A host of its own whose reconciler fires every 2 seconds and requeues after 3. It never gives up here, so other
        // tests' jobs that it may also see are only sent again (harmless), never failed.
        var settings = new HostSettings(storageConnectionString: platform.StorageConnectionString);
        settings["Audit__TableName"] = $"audit{Guid.NewGuid():N}"[..20];
        settings["Jobs__ReconcileSchedule"] = "*/2 * * * * *";
        settings["Jobs__RequeueAfter"] = "00:00:03";
        settings["Jobs__MaxRequeues"] = "100";
        await using var timerHost = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);

        var job = await WaitForFinishAsync(lost.Id);

        Assert.True(job.Status == MaskingJobStatus.Succeeded, $"job is {job.Status}: {job.Failure?.Reason ?? job.LastError}\n{timerHost.Output}");
        Assert.Equal(1, job.Attempts);
        Assert.Equal(3L, job.Summary!.RowsOut);
        // Read from the timer host's own log: the record's requeueCount may be rewritten by any worker sharing the queue.
        Assert.Contains($"Queued masking job {lost.Id} never started; its message was sent again (requeue 1)", timerHost.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuplicateMessages_ForOneQueuedJob_RunItOnce()
    {
        var lost = await NeverSentJobAsync();
        // Base64, as the host's own client and the queue trigger expect.
        var queue = new QueueMaskingJobQueue(new QueueServiceClient(platform.StorageConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => queue.EnqueueAsync(lost.Id)));

        var job = await WaitForFinishAsync(lost.Id);
        Assert.True(job.Status == MaskingJobStatus.Succeeded,
            $"job is {job.Status} after {job.Attempts} attempt(s): {job.LastError}\n{string.Join('\n', platform.Host.Output.Split('\n').Where(l => l.Contains(lost.Id, StringComparison.Ordinal)))}");
        // Let every duplicate be delivered and dropped; none may claim the job again.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await ResourceScenario.PeekAsync(platform.StorageConnectionString, QueueMaskingJobQueue.QueueName)).Any(m => m.Contains(lost.Id, StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        await Task.Delay(1000);
        var settled = (await _jobs.GetAsync(lost.Id))!.Value;
        Assert.True((settled.Status, settled.Attempts) == (MaskingJobStatus.Succeeded, 1),
            $"job is {settled.Status} after {settled.Attempts} attempt(s); this host logged:\n{string.Join('\n', platform.Host.Output.Split('\n').Where(l => l.Contains(lost.Id, StringComparison.Ordinal)))}");
        Assert.Equal(job.CompletedAt, settled.CompletedAt);
    }
}
