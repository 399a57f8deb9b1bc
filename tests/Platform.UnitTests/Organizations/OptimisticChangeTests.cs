using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Xunit;

namespace Platform.UnitTests.Organizations;

public sealed class OptimisticChangeTests
{
    private sealed record Counter(int Value);

    private sealed class Store(int conflicts)
    {
        public Versioned<Counter>? Current { get; set; } = new(new Counter(0), "e0");

        public int Replaces { get; private set; }

        public Task<Versioned<Counter>?> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(Current);

        public Task<string> ReplaceAsync(Counter counter, string ifMatch, CancellationToken cancellationToken)
        {
            Replaces++;
            if (Replaces <= conflicts)
            {
                // Another writer got in first: the stored version moves on and this write loses the race.
                Current = new Versioned<Counter>(Current!.Value with { Value = Current.Value.Value + 100 }, $"x{Replaces}");
                throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "lost");
            }

            Current = new Versioned<Counter>(counter, $"e{Replaces}");
            return Task.FromResult(Current.ETag);
        }
    }

    private static Task<(Counter Value, bool Changed)> IncrementAsync(Store store)
        => OptimisticChange.ApplyAsync(store.ReadAsync, store.ReplaceAsync, c => c with { Value = c.Value + 1 },
            () => new DomainException(FailureKind.NotFound, "counter.not_found", "missing"), CancellationToken.None);

    [Fact]
    public async Task ApplyAsync_LostRaces_AppliesChangeOnTopOfWinner()
    {
        var store = new Store(conflicts: 2);

        var (value, changed) = await IncrementAsync(store);

        Assert.True(changed);
        Assert.Equal(201, value.Value);
        Assert.Equal(3, store.Replaces);
    }

    [Fact]
    public async Task ApplyAsync_SameInstanceReturned_WritesNothing()
    {
        var store = new Store(conflicts: 0);

        var (value, changed) = await OptimisticChange.ApplyAsync(store.ReadAsync, store.ReplaceAsync, c => c,
            () => new DomainException(FailureKind.NotFound, "counter.not_found", "missing"), CancellationToken.None);

        Assert.False(changed);
        Assert.Equal(0, value.Value);
        Assert.Equal(0, store.Replaces);
    }

    [Fact]
    public async Task ApplyAsync_AlwaysLosing_ThrowsPreconditionFailedAfterMaxAttempts()
    {
        var store = new Store(conflicts: int.MaxValue);

        var e = await Assert.ThrowsAsync<DomainException>(() => IncrementAsync(store));

        Assert.Equal(FailureKind.PreconditionFailed, e.Kind);
        Assert.Equal(OptimisticChange.MaxAttempts, store.Replaces);
    }

    [Fact]
    public async Task ApplyAsync_RecordMissing_ThrowsNotFound()
    {
        var store = new Store(conflicts: 0) { Current = null };

        var e = await Assert.ThrowsAsync<DomainException>(() => IncrementAsync(store));

        Assert.Equal("counter.not_found", e.Code);
    }
}
