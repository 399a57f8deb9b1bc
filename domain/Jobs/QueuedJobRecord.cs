namespace Platform.Domain.Jobs;

/// <summary>
/// What the shared job rules read of every queued job's record: its id, whether it runs or ended, and the moments of its
/// life (created, requeued, started). Members the records name differently are implemented explicitly, so they stay
/// out of the stored JSON and the API.
/// </summary>
public interface IQueuedJobRecord
{
    string Id { get; }

    bool IsFinished { get; }

    /// <summary>A worker claimed the job and has not ended it.</summary>
    bool IsRunning { get; }

    DateTimeOffset CreatedAt { get; }

    DateTimeOffset? StartedAt { get; }

    int RequeueCount { get; }

    DateTimeOffset? RequeuedAt { get; }
}
