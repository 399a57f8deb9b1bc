using Platform.Domain.Errors;
using Platform.Domain.Security;
using Platform.UnitTests.Approvals;
using Platform.UnitTests.Personnel;
using Xunit;

namespace Platform.UnitTests.Audit;

public sealed class LinkAttemptGuardTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 3, 20, 15, TimeSpan.Zero);
    private readonly FixedClock _clock = new(Now);
    private readonly ConcurrentAuditTrail _audit = new();
    private readonly InMemorySecurityEventStore _store = new();

    private LinkAttemptGuard Guard(int perClient = 5, int perLink = 3) => new(new LinkAttemptLimits(perClient, perLink), _store, _audit, _clock);

    [Fact]
    public void Admit_ClientOverItsLimit_429RateLimitedWithRetryAfterUntilTheNextMinute()
    {
        var guard = Guard();
        for (var i = 0; i < 5; i++)
        {
            guard.Admit("203.0.113.7", $"link-{i}");
        }

        var refused = Assert.Throws<RateLimitedException>(() => guard.Admit("203.0.113.7", "link-9"));

        Assert.Equal((FailureKind.TooManyRequests, "approval.rate_limited"), (refused.Kind, refused.Code));
        Assert.Equal(TimeSpan.FromSeconds(45), refused.RetryAfter);
        guard.Admit("198.51.100.1", "link-9");
        _clock.UtcNow = Now.AddSeconds(45);
        guard.Admit("203.0.113.7", "link-10");
    }

    [Fact]
    public void Admit_OneLinkTriedFromManyClients_LimitedPerLink()
    {
        var guard = Guard();
        for (var i = 0; i < 3; i++)
        {
            guard.Admit($"198.51.100.{i}", "the-link");
        }

        Assert.Throws<RateLimitedException>(() => guard.Admit("198.51.100.99", "the-link"));
    }

    [Fact]
    public async Task FlushAsync_RefusalsCountedPerClientAndLinkAndOneAuditEntryPerEndedMinute()
    {
        var guard = Guard(perClient: 1000, perLink: 1000);
        for (var i = 0; i < 40; i++)
        {
            guard.Refused(i % 2 == 0 ? "203.0.113.7" : "203.0.113.8", $"link-{i % 4}", "approval.link_invalid");
        }

        await guard.FlushAsync();

        Assert.Equal(80, _store.Counts.Sum(c => c.Count));
        Assert.Equal(20, _store.Counts.Single(c => c is { Kind: "client", Key: "203.0.113.7" }).Count);
        Assert.Equal(10, _store.Counts.Single(c => c is { Kind: "link", Key: "link-3" }).Count);
        Assert.Empty(_audit.Records);

        guard.Refused("203.0.113.7", "link-0", "approval.link_expired");
        _clock.UtcNow = Now.AddMinutes(1);
        await guard.FlushAsync();

        var entry = Assert.Single(_audit.Records);
        Assert.Equal((LinkAttemptGuard.RefusedAction, "system"), (entry.Action, entry.Actor.Role));
        Assert.Contains("Refused = 41", entry.Payload!.ToString(), StringComparison.Ordinal);
        Assert.Equal(82, _store.Counts.Sum(c => c.Count));
    }

    [Fact]
    public void IsFirstRefusalOfLink_SameLinkAndCode_OnlyTheFirstTime()
    {
        var guard = Guard();

        Assert.True(guard.IsFirstRefusalOfLink("nonce-1", "approval.link_used"));
        Assert.False(guard.IsFirstRefusalOfLink("nonce-1", "approval.link_used"));
        Assert.True(guard.IsFirstRefusalOfLink("nonce-1", "approval.link_closed"));
    }

    private sealed class InMemorySecurityEventStore : ISecurityEventStore
    {
        public List<LinkAttemptCount> Counts { get; } = [];

        public Task AddAsync(IReadOnlyList<LinkAttemptCount> counts, CancellationToken cancellationToken = default)
        {
            Counts.AddRange(counts);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<LinkAttemptCount>> QueryAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<LinkAttemptCount>>(Counts.Where(c => c.Minute >= from && c.Minute < to).ToList());
    }
}
