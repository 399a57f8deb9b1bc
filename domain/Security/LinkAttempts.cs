using System.Collections.Concurrent;
using System.Globalization;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Time;

namespace Platform.Domain.Security;

/// <summary>How many anonymous attempts at signed links (docs/api.md) one client, and one link, may make per minute.</summary>
public sealed record LinkAttemptLimits(int PerClientPerMinute, int PerLinkPerMinute)
{
    public static readonly LinkAttemptLimits Default = new(60, 20);
}

/// <summary>Refused attempts counted in one minute: per <see cref="Kind"/> (<c>link</c> or <c>client</c>), key and refusal code.</summary>
public sealed record LinkAttemptCount(DateTimeOffset Minute, string Kind, string Key, string Code, long Count);

/// <summary>Where the per-minute counts of refused link attempts are kept (security events, not audit-chain entries).</summary>
public interface ISecurityEventStore
{
    /// <summary>Adds the counts to what is stored for the same minute, kind, key and code (several processes add to one row).</summary>
    Task AddAsync(IReadOnlyList<LinkAttemptCount> counts, CancellationToken cancellationToken = default);

    /// <summary>The stored counts of the minutes from the one of <paramref name="from"/> to the one of <paramref name="to"/>, both included.</summary>
    Task<IReadOnlyList<LinkAttemptCount>> QueryAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}

/// <summary>
/// The door in front of the signed-link pages (issue 20 item 3; docs/api.md). Anyone may try a link, so nobody may make the
/// platform do unbounded work or grow the audit chain by trying: each client address and each link (by the fingerprint of
/// its token) gets a number of attempts per minute, past which the answer is 429 <c>approval.rate_limited</c> with
/// <c>Retry-After</c>. Refused attempts are not written to the hash chain one by one; they are counted per link and per
/// client per minute in memory and flushed (<see cref="FlushAsync"/>) as security events, plus one audit entry
/// <c>security.link_attempts_refused</c> per minute that saw any, carrying the totals. Counts live per process; the limits
/// therefore hold per instance (an attacker spread over N instances gets N times the budget, still bounded).
/// </summary>
public sealed class LinkAttemptGuard(LinkAttemptLimits limits, ISecurityEventStore store, IAuditTrail audit, IClock clock)
{
    public const string RateLimitedCode = "approval.rate_limited";
    public const string ClientKind = "client";
    public const string LinkKind = "link";
    public const string RefusedAction = "security.link_attempts_refused";

    // Beyond this many distinct keys in one minute, new keys share one bucket: memory stays bounded whatever is sent.
    private const int MaxKeysPerWindow = 50_000;
    private const string OverflowKey = "(other)";

    private readonly ConcurrentDictionary<(DateTimeOffset Minute, string Kind, string Key), int> _attempts = new();
    private readonly ConcurrentDictionary<(DateTimeOffset Minute, string Kind, string Key, string Code), long> _refused = new();
    private readonly ConcurrentDictionary<(string Link, string Code), byte> _auditedLinkRefusals = new();
    private readonly ConcurrentDictionary<DateTimeOffset, MinuteSummary> _summaries = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);

    public LinkAttemptLimits Limits => limits;

    /// <summary>Counts an attempt; throws 429 <see cref="RateLimitedCode"/> (and counts it as refused) when the client or the link is over its limit.</summary>
    public void Admit(string client, string linkFingerprint)
    {
        var now = clock.UtcNow;
        var minute = MinuteOf(now);
        var byClient = _attempts.AddOrUpdate((minute, ClientKind, Bounded(minute, ClientKind, client)), 1, (_, n) => n + 1);
        var byLink = _attempts.AddOrUpdate((minute, LinkKind, Bounded(minute, LinkKind, linkFingerprint)), 1, (_, n) => n + 1);
        if (byClient <= limits.PerClientPerMinute && byLink <= limits.PerLinkPerMinute)
        {
            return;
        }

        Refused(client, linkFingerprint, RateLimitedCode);
        var retryAfter = minute.AddMinutes(1) - now;
        var who = byClient > limits.PerClientPerMinute ? "this client" : "this link";
        throw new RateLimitedException(RateLimitedCode,
            $"Too many attempts at signed links from {who}; try again in {Math.Ceiling(retryAfter.TotalSeconds):0} seconds.", retryAfter);
    }

    /// <summary>Counts a refused attempt (a tampered, unknown, expired, used or closed link; or one over the limit).</summary>
    public void Refused(string client, string linkFingerprint, string code)
    {
        var minute = MinuteOf(clock.UtcNow);
        _refused.AddOrUpdate((minute, ClientKind, Bounded(minute, ClientKind, client), code), 1, (_, n) => n + 1);
        _refused.AddOrUpdate((minute, LinkKind, Bounded(minute, LinkKind, linkFingerprint), code), 1, (_, n) => n + 1);
    }

    /// <summary>
    /// True the first time a genuine link (one that verified) is refused with <paramref name="code"/> in this process: that
    /// first refusal goes to the audit chain with its holder, later ones only to the counts.
    /// </summary>
    public bool IsFirstRefusalOfLink(string linkNonce, string code)
    {
        if (_auditedLinkRefusals.Count > MaxKeysPerWindow)
        {
            _auditedLinkRefusals.Clear();
        }

        return _auditedLinkRefusals.TryAdd((linkNonce, code), 0);
    }

    /// <summary>
    /// Adds the counts gathered since the last flush to the store (so they show within one flush interval) and forgets
    /// them; each minute that has ended gets its one audit entry with the minute's totals. With <paramref name="everything"/>
    /// the current minute's audit entry is written too (at shutdown).
    /// </summary>
    public async Task<int> FlushAsync(bool everything = false, CancellationToken cancellationToken = default)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            var current = MinuteOf(clock.UtcNow);
            foreach (var key in _attempts.Keys.Where(k => k.Minute < current))
            {
                _attempts.TryRemove(key, out _);
            }

            var taken = new List<LinkAttemptCount>();
            foreach (var key in _refused.Keys)
            {
                if (_refused.TryRemove(key, out var count))
                {
                    taken.Add(new LinkAttemptCount(key.Minute, key.Kind, key.Key, key.Code, count));
                }
            }

            if (taken.Count > 0)
            {
                await store.AddAsync(taken, cancellationToken);
            }

            foreach (var count in taken)
            {
                var summary = _summaries.GetOrAdd(count.Minute, _ => new MinuteSummary());
                summary.Add(count);
            }

            foreach (var (minute, summary) in _summaries.Where(m => everything || m.Key < current).OrderBy(m => m.Key).ToList())
            {
                await audit.RecordAsync(Caller.System, RefusedAction, "approvals", summary.ToPayload(minute), cancellationToken);
                _summaries.TryRemove(minute, out _);
            }

            return taken.Count;
        }
        finally
        {
            _flushing.Release();
        }
    }

    public static DateTimeOffset MinuteOf(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero);
    }

    private string Bounded(DateTimeOffset minute, string kind, string key)
        => _attempts.Count < MaxKeysPerWindow || _attempts.ContainsKey((minute, kind, key)) ? key : OverflowKey;

    /// <summary>What one minute's audit entry says: how many attempts were refused, why, from how many clients at how many links.</summary>
    private sealed class MinuteSummary
    {
        private readonly SortedDictionary<string, long> _byCode = new(StringComparer.Ordinal);
        private readonly HashSet<string> _clients = new(StringComparer.Ordinal);
        private readonly HashSet<string> _links = new(StringComparer.Ordinal);
        private long _refused;

        public void Add(LinkAttemptCount count)
        {
            if (count.Kind == ClientKind)
            {
                _refused += count.Count;
                _byCode[count.Code] = _byCode.GetValueOrDefault(count.Code) + count.Count;
                _clients.Add(count.Key);
            }
            else
            {
                _links.Add(count.Key);
            }
        }

        public object ToPayload(DateTimeOffset minute) => new
        {
            Minute = minute.ToString("yyyy-MM-ddTHH:mmZ", CultureInfo.InvariantCulture),
            Refused = _refused,
            ByCode = _byCode,
            Clients = _clients.Count,
            Links = _links.Count,
        };
    }
}
