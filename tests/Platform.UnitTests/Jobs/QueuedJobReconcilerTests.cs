using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Domain.Jobs;
using Platform.Domain.Masking;
using Platform.Domain.Resources;
using Platform.Domain.Sandbox;
using Platform.Functions.Jobs;
using Platform.UnitTests.Resources;
using Platform.UnitTests.Sandbox;
using Xunit;

namespace Platform.UnitTests.Jobs;

public sealed class QueuedJobRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 6, 0, 0, TimeSpan.Zero);
    private static readonly JobReconciliationOptions Options = new() { RequeueAfter = TimeSpan.FromMinutes(5), MaxRequeues = 3 };

    [Theory]
    [InlineData(0, 0, QueuedJobAction.Wait)]
    [InlineData(299, 0, QueuedJobAction.Wait)]
    [InlineData(300, 0, QueuedJobAction.Requeue)]
    [InlineData(3600, 2, QueuedJobAction.Requeue)]
    [InlineData(300, 3, QueuedJobAction.GiveUp)]
    [InlineData(299, 3, QueuedJobAction.Wait)]
    [InlineData(3600, 7, QueuedJobAction.GiveUp)]
    public void Decide_AgeAndRequeues_WaitRequeueOrGiveUp(int secondsSinceLastActivity, int requeueCount, QueuedJobAction expected)
        => Assert.Equal(expected, QueuedJobRule.Decide(Now.AddSeconds(-secondsSinceLastActivity), requeueCount, Now, Options));

    [Fact]
    public void Decide_MaxRequeuesZero_GivesUpAtTheFirstLook()
        => Assert.Equal(QueuedJobAction.GiveUp, QueuedJobRule.Decide(Now.AddHours(-1), 0, Now, new JobReconciliationOptions { MaxRequeues = 0 }));

    [Fact]
    public void LastActivityAt_RequeuedOrStartedLater_TheLatestCounts()
    {
        Assert.Equal(Now, QueuedJobRule.LastActivityAt(Now, null, null));
        Assert.Equal(Now.AddMinutes(3), QueuedJobRule.LastActivityAt(Now, Now.AddMinutes(3), Now.AddMinutes(1)));
        Assert.Equal(Now.AddMinutes(4), QueuedJobRule.LastActivityAt(Now, Now.AddMinutes(3), Now.AddMinutes(4)));
    }

    [Fact]
    public void Cutoff_IsNowMinusRequeueAfter()
        => Assert.Equal(Now.AddMinutes(-5), QueuedJobRule.Cutoff(Now, Options));

    [Fact]
    public void Validate_Defaults_NoProblems()
    {
        var defaults = new JobReconciliationOptions();
        Assert.Empty(defaults.Validate());
        Assert.Equal(("*/20 * * * * *", TimeSpan.FromMinutes(5), 3), (defaults.ReconcileSchedule, defaults.RequeueAfter, defaults.MaxRequeues));
        Assert.Equal((TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60)), (defaults.HeartbeatInterval, defaults.HeartbeatTimeout));
    }

    [Theory]
    [InlineData("00:00:00", 3, "0 */5 * * * *", "Jobs:RequeueAfter")]
    [InlineData("-00:01:00", 3, "0 */5 * * * *", "Jobs:RequeueAfter")]
    [InlineData("00:05:00", -1, "0 */5 * * * *", "Jobs:MaxRequeues")]
    [InlineData("00:05:00", 3, "*/5 * * * *", "Jobs:ReconcileSchedule")]
    public void Validate_BadSetting_MessageNamesTheSetting(string requeueAfter, int maxRequeues, string schedule, string setting)
    {
        var options = new JobReconciliationOptions
        {
            RequeueAfter = TimeSpan.Parse(requeueAfter, System.Globalization.CultureInfo.InvariantCulture),
            MaxRequeues = maxRequeues,
            ReconcileSchedule = schedule,
        };

        Assert.Contains(options.Validate(), problem => problem.StartsWith(setting, StringComparison.Ordinal));
    }
}

public sealed class QueuedJobReconcilerTests
{
    private static readonly JobReconciliationOptions Options = new() { RequeueAfter = TimeSpan.FromMinutes(5), MaxRequeues = 2 };

    private readonly ResourceTestWorld _masking = new();
    private readonly SandboxJobTestWorld _sandbox = new();

    private readonly InMemoryJobHeartbeatStore _beats = new();

    private QueuedJobReconciler Reconciler(Platform.Domain.Time.IClock clock, IMaskingJobStore? maskingJobs = null) => new(
        [
            new MaskingReconciledJobs(maskingJobs ?? _masking.JobStore, _masking.Queue, _masking.Audit, maskingJobs is null ? _masking.Service : null),
            new SandboxReconciledJobs(_sandbox.Jobs, _sandbox.Queue, _masking.Audit),
        ],
        _beats, _masking.Audit, clock, Options, NullLogger<QueuedJobReconciler>.Instance);

    private async Task CreateMaskingJobAsync(bool submission = false)
    {
        await _masking.RegisterAsync();
        await _masking.UploadAsync("res-1", "区县\n江岸区\n武昌区\n");
        if (submission)
        {
            await _masking.Service.SubmitAsync("res-1", "msk-1", null, ResourceTestWorld.Provider());
        }
        else
        {
            await _masking.Jobs.CreateAsync("msk-1", new NewMaskingJob("res-1", MaskingPurpose.Sample, null, null, 1, null, null), ResourceTestWorld.Provider());
        }

        _masking.Queue.Sent.Clear();
    }

    [Fact]
    public async Task RunAsync_MaskingJobQueuedTooLong_MessageSentAgainOnceAndRecorded()
    {
        await CreateMaskingJobAsync();
        _masking.Clock.UtcNow += TimeSpan.FromMinutes(6);

        var summary = await Reconciler(_masking.Clock).RunAsync(CancellationToken.None);

        Assert.Equal(new ReconciliationSummary(1, 0, 0, 0), summary);
        Assert.Equal(["msk-1"], _masking.Queue.Sent);
        var job = (await _masking.JobStore.GetAsync("msk-1"))!.Value;
        Assert.Equal((MaskingJobStatus.Queued, 1, _masking.Clock.UtcNow), (job.Status, job.RequeueCount, job.RequeuedAt!.Value));
        Assert.Contains(_masking.Audit.Records, r => r.Action == "masking_job.requeued");
    }

    [Fact]
    public async Task RunAsync_MaskingJobQueuedBrieflyOrRunningWithAFreshHeartbeat_LeftAlone()
    {
        await CreateMaskingJobAsync();
        _masking.Clock.UtcNow += TimeSpan.FromMinutes(4);
        Assert.Equal(0, (await Reconciler(_masking.Clock).RunAsync(CancellationToken.None)).Requeued);

        var queued = (await _masking.JobStore.GetAsync("msk-1"))!;
        await _masking.JobStore.ReplaceAsync(queued.Value with { Status = MaskingJobStatus.Running, StartedAt = queued.Value.CreatedAt }, queued.ETag);
        _masking.Clock.UtcNow += TimeSpan.FromHours(1);
        // Started an hour ago and still beating: a live run (since issue 20 item 8 a running job without a fresh beat is handed back).
        await _beats.BeatAsync("masking", "msk-1", _masking.Clock.UtcNow.AddSeconds(-20));
        Assert.Equal(0, (await Reconciler(_masking.Clock).RunAsync(CancellationToken.None)).Requeued);

        Assert.Empty(_masking.Queue.Sent);
    }

    [Fact]
    public async Task RunAsync_RequeuedJobRunAgainRightAway_WaitsAnotherRequeueAfter()
    {
        await CreateMaskingJobAsync();
        _masking.Clock.UtcNow += TimeSpan.FromMinutes(6);
        await Reconciler(_masking.Clock).RunAsync(CancellationToken.None);

        _masking.Clock.UtcNow += TimeSpan.FromMinutes(1);
        var second = await Reconciler(_masking.Clock).RunAsync(CancellationToken.None);

        Assert.Equal(new ReconciliationSummary(0, 0, 0, 0), second);
        Assert.Single(_masking.Queue.Sent);
    }

    [Fact]
    public async Task RunAsync_MaskingJobNeverStartsAfterMaxRequeues_MarkedFailedAndTheResourceToldSo()
    {
        await CreateMaskingJobAsync(submission: true);
        for (var run = 0; run < Options.MaxRequeues; run++)
        {
            _masking.Clock.UtcNow += TimeSpan.FromMinutes(6);
            Assert.Equal(1, (await Reconciler(_masking.Clock).RunAsync(CancellationToken.None)).Requeued);
        }

        _masking.Clock.UtcNow += TimeSpan.FromMinutes(6);
        var last = await Reconciler(_masking.Clock).RunAsync(CancellationToken.None);

        Assert.Equal(new ReconciliationSummary(0, 1, 0, 0), last);
        Assert.Equal(Options.MaxRequeues, _masking.Queue.Sent.Count);
        var job = (await _masking.JobStore.GetAsync("msk-1"))!.Value;
        Assert.Equal((MaskingJobStatus.Failed, QueuedJobRule.NeverStartedCode), (job.Status, job.Failure!.Code));
        Assert.Contains("no worker ever started it", job.Failure.Reason, StringComparison.Ordinal);
        var resource = (await _masking.Resources.GetAsync("res-1"))!.Value;
        Assert.Equal(SampleStatus.Failed, resource.Sample!.Status);
        Assert.Equal(0, (await Reconciler(_masking.Clock).RunAsync(CancellationToken.None)).GaveUp);
    }

    [Fact]
    public async Task RunAsync_SandboxJobQueuedTooLong_RequeuedThenFailedAtTheCapAndAudited()
    {
        await _sandbox.SubmitAsync("sbx-1", "SELECT count(*) AS n FROM t_people");
        _sandbox.Queue.Sent.Clear();
        for (var run = 0; run < Options.MaxRequeues; run++)
        {
            _sandbox.Clock.UtcNow += TimeSpan.FromMinutes(6);
            Assert.Equal(1, (await Reconciler(_sandbox.Clock).RunAsync(CancellationToken.None)).Requeued);
        }

        Assert.Equal(["sbx-1", "sbx-1"], _sandbox.Queue.Sent);
        Assert.Equal(2, _sandbox.Jobs.Job("sbx-1").RequeueCount);
        _sandbox.Clock.UtcNow += TimeSpan.FromMinutes(6);
        Assert.Equal(1, (await Reconciler(_sandbox.Clock).RunAsync(CancellationToken.None)).GaveUp);

        var job = _sandbox.Jobs.Job("sbx-1");
        Assert.Equal((SandboxJobStatus.Failed, QueuedJobRule.NeverStartedCode, true), (job.Status, job.Code, job.OutcomeAudited));
        Assert.Contains(_masking.Audit.Records, r => r.Action == "sandbox.job_finished" && r.Target == "sandbox/jobs/sbx-1");
    }

    [Fact]
    public async Task RunAsync_RunningMaskingJobWhoseHeartbeatStopped_HandedBackOnceSentAgainAndAudited()
    {
        await CreateMaskingJobAsync();
        var queued = (await _masking.JobStore.GetAsync("msk-1"))!;
        await _masking.JobStore.ReplaceAsync(queued.Value with { Status = MaskingJobStatus.Running, StartedAt = _masking.Clock.UtcNow, Attempts = 1 }, queued.ETag);
        await _beats.BeatAsync("masking", "msk-1", _masking.Clock.UtcNow.AddSeconds(30));
        _masking.Clock.UtcNow += TimeSpan.FromSeconds(91);

        var summary = await Reconciler(_masking.Clock).RunAsync(CancellationToken.None);
        var again = await Reconciler(_masking.Clock).RunAsync(CancellationToken.None);

        Assert.Equal(new ReconciliationSummary(0, 0, 0, 0, HandedBack: 1), summary);
        Assert.Equal(new ReconciliationSummary(0, 0, 0, 0), again);
        Assert.Equal(["msk-1"], _masking.Queue.Sent);
        var job = (await _masking.JobStore.GetAsync("msk-1"))!.Value;
        Assert.Equal((MaskingJobStatus.Queued, 1, _masking.Clock.UtcNow), (job.Status, job.RequeueCount, job.RequeuedAt!.Value));
        Assert.Single(_masking.Audit.Records, r => r.Action == "masking_job.requeued" && r.Target == "masking/jobs/msk-1");
    }

    [Fact]
    public async Task RunAsync_RunningMaskingJobWithoutABeatYet_LeftAloneWhileItsStartIsRecent()
    {
        await CreateMaskingJobAsync();
        var queued = (await _masking.JobStore.GetAsync("msk-1"))!;
        await _masking.JobStore.ReplaceAsync(queued.Value with { Status = MaskingJobStatus.Running, StartedAt = _masking.Clock.UtcNow + TimeSpan.FromMinutes(10) }, queued.ETag);
        _masking.Clock.UtcNow += TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(20);

        var summary = await Reconciler(_masking.Clock).RunAsync(CancellationToken.None);

        Assert.Equal(new ReconciliationSummary(0, 0, 0, 0), summary);
        Assert.Empty(_masking.Queue.Sent);
        Assert.Equal(MaskingJobStatus.Running, (await _masking.JobStore.GetAsync("msk-1"))!.Value.Status);
    }

    [Fact]
    public async Task RunAsync_LegacyRunningSandboxJobWithoutHeartbeat_HandedBackThenFailedAtTheCapWithOneOutcomeAudit()
    {
        await _sandbox.SubmitAsync("sbx-1", "SELECT count(*) AS n FROM t_people");
        _sandbox.Queue.Sent.Clear();
        var queued = (await _sandbox.Jobs.GetAsync("sbx-1"))!;
        // Written before heartbeats existed: running, no beat, only its start.
        await _sandbox.Jobs.ReplaceAsync(queued.Value with { Status = SandboxJobStatus.Running, StartedAt = _sandbox.Clock.UtcNow, Attempts = 1 }, queued.ETag);
        for (var run = 0; run < Options.MaxRequeues; run++)
        {
            _sandbox.Clock.UtcNow += TimeSpan.FromMinutes(2);
            Assert.Equal(1, (await Reconciler(_sandbox.Clock).RunAsync(CancellationToken.None)).HandedBack);
            var handedBack = (await _sandbox.Jobs.GetAsync("sbx-1"))!;
            Assert.Equal(SandboxJobStatus.Queued, handedBack.Value.Status);
            // The redelivery claims it again and its worker dies again.
            await _sandbox.Jobs.ReplaceAsync(handedBack.Value with { Status = SandboxJobStatus.Running, StartedAt = _sandbox.Clock.UtcNow }, handedBack.ETag);
        }

        _sandbox.Clock.UtcNow += TimeSpan.FromMinutes(2);
        Assert.Equal(1, (await Reconciler(_sandbox.Clock).RunAsync(CancellationToken.None)).GaveUp);

        Assert.Equal(["sbx-1", "sbx-1"], _sandbox.Queue.Sent);
        var job = _sandbox.Jobs.Job("sbx-1");
        Assert.Equal((SandboxJobStatus.Failed, RunningJobRule.WorkerLostCode, true), (job.Status, job.Code, job.OutcomeAudited));
        Assert.Single(_masking.Audit.Records, r => r.Action == "sandbox.job_finished" && r.Target == "sandbox/jobs/sbx-1");
        Assert.Equal(2, _masking.Audit.Records.Count(r => r.Action == "sandbox.job_requeued"));
    }

    [Fact]
    public async Task RunAsync_WorkerClaimsTheJobWhileItIsBeingRequeued_NothingSent()
    {
        await CreateMaskingJobAsync();
        _masking.Clock.UtcNow += TimeSpan.FromMinutes(6);
        var stale = (await _masking.JobStore.ListQueuedSentBeforeAsync(_masking.Clock.UtcNow))[0];
        await _masking.JobStore.ReplaceAsync(stale.Value with { Status = MaskingJobStatus.Running }, stale.ETag);
        var racing = new StaleListingMaskingJobStore(_masking.JobStore, stale);
        var reconciler = Reconciler(_masking.Clock, racing);

        var summary = await reconciler.RunAsync(CancellationToken.None);

        Assert.Equal(new ReconciliationSummary(0, 0, 1, 0), summary);
        Assert.Empty(_masking.Queue.Sent);
        Assert.Equal(MaskingJobStatus.Running, (await _masking.JobStore.GetAsync("msk-1"))!.Value.Status);
    }

    /// <summary>Lists a record as it was before a worker claimed it, as a query racing the claim would.</summary>
    private sealed class StaleListingMaskingJobStore(InMemoryMaskingJobStore inner, Versioned<MaskingJob> listed) : IMaskingJobStore
    {
        public Task<string> AddAsync(MaskingJob job, CancellationToken cancellationToken = default) => inner.AddAsync(job, cancellationToken);

        public Task<Versioned<MaskingJob>?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

        public Task<string> ReplaceAsync(MaskingJob job, string ifMatch, CancellationToken cancellationToken = default) => inner.ReplaceAsync(job, ifMatch, cancellationToken);

        public Task<IReadOnlyList<Versioned<MaskingJob>>> ListQueuedSentBeforeAsync(DateTimeOffset sentBeforeUtc, CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<Versioned<MaskingJob>>>([listed]);

        public Task<IReadOnlyList<Versioned<MaskingJob>>> ListRunningAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<Versioned<MaskingJob>>>([]);
    }
}
