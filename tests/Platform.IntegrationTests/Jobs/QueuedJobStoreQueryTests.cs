using Azure.Data.Tables;
using Platform.Adapters.Resources;
using Platform.Adapters.Sandbox;
using Platform.Domain.Masking;
using Platform.Domain.Resources;
using Platform.Domain.Sandbox;
using Platform.IntegrationTests.Infrastructure;
using Xunit;
using Platform.Adapters.Masking;

namespace Platform.IntegrationTests.Jobs;

/// <summary>
/// The reconciler's queries on Azurite: queued jobs whose last sign of life is before a cutoff, read over every page.
/// The job tables are shared with other tests, so each test uses a cutoff of its own far in the past and looks only at
/// its own ids.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueuedJobStoreQueryTests(AzuriteFixture azurite)
{
    private readonly TableServiceClient _tables = new(azurite.StorageConnectionString);

    private static DateTimeOffset OwnCutoff() => new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(0, 5_000_000));

    private static MaskingJob Masking(DateTimeOffset createdAt, MaskingJobStatus status = MaskingJobStatus.Queued) => new(
        $"msk-{Guid.NewGuid():N}", "res-1", "org-provider", MaskingJobOrigin.Request, MaskingPurpose.Sample, SamplingPlan.Rows(3), 7, null,
        DataFormat.Csv, new string('a', 64), status, createdAt, "user-1", "provider", "org-provider");

    private static SandboxJob Sandbox(DateTimeOffset submittedAt, SandboxJobStatus status = SandboxJobStatus.Queued) => new(
        $"sbx-{Guid.NewGuid():N}", "grt-1", "org-operator", "staff-1", SandboxMode.Sample, "SELECT 1 AS n", status, submittedAt);

    [Fact]
    public async Task MaskingJobs_QueuedSentBefore_OnlyStaleQueuedOnesOverEveryPage()
    {
        var store = new TableMaskingJobStore(_tables) { QueryPageSize = 2 };
        var cutoff = OwnCutoff();
        var stale = Enumerable.Range(1, 5).Select(i => Masking(cutoff.AddMinutes(-i))).ToList();
        var fresh = new[]
        {
            Masking(cutoff), // created at the cutoff itself: not before it
            Masking(cutoff.AddMinutes(-30)) with { RequeueCount = 1, RequeuedAt = cutoff.AddSeconds(1) },
            Masking(cutoff.AddMinutes(-30)) with { StartedAt = cutoff.AddSeconds(1), Attempts = 1 }, // handed back after a failed attempt
            Masking(cutoff.AddMinutes(-30), MaskingJobStatus.Running),
            Masking(cutoff.AddMinutes(-30), MaskingJobStatus.Failed),
        };
        foreach (var job in stale.Concat(fresh))
        {
            await store.AddAsync(job);
        }

        var found = await store.ListQueuedSentBeforeAsync(cutoff);

        var ids = found.Select(j => j.Value.Id).ToHashSet();
        Assert.Subset(ids, stale.Select(j => j.Id).ToHashSet());
        Assert.DoesNotContain(fresh, j => ids.Contains(j.Id));
        Assert.All(found, j => Assert.Equal(MaskingJobStatus.Queued, j.Value.Status));
        Assert.All(found, j => Assert.False(string.IsNullOrEmpty(j.ETag)));
    }

    [Fact]
    public async Task MaskingJobs_Requeued_LeaveTheQueryUntilTheirNewTimeIsPast()
    {
        var store = new TableMaskingJobStore(_tables);
        var cutoff = OwnCutoff();
        var job = Masking(cutoff.AddMinutes(-10));
        var etag = await store.AddAsync(job);
        var listed = Assert.Single(await store.ListQueuedSentBeforeAsync(cutoff), j => j.Value.Id == job.Id);

        await store.ReplaceAsync(listed.Value with { RequeueCount = 1, RequeuedAt = cutoff.AddMinutes(1) }, etag);

        Assert.DoesNotContain(await store.ListQueuedSentBeforeAsync(cutoff), j => j.Value.Id == job.Id);
        var later = Assert.Single(await store.ListQueuedSentBeforeAsync(cutoff.AddMinutes(2)), j => j.Value.Id == job.Id);
        Assert.Equal(1, later.Value.RequeueCount);
    }

    [Fact]
    public async Task SandboxJobs_QueuedSentBefore_OnlyStaleQueuedOnesOverEveryPage()
    {
        var store = new TableSandboxJobStore(_tables) { QueryPageSize = 2 };
        var cutoff = OwnCutoff();
        var stale = Enumerable.Range(1, 3).Select(i => Sandbox(cutoff.AddMinutes(-i))).ToList();
        var fresh = new[]
        {
            Sandbox(cutoff.AddSeconds(1)),
            Sandbox(cutoff.AddMinutes(-30)) with { RequeueCount = 2, RequeuedAt = cutoff.AddSeconds(1) },
            Sandbox(cutoff.AddMinutes(-30), SandboxJobStatus.Running),
            Sandbox(cutoff.AddMinutes(-30), SandboxJobStatus.Cancelled),
        };
        foreach (var job in stale.Concat(fresh))
        {
            await store.AddAsync(job);
        }

        var found = await store.ListQueuedSentBeforeAsync(cutoff);

        var ids = found.Select(j => j.Value.Id).ToHashSet();
        Assert.Subset(ids, stale.Select(j => j.Id).ToHashSet());
        Assert.DoesNotContain(fresh, j => ids.Contains(j.Id));
        Assert.All(found, j => Assert.Equal(SandboxJobStatus.Queued, j.Value.Status));
    }
}
