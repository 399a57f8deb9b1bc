using Microsoft.Extensions.Logging;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Secrets;
using Platform.Domain.Time;

namespace Platform.Domain.Jobs;

/// <summary>Where the records of one kind of queued job are kept (ETag concurrency).</summary>
public interface IQueuedJobStore<TJob>
    where TJob : class
{
    Task<Versioned<TJob>?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Replaces the record if its ETag still matches (412 otherwise); returns the new ETag.</summary>
    Task<string> ReplaceAsync(TJob job, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every job still queued whose last sign of life (created, requeued, started) is before <paramref name="sentBeforeUtc"/>,
    /// with its ETag (all pages); records written before that column existed are included when created before it.
    /// </summary>
    Task<IReadOnlyList<Versioned<TJob>>> ListQueuedSentBeforeAsync(DateTimeOffset sentBeforeUtc, CancellationToken cancellationToken = default);

    /// <summary>Every running job with its ETag (all pages); the reconciler judges each by its heartbeat.</summary>
    Task<IReadOnlyList<Versioned<TJob>>> ListRunningAsync(CancellationToken cancellationToken = default);
}

/// <summary>What the shared protocol needs to know about one kind of queued job: its states and what ends it.</summary>
public interface IQueuedJobKind<TJob>
    where TJob : class
{
    /// <summary>The kind as log messages name it at the start of a sentence (<c>Masking</c>, <c>Sandbox</c>).</summary>
    string Name { get; }

    string IdOf(TJob job);

    /// <summary>The status as log messages show it.</summary>
    string StatusOf(TJob job);

    int AttemptsOf(TJob job);

    string? LastErrorOf(TJob job);

    bool IsFinished(TJob job);

    /// <summary>True when a live run holds the job, so a duplicate message must not start a second one.</summary>
    bool IsClaimedElsewhere(TJob job, DateTimeOffset now);

    /// <summary>The job handed back as queued (for the queue's retry) with the cause of the failed attempt.</summary>
    TJob HandBack(TJob job, string lastError);

    /// <summary>The job marked failed because its message failed as often as the queue allows.</summary>
    TJob GiveUp(TJob job, DateTimeOffset now);

    /// <summary>Finishes what a crash may have left undone after the job ended (audit, outcome elsewhere); idempotent.</summary>
    Task SettleAsync(Versioned<TJob> found, bool gaveUpNow, CancellationToken cancellationToken);
}

/// <summary>
/// The one protocol of every queue-run job (sandbox, masking, any later one). Delivery is at least once, so a run is
/// idempotent: a delivery claims the job with an ETag-conditional write and only the winner runs it; a finished job
/// is not run again; a failed attempt records its last error and hands the job back as queued for the queue's retry;
/// the poison queue finally marks the job failed. While an attempt runs, its worker keeps the job's heartbeat
/// (<see cref="Heartbeat"/>), by which the reconciler hands back a run whose worker died. Details in domain/Jobs/README.md.
/// </summary>
public sealed class QueuedJobProtocol<TJob>(IQueuedJobStore<TJob> jobs, IQueuedJobKind<TJob> kind, IClock clock, ILogger logger)
    where TJob : class, IQueuedJobRecord
{
    /// <summary>The heartbeat kept while an attempt runs; without it (unit tests) no heartbeat is kept and the kind's own rule decides.</summary>
    public JobHeartbeat? Heartbeat { get; init; }

    /// <summary>The kind as heartbeat rows and the reconciler name it (<c>masking</c>, <c>sandbox</c>).</summary>
    private string Key => kind.Name.ToLowerInvariant();

    public const int MaxLastErrorLength = 300;
    public const int MaxWriteAttempts = 10;

    /// <summary>The job a message names, or null (logged) when it names none.</summary>
    public async Task<Versioned<TJob>?> FindAsync(string? jobId, CancellationToken cancellationToken, bool poison = false)
    {
        var found = string.IsNullOrWhiteSpace(jobId) ? null : await jobs.GetAsync(jobId, cancellationToken);
        if (found is null)
        {
            if (poison)
            {
                logger.LogWarning("Poison {Kind} job message names no known job ({JobId}); dropped.", kind.Name.ToLowerInvariant(), jobId);
            }
            else
            {
                logger.LogWarning("{Kind} job message names no known job ({JobId}); dropped.", kind.Name, jobId);
            }
        }

        return found;
    }

    /// <summary>
    /// Settles a job that needs no run: a finished one (after a crash, its outcome may still need recording), or one a
    /// live run holds. True when the delivery is done with it.
    /// </summary>
    public async Task<bool> SettledWithoutRunAsync(Versioned<TJob> found, CancellationToken cancellationToken)
    {
        var job = found.Value;
        if (kind.IsFinished(job))
        {
            logger.LogInformation("{Kind} job {JobId} is already {Status}; not run again.", kind.Name, kind.IdOf(job), kind.StatusOf(job));
            await kind.SettleAsync(found, false, cancellationToken);
            return true;
        }

        if (await IsClaimedElsewhereAsync(job, cancellationToken))
        {
            logger.LogInformation("{Kind} job {JobId} is already running; duplicate message dropped.", kind.Name, kind.IdOf(job));
            return true;
        }

        return false;
    }

    /// <summary>
    /// True when a live run holds the job. With a heartbeat, a running job is held while its last sign of life (beat, or
    /// its start during the first interval, or for a record from before heartbeats) is within the timeout; without one,
    /// the kind's own rule decides.
    /// </summary>
    private async Task<bool> IsClaimedElsewhereAsync(TJob job, CancellationToken cancellationToken)
    {
        if (Heartbeat is null || !job.IsRunning)
        {
            return kind.IsClaimedElsewhere(job, clock.UtcNow);
        }

        return await Heartbeat.IsLiveAsync(Key, job, cancellationToken);
    }

    /// <summary>The claim: writes <paramref name="claimed"/> only if the record still has the ETag read; the new ETag, or null when another write won.</summary>
    public async Task<string?> TryClaimAsync(TJob claimed, string etag, CancellationToken cancellationToken)
    {
        try
        {
            return await jobs.ReplaceAsync(claimed, etag, cancellationToken);
        }
        catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed)
        {
            return null;
        }
    }

    /// <summary>
    /// Runs one attempt; when it fails for any reason but the host stopping, records the last error, hands the job back
    /// as queued and rethrows so the queue retries and finally poisons the message.
    /// </summary>
    public async Task RunAttemptAsync(string jobId, Func<Task> attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        try
        {
            // The heartbeat lives as long as the attempt: a worker that dies stops beating, and the reconciler hands its job back.
            await using var beating = Heartbeat?.Start(Key, jobId);
            await attempt();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await RecordLastErrorAsync(jobId, e);
            throw;
        }
    }

    /// <summary>Keeps the cause of a failed attempt on the job and hands it back as queued (best effort).</summary>
    public async Task RecordLastErrorAsync(string jobId, Exception exception)
    {
        var summary = Summarize(exception);
        try
        {
            var current = await jobs.GetAsync(jobId, CancellationToken.None);
            if (current is not null && !kind.IsFinished(current.Value))
            {
                // Handed back as queued, so the queue's retry of this message can claim it again.
                await jobs.ReplaceAsync(kind.HandBack(current.Value, summary), current.ETag, CancellationToken.None);
            }
        }
        catch (Exception recordFailure)
        {
            logger.LogWarning(recordFailure, "Could not record the last error of {Kind} job {JobId}.", kind.Name.ToLowerInvariant(), jobId);
        }
    }

    /// <summary>
    /// For the poison queue: the job failed as often as the queue allows. Marks it failed with its last error, so its
    /// status says so instead of staying queued or running; a finished job is only settled.
    /// </summary>
    public async Task PoisonAsync(string? jobId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var found = await FindAsync(jobId, cancellationToken, poison: true);
            if (found is null)
            {
                return;
            }

            if (kind.IsFinished(found.Value))
            {
                await kind.SettleAsync(found, false, cancellationToken);
                return;
            }

            var job = found.Value;
            logger.LogError("{Kind} job {JobId} failed {Attempts} time(s) and is abandoned: {LastError}", kind.Name, kind.IdOf(job), kind.AttemptsOf(job), kind.LastErrorOf(job));
            var failed = kind.GiveUp(job, clock.UtcNow);
            try
            {
                var etag = await jobs.ReplaceAsync(failed, found.ETag, cancellationToken);
                await kind.SettleAsync(new Versioned<TJob>(failed, etag), true, cancellationToken);
                return;
            }
            catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed && attempt < MaxWriteAttempts)
            {
            }
        }
    }

    /// <summary>Only the exception type, and the messages of exceptions known to be safe to show; at most <see cref="MaxLastErrorLength"/> characters.</summary>
    public static string Summarize(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var summary = exception switch
        {
            SecretNotFoundException or InvalidOperationException or FileNotFoundException or DomainException => $"{exception.GetType().Name}: {exception.Message}",
            _ => exception.GetType().Name,
        };
        return summary.Length > MaxLastErrorLength ? summary[..MaxLastErrorLength] : summary;
    }
}
