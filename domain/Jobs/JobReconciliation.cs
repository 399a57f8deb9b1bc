namespace Platform.Domain.Jobs;

/// <summary>
/// Settings of the queued-job reconciler and of the workers' heartbeat (section <c>Jobs</c>), validated at start-up: a
/// job recorded as queued whose queue message never arrived (the send failed, or the process died between the two
/// writes) is sent again; a running job whose worker stopped beating is handed back to the queue.
/// </summary>
public sealed class JobReconciliationOptions
{
    public const string SectionName = "Jobs";

    /// <summary>Six-field NCrontab schedule (UTC) of the reconciler; read by the timer trigger as <c>%Jobs:ReconcileSchedule%</c>.</summary>
    /// <remarks>Every 20 seconds by default, so a run whose worker died is handed back well within 2 minutes (timeout + one period).</remarks>
    public string ReconcileSchedule { get; set; } = "*/20 * * * * *";

    /// <summary>How long a job may stay queued after its last message before it is sent again.</summary>
    public TimeSpan RequeueAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many times a job is sent again before it is marked failed instead.</summary>
    public int MaxRequeues { get; set; } = 3;

    /// <summary>How often a worker records that its run of a job is alive (the job's heartbeat).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A running job whose last sign of life (heartbeat, start) is older than this lost its worker and is handed back.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Problems with the settings, each naming its setting; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(ReconcileSchedule) || ReconcileSchedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 6)
        {
            failures.Add($"{SectionName}:{nameof(ReconcileSchedule)} must be a six-field NCrontab schedule (UTC), e.g. '0 */5 * * * *'; it is '{ReconcileSchedule}'.");
        }

        if (RequeueAfter <= TimeSpan.Zero)
        {
            failures.Add($"{SectionName}:{nameof(RequeueAfter)} must be a positive time span (e.g. 00:05:00); it is {RequeueAfter}.");
        }

        if (MaxRequeues is < 0 or > 100)
        {
            failures.Add($"{SectionName}:{nameof(MaxRequeues)} must be from 0 to 100; it is {MaxRequeues}.");
        }

        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            failures.Add($"{SectionName}:{nameof(HeartbeatInterval)} must be a positive time span (e.g. 00:00:15); it is {HeartbeatInterval}.");
        }

        if (HeartbeatTimeout < 2 * HeartbeatInterval || HeartbeatTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{SectionName}:{nameof(HeartbeatTimeout)} must be at least twice {SectionName}:{nameof(HeartbeatInterval)} ({HeartbeatInterval}), so one late beat does not hand a live run back; it is {HeartbeatTimeout}.");
        }

        return failures;
    }
}

/// <summary>What the reconciler does with one queued job.</summary>
public enum QueuedJobAction
{
    /// <summary>Its message was sent recently enough; it may still be on its way.</summary>
    Wait,

    /// <summary>Send its message again.</summary>
    Requeue,

    /// <summary>It was sent again (or handed back) as often as allowed: mark it failed.</summary>
    GiveUp,

    /// <summary>A running job whose worker is gone (no heartbeat within the timeout): queued again and its message sent again.</summary>
    HandBack,
}

/// <summary>Which queued jobs are sent again, and when the reconciler stops trying.</summary>
public static class QueuedJobRule
{
    public const string NeverStartedCode = "jobs.never_started";

    /// <summary>
    /// The last sign of life of a queued job: its creation, its last requeue, or its last start (a failed attempt hands
    /// the job back as queued while the queue retries it, which must not look like a lost message).
    /// </summary>
    public static DateTimeOffset LastActivityAt(DateTimeOffset createdAt, DateTimeOffset? requeuedAt, DateTimeOffset? startedAt)
    {
        var latest = createdAt;
        foreach (var moment in new[] { requeuedAt, startedAt })
        {
            if (moment is { } value && value > latest)
            {
                latest = value;
            }
        }

        return latest;
    }

    /// <summary>
    /// The cutoff of the store query: a queued job whose last message is older than this is a candidate.
    /// </summary>
    public static DateTimeOffset Cutoff(DateTimeOffset now, JobReconciliationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return now - options.RequeueAfter;
    }

    public static QueuedJobAction Decide(DateTimeOffset lastActivityAt, int requeueCount, DateTimeOffset now, JobReconciliationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (now - lastActivityAt < options.RequeueAfter)
        {
            return QueuedJobAction.Wait;
        }

        return requeueCount >= options.MaxRequeues ? QueuedJobAction.GiveUp : QueuedJobAction.Requeue;
    }

    public static string NeverStartedReason(int requeueCount, TimeSpan requeueAfter)
        => $"The job stayed queued: its message was sent {requeueCount + 1} time(s), {requeueAfter} apart, and no worker ever started it. Start a new job.";
}

/// <summary>
/// Whether a running job still has a live worker. A worker beats every <see cref="JobReconciliationOptions.HeartbeatInterval"/>
/// while it runs the job; a run whose last sign of life is older than <see cref="JobReconciliationOptions.HeartbeatTimeout"/>
/// lost its worker (the process died) and is handed back to the queue.
/// </summary>
public static class RunningJobRule
{
    public const string WorkerLostCode = "jobs.worker_lost";

    /// <summary>
    /// The last sign of life of a running job: its last heartbeat, or its (last) start, or its last requeue, or its creation.
    /// A record written before heartbeats existed has no beat (and may lack the <c>QueuedAt</c> column): its start or
    /// creation counts. A beat left by an earlier attempt is older than the current start and so does not count.
    /// </summary>
    public static DateTimeOffset LastSignOfLife(DateTimeOffset? lastBeatAt, DateTimeOffset createdAt, DateTimeOffset? requeuedAt, DateTimeOffset? startedAt)
    {
        var latest = QueuedJobRule.LastActivityAt(createdAt, requeuedAt, startedAt);
        return lastBeatAt is { } beat && beat > latest ? beat : latest;
    }

    /// <summary>True while the run's last sign of life is within the heartbeat timeout.</summary>
    public static bool IsLive(DateTimeOffset lastSignOfLife, DateTimeOffset now, TimeSpan heartbeatTimeout)
        => now - lastSignOfLife < heartbeatTimeout;

    /// <summary>
    /// What the reconciler does with a running job: wait while it is live; hand it back to the queue when its worker is
    /// gone; give up when it was handed back (or requeued) as often as <see cref="JobReconciliationOptions.MaxRequeues"/> allows.
    /// </summary>
    public static QueuedJobAction Decide(DateTimeOffset lastSignOfLife, int requeueCount, DateTimeOffset now, JobReconciliationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (IsLive(lastSignOfLife, now, options.HeartbeatTimeout))
        {
            return QueuedJobAction.Wait;
        }

        return requeueCount >= options.MaxRequeues ? QueuedJobAction.GiveUp : QueuedJobAction.HandBack;
    }

    public static string WorkerLostReason(int requeueCount)
        => $"The job's worker stopped while running it and the job was handed back {requeueCount} time(s), as often as allowed; it was abandoned. Start a new job.";
}

/// <summary>What one reconciler run did; <paramref name="HandedBack"/> counts running jobs whose worker was gone, sent again.</summary>
public sealed record ReconciliationSummary(int Requeued, int GaveUp, int Skipped, int Errors, int HandedBack = 0);
