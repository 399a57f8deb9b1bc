using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Platform.Domain.Errors;
using Platform.Domain.Jobs;
using Platform.Domain.Organizations;
using Platform.Domain.Secrets;
using Platform.Domain.Time;
using Xunit;

namespace Platform.UnitTests.Jobs;

public sealed class QueuedJobProtocolTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A job as small as the protocol needs: status, when it started, and its last error.</summary>
    public sealed record TestJob(string Id, string Status, DateTimeOffset? StartedAt = null, string? LastError = null) : IQueuedJobRecord
    {
        public bool IsFinished => Status is "done" or "failed";

        public bool IsRunning => Status == "running";

        public DateTimeOffset CreatedAt => Now.AddHours(-1);

        public int RequeueCount => 0;

        public DateTimeOffset? RequeuedAt => null;
    }

    /// <summary>An in-memory store with ETag concurrency, counting its writes.</summary>
    private sealed class FakeStore : IQueuedJobStore<TestJob>
    {
        private int _version;

        public Versioned<TestJob>? Current { get; private set; }

        public int Writes { get; private set; }

        /// <summary>Runs before every write, e.g. to let another writer win the race.</summary>
        public Action? BeforeWrite { get; set; }

        public void Put(TestJob job) => Current = new(job, $"v{++_version}");

        public Task<Versioned<TestJob>?> GetAsync(string id, CancellationToken cancellationToken = default)
            => Task.FromResult(Current?.Value.Id == id ? Current : null);

        public Task<string> ReplaceAsync(TestJob job, string ifMatch, CancellationToken cancellationToken = default)
        {
            BeforeWrite?.Invoke();
            if (Current is null || Current.ETag != ifMatch)
            {
                throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "changed");
            }

            Writes++;
            Put(job);
            return Task.FromResult(Current.ETag);
        }

        public Task<IReadOnlyList<Versioned<TestJob>>> ListQueuedSentBeforeAsync(DateTimeOffset sentBeforeUtc, CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<Versioned<TestJob>>>([]);

        public Task<IReadOnlyList<Versioned<TestJob>>> ListRunningAsync(CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<Versioned<TestJob>>>(Current is { Value.IsRunning: true } running ? [running] : []);
    }

    /// <summary>The kind: a running job started within the last ten minutes is held by a live run.</summary>
    private sealed class TestKind : IQueuedJobKind<TestJob>
    {
        public List<(TestJob Job, bool GaveUpNow)> Settled { get; } = [];

        public string Name => "Test";

        public string IdOf(TestJob job) => job.Id;

        public string StatusOf(TestJob job) => job.Status;

        public int AttemptsOf(TestJob job) => 1;

        public string? LastErrorOf(TestJob job) => job.LastError;

        public bool IsFinished(TestJob job) => job.Status is "done" or "failed";

        public bool IsClaimedElsewhere(TestJob job, DateTimeOffset now) => job.Status == "running" && job.StartedAt > now - TimeSpan.FromMinutes(10);

        public TestJob HandBack(TestJob job, string lastError) => job with { Status = "queued", LastError = lastError };

        public TestJob GiveUp(TestJob job, DateTimeOffset now) => job with { Status = "failed", LastError = $"gave up: {job.LastError}" };

        public Task SettleAsync(Versioned<TestJob> found, bool gaveUpNow, CancellationToken cancellationToken)
        {
            Settled.Add((found.Value, gaveUpNow));
            return Task.CompletedTask;
        }
    }

    private readonly FakeStore _store = new();
    private readonly TestKind _kind = new();

    private QueuedJobProtocol<TestJob> Protocol()
        => new(_store, _kind, Mock.Of<IClock>(c => c.UtcNow == Now), NullLogger.Instance);

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    [InlineData("job-unknown")]
    public async Task FindAsync_MessageNamesNoKnownJob_ReturnsNull(string? jobId)
    {
        _store.Put(new TestJob("job-1", "queued"));

        Assert.Null(await Protocol().FindAsync(jobId, CancellationToken.None));
    }

    [Fact]
    public async Task TryClaimAsync_EtagMatches_WritesAndReturnsNewEtag()
    {
        _store.Put(new TestJob("job-1", "queued"));
        var read = _store.Current!;

        var etag = await Protocol().TryClaimAsync(read.Value with { Status = "running", StartedAt = Now }, read.ETag, CancellationToken.None);

        Assert.Equal(_store.Current!.ETag, etag);
        Assert.Equal("running", _store.Current.Value.Status);
    }

    [Fact]
    public async Task TryClaimAsync_AnotherDeliveryClaimedFirst_ReturnsNullAndLeavesTheWinnersRecord()
    {
        _store.Put(new TestJob("job-1", "queued"));
        var read = _store.Current!;
        _store.Put(read.Value with { Status = "running", StartedAt = Now.AddSeconds(-1) });

        var etag = await Protocol().TryClaimAsync(read.Value with { Status = "running", StartedAt = Now }, read.ETag, CancellationToken.None);

        Assert.Null(etag);
        Assert.Equal(Now.AddSeconds(-1), _store.Current!.Value.StartedAt);
    }

    [Fact]
    public async Task TryClaimAsync_StoreFailsOtherwise_Throws()
    {
        var store = new Mock<IQueuedJobStore<TestJob>>();
        store.Setup(s => s.ReplaceAsync(It.IsAny<TestJob>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new DomainException(FailureKind.Unavailable, "storage.unavailable", "down"));
        var protocol = new QueuedJobProtocol<TestJob>(store.Object, _kind, Mock.Of<IClock>(c => c.UtcNow == Now), NullLogger.Instance);

        var e = await Assert.ThrowsAsync<DomainException>(() => protocol.TryClaimAsync(new TestJob("job-1", "running"), "v1", CancellationToken.None));

        Assert.Equal("storage.unavailable", e.Code);
    }

    [Fact]
    public async Task SettledWithoutRunAsync_FinishedJob_SettlesItAndSkipsTheRun()
    {
        _store.Put(new TestJob("job-1", "done"));

        Assert.True(await Protocol().SettledWithoutRunAsync(_store.Current!, CancellationToken.None));
        Assert.Equal([(new TestJob("job-1", "done"), false)], _kind.Settled);
    }

    [Fact]
    public async Task SettledWithoutRunAsync_LiveRunHoldsTheJob_SkipsTheRunWithoutSettling()
    {
        _store.Put(new TestJob("job-1", "running", Now.AddMinutes(-1)));

        Assert.True(await Protocol().SettledWithoutRunAsync(_store.Current!, CancellationToken.None));
        Assert.Empty(_kind.Settled);
    }

    [Theory]
    [InlineData("queued", null)]
    [InlineData("running", -30)]
    public async Task SettledWithoutRunAsync_QueuedOrAbandonedRun_LetsTheDeliveryRunIt(string status, int? startedMinutesAgo)
    {
        _store.Put(new TestJob("job-1", status, startedMinutesAgo is { } m ? Now.AddMinutes(m) : null));

        Assert.False(await Protocol().SettledWithoutRunAsync(_store.Current!, CancellationToken.None));
    }

    private QueuedJobProtocol<TestJob> ProtocolWithHeartbeat(InMemoryJobHeartbeatStore beats, TimeSpan? interval = null)
    {
        var clock = Mock.Of<IClock>(c => c.UtcNow == Now);
        var options = new JobReconciliationOptions { HeartbeatInterval = interval ?? TimeSpan.FromSeconds(15), HeartbeatTimeout = TimeSpan.FromSeconds(60) };
        return new(_store, _kind, clock, NullLogger.Instance) { Heartbeat = new JobHeartbeat(beats, clock, options, NullLogger<JobHeartbeat>.Instance) };
    }

    [Fact]
    public async Task SettledWithoutRunAsync_RunningJobWithAFreshBeat_DuplicateDropped()
    {
        // Started long ago (the kind's own rule would call it abandoned), but its worker beat 20 seconds ago.
        var beats = new InMemoryJobHeartbeatStore();
        _store.Put(new TestJob("job-1", "running", Now.AddMinutes(-30)));
        await beats.BeatAsync("test", "job-1", Now.AddSeconds(-20));

        Assert.True(await ProtocolWithHeartbeat(beats).SettledWithoutRunAsync(_store.Current!, CancellationToken.None));
        Assert.Empty(_kind.Settled);
    }

    [Fact]
    public async Task SettledWithoutRunAsync_RunningJobWhoseBeatStopped_TheDeliveryRunsIt()
    {
        // Started 5 minutes ago (the kind's own rule would still call it held), but its worker stopped beating 2 minutes ago.
        var beats = new InMemoryJobHeartbeatStore();
        _store.Put(new TestJob("job-1", "running", Now.AddMinutes(-5)));
        await beats.BeatAsync("test", "job-1", Now.AddMinutes(-2));

        Assert.False(await ProtocolWithHeartbeat(beats).SettledWithoutRunAsync(_store.Current!, CancellationToken.None));
    }

    [Fact]
    public async Task RunAttemptAsync_WithHeartbeat_BeatsBesideTheRecordWithoutWritingIt()
    {
        var beats = new InMemoryJobHeartbeatStore();
        _store.Put(new TestJob("job-1", "running", Now));
        var etag = _store.Current!.ETag;

        await ProtocolWithHeartbeat(beats, TimeSpan.FromMilliseconds(10)).RunAttemptAsync("job-1", async () =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (beats.Count == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }
        }, CancellationToken.None);

        Assert.Equal(Now, await beats.LastBeatAsync("test", "job-1"));
        // The run's ETag is untouched, so its own conditional writes (progress, outcome) still match.
        Assert.Equal((etag, 0), (_store.Current!.ETag, _store.Writes));
    }

    [Fact]
    public async Task RunAttemptAsync_AttemptFails_RecordsLastErrorHandsBackAsQueuedAndRethrows()
    {
        _store.Put(new TestJob("job-1", "running", Now));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Protocol().RunAttemptAsync("job-1",
            () => throw new InvalidOperationException("engine broke"), CancellationToken.None));

        Assert.Equal("engine broke", e.Message);
        Assert.Equal(("queued", "InvalidOperationException: engine broke"), (_store.Current!.Value.Status, _store.Current.Value.LastError));
    }

    [Fact]
    public async Task RunAttemptAsync_AttemptSucceeds_WritesNothing()
    {
        _store.Put(new TestJob("job-1", "running", Now));
        var ran = false;

        await Protocol().RunAttemptAsync("job-1", () => { ran = true; return Task.CompletedTask; }, CancellationToken.None);

        Assert.True(ran);
        Assert.Equal(0, _store.Writes);
    }

    [Fact]
    public async Task RunAttemptAsync_HostStopping_RethrowsWithoutHandingBack()
    {
        _store.Put(new TestJob("job-1", "running", Now));
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Protocol().RunAttemptAsync("job-1",
            () => throw new OperationCanceledException(stopping.Token), stopping.Token));

        Assert.Equal(("running", null), (_store.Current!.Value.Status, _store.Current.Value.LastError));
    }

    [Fact]
    public async Task RecordLastErrorAsync_JobFinishedMeanwhile_LeavesItAsItIs()
    {
        _store.Put(new TestJob("job-1", "done"));

        await Protocol().RecordLastErrorAsync("job-1", new InvalidOperationException("late"));

        Assert.Equal(0, _store.Writes);
        Assert.Null(_store.Current!.Value.LastError);
    }

    [Fact]
    public async Task RecordLastErrorAsync_StoreFails_DoesNotThrow()
    {
        var store = new Mock<IQueuedJobStore<TestJob>>();
        store.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("disk"));
        var protocol = new QueuedJobProtocol<TestJob>(store.Object, _kind, Mock.Of<IClock>(c => c.UtcNow == Now), NullLogger.Instance);

        await protocol.RecordLastErrorAsync("job-1", new InvalidOperationException("boom"));

        store.Verify(s => s.ReplaceAsync(It.IsAny<TestJob>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public void Summarize_UnknownExceptionType_KeepsOnlyTheTypeName()
        => Assert.Equal("HttpRequestException", QueuedJobProtocol<TestJob>.Summarize(new HttpRequestException("secret connection string inside")));

    [Fact]
    public void Summarize_SafeExceptionTypes_KeepTheirMessage()
    {
        Assert.Equal("SecretNotFoundException: Secret 'root' was not found in the secret store.", QueuedJobProtocol<TestJob>.Summarize(new SecretNotFoundException("root")));
        Assert.Equal("FileNotFoundException: gone", QueuedJobProtocol<TestJob>.Summarize(new FileNotFoundException("gone")));
        Assert.Equal("DomainException: taken", QueuedJobProtocol<TestJob>.Summarize(new DomainException(FailureKind.Conflict, "x.taken", "taken")));
    }

    [Fact]
    public void Summarize_LongMessage_IsCutAtTheLimit()
        => Assert.Equal(QueuedJobProtocol<TestJob>.MaxLastErrorLength, QueuedJobProtocol<TestJob>.Summarize(new InvalidOperationException(new string('x', 1000))).Length);

    [Fact]
    public async Task PoisonAsync_UnfinishedJob_MarksItFailedWithItsLastErrorAndSettles()
    {
        _store.Put(new TestJob("job-1", "queued", LastError: "IOException"));

        await Protocol().PoisonAsync("job-1", CancellationToken.None);

        var failed = new TestJob("job-1", "failed", LastError: "gave up: IOException");
        Assert.Equal(failed, _store.Current!.Value);
        Assert.Equal([(failed, true)], _kind.Settled);
    }

    [Fact]
    public async Task PoisonAsync_FinishedJob_OnlySettlesIt()
    {
        _store.Put(new TestJob("job-1", "done"));

        await Protocol().PoisonAsync("job-1", CancellationToken.None);

        Assert.Equal(0, _store.Writes);
        Assert.Equal([(new TestJob("job-1", "done"), false)], _kind.Settled);
    }

    [Fact]
    public async Task PoisonAsync_JobChangesBeforeTheWrite_ReadsAgainAndSettlesWhatItIsNow()
    {
        _store.Put(new TestJob("job-1", "running", Now.AddHours(-1)));
        _store.BeforeWrite = () =>
        {
            // A late worker finishes the job between the poison handler's read and its write.
            _store.BeforeWrite = null;
            _store.Put(_store.Current!.Value with { Status = "done" });
        };

        await Protocol().PoisonAsync("job-1", CancellationToken.None);

        Assert.Equal("done", _store.Current!.Value.Status);
        Assert.Equal([(_store.Current.Value, false)], _kind.Settled);
    }

    [Fact]
    public async Task PoisonAsync_MessageNamesNoKnownJob_DoesNothing()
    {
        await Protocol().PoisonAsync("job-missing", CancellationToken.None);

        Assert.Equal(0, _store.Writes);
        Assert.Empty(_kind.Settled);
    }
}
