namespace Platform.Domain.Jobs;

/// <summary>
/// Settings of the queued-job reconciler (section <c>Jobs</c>), validated at start-up: a job recorded as queued whose
/// queue message never arrived (the send failed, or the process died between the two writes) is sent again.
/// </summary>
public sealed class JobReconciliationOptions
{
    public const string SectionName = "Jobs";

    /// <summary>Six-field NCrontab schedule (UTC) of the reconciler; read by the timer trigger as <c>%Jobs:ReconcileSchedule%</c>.</summary>
    public string ReconcileSchedule { get; set; } = "0 */5 * * * *";

    /// <summary>How long a job may stay queued after its last message before it is sent again.</summary>
    public TimeSpan RequeueAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many times a job is sent again before it is marked failed instead.</summary>
    public int MaxRequeues { get; set; } = 3;

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

    /// <summary>It was sent again as often as allowed and never started: mark it failed.</summary>
    GiveUp,
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

/// <summary>What one reconciler run did.</summary>
public sealed record ReconciliationSummary(int Requeued, int GaveUp, int Skipped, int Errors);
