using System.Collections.Concurrent;
using Platform.Domain.Jobs;

namespace Platform.UnitTests.Jobs;

/// <summary>Job heartbeats in memory, by kind and job id, counting the beats.</summary>
public sealed class InMemoryJobHeartbeatStore : IJobHeartbeatStore
{
    private readonly ConcurrentDictionary<(string Kind, string JobId), DateTimeOffset> _beats = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public Task BeatAsync(string kind, string jobId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        _beats[(kind, jobId)] = at;
        Interlocked.Increment(ref _count);
        return Task.CompletedTask;
    }

    public Task<DateTimeOffset?> LastBeatAsync(string kind, string jobId, CancellationToken cancellationToken = default)
        => Task.FromResult<DateTimeOffset?>(_beats.TryGetValue((kind, jobId), out var at) ? at : null);
}
