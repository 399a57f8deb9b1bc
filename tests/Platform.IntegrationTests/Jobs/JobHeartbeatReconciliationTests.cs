using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Platform.Adapters.Jobs;
using Platform.Adapters.Sandbox;
using Platform.Domain.Audit;
using Platform.Domain.Jobs;
using Platform.Domain.Organizations;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.Jobs;

/// <summary>
/// Issue 20 item 8 on Azurite: the reconciler hands a running job whose heartbeat stopped back to the queue once, leaves
/// a job with a fresh heartbeat alone, and a duplicate message after the hand-back does not run the job twice. The job
/// tables are shared with other tests, so the reconciler here sees only this test's own jobs.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class JobHeartbeatReconciliationTests(AzuriteFixture azurite)
{
    private static readonly JobReconciliationOptions Options = new();
    private readonly TableServiceClient _tables = new(azurite.StorageConnectionString);
    private readonly List<string> _sent = [];
    private readonly List<string> _audited = [];
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    private TableSandboxJobStore Store => new(_tables);

    private TableJobHeartbeatStore Beats => new(_tables);

    private IClock Clock => Mock.Of<IClock>(c => c.UtcNow == _now);

    private static SandboxJob Running(DateTimeOffset startedAt) => new(
        $"sbx-{Guid.NewGuid():N}", "grt-1", "org-operator", "staff-1", SandboxMode.Sample, "SELECT 1 AS n", SandboxJobStatus.Running,
        startedAt.AddSeconds(-5), startedAt, Attempts: 1);

    private QueuedJobReconciler Reconciler(params string[] ownIds)
    {
        var queue = new Mock<ISandboxJobQueue>();
        queue.Setup(q => q.EnqueueAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).Callback<string, CancellationToken>((id, _) => _sent.Add(id)).Returns(Task.CompletedTask);
        var audit = new Mock<IAuditTrail>();
        audit.Setup(a => a.RecordAsync(It.IsAny<Caller>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()))
            .Callback<Caller, string, string, object?, CancellationToken>((_, action, target, _, _) => _audited.Add($"{action} {target}"))
            .ReturnsAsync((AuditEntry)null!);
        return new QueuedJobReconciler([new SandboxReconciledJobs(new OwnJobsOnly(Store, ownIds), queue.Object, audit.Object)], Beats, audit.Object, Clock, Options,
            NullLogger<QueuedJobReconciler>.Instance);
    }

    [Fact]
    public async Task Reconciler_RunningJobWithAnOldHeartbeat_HandedBackAndRequeuedOnce()
    {
        var job = Running(_now.AddMinutes(-5));
        await Store.AddAsync(job);
        await Beats.BeatAsync("sandbox", job.Id, _now.AddMinutes(-2));

        var first = await Reconciler(job.Id).RunAsync(CancellationToken.None);
        var second = await Reconciler(job.Id).RunAsync(CancellationToken.None);

        Assert.Equal(new ReconciliationSummary(0, 0, 0, 0, HandedBack: 1), first);
        Assert.Equal(new ReconciliationSummary(0, 0, 0, 0), second);
        Assert.Equal([job.Id], _sent);
        Assert.Equal([$"sandbox.job_requeued sandbox/jobs/{job.Id}"], _audited);
        var stored = (await Store.GetAsync(job.Id))!.Value;
        Assert.Equal((SandboxJobStatus.Queued, 1, 1), (stored.Status, stored.RequeueCount, stored.Attempts));
        Assert.Equal(_now.ToUnixTimeMilliseconds(), stored.RequeuedAt!.Value.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Reconciler_RunningJobWithAFreshHeartbeat_LeftAlone()
    {
        var job = Running(_now.AddMinutes(-10));
        var etag = await Store.AddAsync(job);
        await Beats.BeatAsync("sandbox", job.Id, _now.AddSeconds(-10));

        var summary = await Reconciler(job.Id).RunAsync(CancellationToken.None);

        Assert.Equal(new ReconciliationSummary(0, 0, 0, 0), summary);
        Assert.Empty(_sent);
        var stored = (await Store.GetAsync(job.Id))!;
        Assert.Equal((SandboxJobStatus.Running, etag), (stored.Value.Status, stored.ETag));
    }

    [Fact]
    public async Task Reconciler_RunningJobFromBeforeHeartbeats_HandedBackByItsStart()
    {
        var job = Running(_now.AddMinutes(-3));
        await Store.AddAsync(job);

        var summary = await Reconciler(job.Id).RunAsync(CancellationToken.None);

        Assert.Equal(1, summary.HandedBack);
        Assert.Null(await Beats.LastBeatAsync("sandbox", job.Id));
        Assert.Equal(SandboxJobStatus.Queued, (await Store.GetAsync(job.Id))!.Value.Status);
    }

    [Fact]
    public async Task ListQueuedSentBefore_RecordWrittenBeforeTheQueuedAtColumn_FoundByItsTimes()
    {
        var job = Running(_now.AddMinutes(-10)) with { Status = SandboxJobStatus.Queued, StartedAt = null };
        await Store.AddAsync(job);
        var table = _tables.GetTableClient(TableSandboxJobStore.TableName);
        var entity = (await table.GetEntityAsync<TableEntity>("sandbox-job", job.Id)).Value;
        Assert.True(entity.Remove("QueuedAt"));
        await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace);

        var found = await Store.ListQueuedSentBeforeAsync(_now.AddMinutes(1));
        var notYet = await Store.ListQueuedSentBeforeAsync(_now.AddMinutes(-20));

        Assert.Contains(found, j => j.Value.Id == job.Id);
        Assert.DoesNotContain(notYet, j => j.Value.Id == job.Id);
    }

    [Fact]
    public async Task DuplicateMessages_AfterHandBack_OnlyOneDeliveryRunsTheJob()
    {
        var job = Running(_now.AddMinutes(-5));
        await Store.AddAsync(job);
        await Reconciler(job.Id).RunAsync(CancellationToken.None);
        var kind = new ClaimingKind();
        var protocol = new QueuedJobProtocol<SandboxJob>(Store, kind, Clock, NullLogger.Instance)
        {
            Heartbeat = new JobHeartbeat(Beats, Clock, Options, NullLogger<JobHeartbeat>.Instance),
        };
        var runs = 0;

        // The re-sent message and the lost run's own message, delivered side by side, then once more after the run began.
        async Task DeliverAsync()
        {
            var found = await protocol.FindAsync(job.Id, CancellationToken.None);
            if (found is null || await protocol.SettledWithoutRunAsync(found, CancellationToken.None))
            {
                return;
            }

            var claimed = found.Value with { Status = SandboxJobStatus.Running, StartedAt = _now, Attempts = found.Value.Attempts + 1 };
            if (await protocol.TryClaimAsync(claimed, found.ETag, CancellationToken.None) is not null)
            {
                Interlocked.Increment(ref runs);
            }
        }

        await Task.WhenAll(DeliverAsync(), DeliverAsync());
        await DeliverAsync();

        Assert.Equal(1, runs);
        var stored = (await Store.GetAsync(job.Id))!.Value;
        Assert.Equal((SandboxJobStatus.Running, 2), (stored.Status, stored.Attempts));
    }

    /// <summary>The protocol's view of sandbox jobs, as small as this test needs.</summary>
    private sealed class ClaimingKind : IQueuedJobKind<SandboxJob>
    {
        public string Name => "Sandbox";

        public string IdOf(SandboxJob job) => job.Id;

        public string StatusOf(SandboxJob job) => job.Status.ToWire();

        public int AttemptsOf(SandboxJob job) => job.Attempts;

        public string? LastErrorOf(SandboxJob job) => job.LastError;

        public bool IsFinished(SandboxJob job) => job.IsFinished;

        public bool IsClaimedElsewhere(SandboxJob job, DateTimeOffset now) => job.Status == SandboxJobStatus.Running;

        public SandboxJob HandBack(SandboxJob job, string lastError) => job with { Status = SandboxJobStatus.Queued, LastError = lastError };

        public SandboxJob GiveUp(SandboxJob job, DateTimeOffset now) => job with { Status = SandboxJobStatus.Failed };

        public Task SettleAsync(Versioned<SandboxJob> found, bool gaveUpNow, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>The shared sandbox job table, with the reconciler's lists narrowed to this test's jobs.</summary>
    private sealed class OwnJobsOnly(ISandboxJobStore inner, IReadOnlyCollection<string> ids) : ISandboxJobStore
    {
        public Task<string> AddAsync(SandboxJob job, CancellationToken cancellationToken = default) => inner.AddAsync(job, cancellationToken);

        public Task<Versioned<SandboxJob>?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

        public Task<string> ReplaceAsync(SandboxJob job, string ifMatch, CancellationToken cancellationToken = default) => inner.ReplaceAsync(job, ifMatch, cancellationToken);

        public Task<IReadOnlyList<SandboxJob>> ListActiveByOrganizationAsync(string organizationId, CancellationToken cancellationToken = default)
            => inner.ListActiveByOrganizationAsync(organizationId, cancellationToken);

        public Task<IReadOnlyList<SandboxJob>> ListActiveByAgreementAsync(string agreementId, CancellationToken cancellationToken = default)
            => inner.ListActiveByAgreementAsync(agreementId, cancellationToken);

        public Task<IReadOnlyList<SandboxJobActivity>> ListSubmittedBetweenAsync(string? organizationId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default)
            => inner.ListSubmittedBetweenAsync(organizationId, fromUtc, toUtc, cancellationToken);

        public Task<IReadOnlyList<SandboxJob>> ListReleasedAsync(CancellationToken cancellationToken = default) => inner.ListReleasedAsync(cancellationToken);

        public async Task<IReadOnlyList<Versioned<SandboxJob>>> ListQueuedSentBeforeAsync(DateTimeOffset sentBeforeUtc, CancellationToken cancellationToken = default)
            => (await inner.ListQueuedSentBeforeAsync(sentBeforeUtc, cancellationToken)).Where(j => ids.Contains(j.Value.Id)).ToList();

        public async Task<IReadOnlyList<Versioned<SandboxJob>>> ListRunningAsync(CancellationToken cancellationToken = default)
            => (await inner.ListRunningAsync(cancellationToken)).Where(j => ids.Contains(j.Value.Id)).ToList();
    }
}
