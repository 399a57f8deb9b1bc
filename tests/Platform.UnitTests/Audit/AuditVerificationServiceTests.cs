using Platform.Domain.Audit;
using Platform.Domain.Security;
using Platform.UnitTests.Approvals;
using Platform.UnitTests.Personnel;
using Xunit;

namespace Platform.UnitTests.Audit;

public sealed class AuditVerificationServiceTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);
    private readonly InMemoryChain _chain = new();
    private readonly AuditCheckpointSigner _signer = new(new DictionarySecretStore(new() { ["audit-checkpoint-key"] = "unit-test-audit-checkpoint-key-0123456789abcdef" }), "audit-checkpoint-key");
    private readonly ConcurrentAuditTrail _audit = new();
    private readonly List<string> _queued = [];

    private AuditVerificationService Service(long interval = 10)
        => new(_chain, _chain, _signer, new ListQueue(_queued), _audit, new FixedClock(Now), new AuditVerificationSettings(interval));

    [Fact]
    public async Task GetAsync_NoCheckpointYet_VerifiesFromTheStartAndLeavesASignedCheckpoint()
    {
        _chain.Append(25);

        var first = await Service().GetAsync();

        Assert.True(first.Valid, first.Reason);
        Assert.Equal(("full", 25L), (first.Mode, first.EntriesChecked));
        var checkpoint = Assert.Single(_chain.Checkpoints);
        Assert.Equal(25, checkpoint.Sequence);
        Assert.True(await _signer.VerifyAsync(checkpoint));
    }

    [Fact]
    public async Task GetAsync_AfterACheckpoint_ReadsOnlyTheNewEntries()
    {
        _chain.Append(25);
        await Service().GetAsync();
        _chain.Append(3);

        var next = await Service().GetAsync();

        Assert.True(next.Valid, next.Reason);
        Assert.Equal(("incremental", 3L, 25L), (next.Mode, next.EntriesChecked, next.VerifiedFrom!.Sequence));
        Assert.Single(_chain.Checkpoints);
    }

    [Fact]
    public async Task GetAsync_CheckpointRowForged_Invalid()
    {
        _chain.Append(25);
        await Service().GetAsync();
        _chain.Checkpoints[0] = _chain.Checkpoints[0] with { Sequence = 20 };

        var forged = await Service().GetAsync();

        Assert.False(forged.Valid);
        Assert.Equal(20, forged.FirstBrokenSequence);
        Assert.Contains("signature", forged.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FullVerification_BreakBehindTheCheckpoint_FoundInTheBackgroundAndShownOnTheRoute()
    {
        _chain.Append(25);
        var service = Service();
        await service.GetAsync();
        _chain.Entries[6] = _chain.Entries[6] with { Action = "plan.deleted" };
        Assert.True((await service.GetAsync()).Valid);

        var requested = await service.RequestFullAsync("avf-1", new Caller("sup-1", Roles.Supervisor, "org-sup"));
        Assert.Equal(FullAuditVerificationState.Queued, requested.State);
        Assert.Equal(["avf-1"], _queued);
        Assert.Same(requested, await service.RequestFullAsync("avf-2", Caller.System));
        await service.RunFullAsync("avf-1");
        var shown = await service.GetAsync();

        Assert.False(shown.Valid);
        Assert.Equal(7, shown.FirstBrokenSequence);
        Assert.Equal(FullAuditVerificationState.Completed, shown.Full!.State);
        Assert.Contains("audit.verification_requested", _audit.Actions);
    }

    [Fact]
    public async Task RequestFullAsync_PendingRunLostForAnHour_QueuesANewOne()
    {
        _chain.Append(3);
        await Service().RequestFullAsync("avf-1", Caller.System);
        var later = new AuditVerificationService(_chain, _chain, _signer, new ListQueue(_queued), _audit, new FixedClock(Now.AddHours(2)), new AuditVerificationSettings(10));

        var again = await later.RequestFullAsync("avf-2", Caller.System);

        Assert.Equal("avf-2", again.Id);
        Assert.Equal(["avf-1", "avf-2"], _queued);
    }

    private sealed class ListQueue(List<string> queued) : IAuditVerificationQueue
    {
        public Task EnqueueAsync(string verificationId, CancellationToken cancellationToken = default)
        {
            queued.Add(verificationId);
            return Task.CompletedTask;
        }
    }

    /// <summary>The chain and its checkpoints in memory, verified with the same verifier as the table log.</summary>
    private sealed class InMemoryChain : IAuditLog, IAuditCheckpointStore
    {
        private FullAuditVerification? _full;

        public List<AuditEntry> Entries { get; } = [];

        public List<AuditCheckpoint> Checkpoints { get; } = [];

        public void Append(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var head = Entries.Count == 0 ? AuditHead.Empty : AuditHead.Of(Entries[^1]);
                Entries.Add(AuditChain.Next(head, new AuditRecord(Caller.System, "plan.approved", $"plans/{Entries.Count}", null), Now));
            }
        }

        public Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
            => Task.FromResult(AuditChainVerifier.Verify(Entries, AuditHead.Of(Entries[^1])));

        public Task<AuditVerification> VerifyFromAsync(AuditHead start, CancellationToken cancellationToken = default)
        {
            var verifier = new AuditChainVerifier(start);
            foreach (var entry in Entries.Where(e => e.Sequence > start.Sequence))
            {
                if (!verifier.Accept(entry))
                {
                    break;
                }
            }

            return Task.FromResult(verifier.Complete(AuditHead.Of(Entries[^1])));
        }

        public Task<AuditCheckpoint?> GetLastCheckpointAsync(CancellationToken cancellationToken = default)
            => Task.FromResult(Checkpoints.OrderByDescending(c => c.Sequence).FirstOrDefault());

        public Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
        {
            Checkpoints.Add(checkpoint);
            return Task.CompletedTask;
        }

        public Task<FullAuditVerification?> GetFullVerificationAsync(CancellationToken cancellationToken = default) => Task.FromResult(_full);

        public Task SaveFullVerificationAsync(FullAuditVerification verification, CancellationToken cancellationToken = default)
        {
            _full = verification;
            return Task.CompletedTask;
        }
    }
}
