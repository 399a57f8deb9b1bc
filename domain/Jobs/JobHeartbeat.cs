using Microsoft.Extensions.Logging;
using Platform.Domain.Time;

namespace Platform.Domain.Jobs;

/// <summary>
/// Where workers record the heartbeat of the jobs they run: one row per job, beside (not in) the job record. A write on
/// the job record would change its ETag under the run, whose own writes (progress, outcome) are conditional on the ETag
/// it holds; a separate row cannot clobber the job's state nor make the run lose its own writes.
/// </summary>
public interface IJobHeartbeatStore
{
    /// <summary>Records that a live run of job <paramref name="jobId"/> of <paramref name="kind"/> was working at <paramref name="at"/>.</summary>
    Task BeatAsync(string kind, string jobId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The last heartbeat of the job, or null when no run ever beat for it.</summary>
    Task<DateTimeOffset?> LastBeatAsync(string kind, string jobId, CancellationToken cancellationToken = default);
}

/// <summary>
/// Keeps the heartbeat of a job while a worker runs it (every <see cref="JobReconciliationOptions.HeartbeatInterval"/>),
/// and tells whether a running job's run is still alive (<see cref="RunningJobRule"/>). A failed beat is logged and the
/// next one tries again; the reconciler hands a run back only after <see cref="JobReconciliationOptions.HeartbeatTimeout"/>.
/// </summary>
public sealed partial class JobHeartbeat(IJobHeartbeatStore beats, IClock clock, JobReconciliationOptions options, ILogger<JobHeartbeat> logger)
{
    public TimeSpan Timeout => options.HeartbeatTimeout;

    /// <summary>
    /// Beats for the job until the returned handle is disposed. The first beat comes one interval after the start (the
    /// start itself is a sign of life), so a delivery that only drops a duplicate never refreshes another run's heartbeat.
    /// </summary>
    public IAsyncDisposable Start(string kind, string jobId) => new Beating(this, kind, jobId);

    /// <summary>True when a running job's run is alive by its heartbeat, its start or its creation (records without a beat included).</summary>
    public async Task<bool> IsLiveAsync<TJob>(string kind, TJob job, CancellationToken cancellationToken)
        where TJob : IQueuedJobRecord
    {
        ArgumentNullException.ThrowIfNull(job);
        var beat = await beats.LastBeatAsync(kind, job.Id, cancellationToken);
        return RunningJobRule.IsLive(RunningJobRule.LastSignOfLife(beat, job.CreatedAt, job.RequeuedAt, job.StartedAt), clock.UtcNow, options.HeartbeatTimeout);
    }

    private sealed class Beating : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Beating(JobHeartbeat owner, string kind, string jobId) => _loop = owner.BeatUntilStoppedAsync(kind, jobId, _stop.Token);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }

    private async Task BeatUntilStoppedAsync(string kind, string jobId, CancellationToken stop)
    {
        while (true)
        {
            try
            {
                await Task.Delay(options.HeartbeatInterval, stop);
                await beats.BeatAsync(kind, jobId, clock.UtcNow, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogBeatFailed(logger, e, kind, jobId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the heartbeat of {Kind} job {JobId}; the next beat tries again.")]
    private static partial void LogBeatFailed(ILogger logger, Exception error, string kind, string jobId);
}
