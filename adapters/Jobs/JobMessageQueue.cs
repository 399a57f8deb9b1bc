using Azure.Storage.Queues;
using Platform.Adapters.Storage;

namespace Platform.Adapters.Jobs;

/// <summary>The message of every job queue: the job id only, the job record holds the rest.</summary>
public sealed record JobMessage(string JobId);

/// <summary>
/// Sends job messages (<see cref="JobMessage"/>) to one job queue with the registered <see cref="QueueServiceClient"/>,
/// whose Base64 message encoding is what the queue trigger expects (host.json <c>messageEncoding</c>). Each kind of job
/// names its queue in a subclass; the Functions host moves a message to <c>&lt;queue&gt;-poison</c> after its last failed attempt.
/// </summary>
public abstract class JobMessageQueue(QueueServiceClient queues, string queueName)
{
    private readonly JsonQueueSender _sender = new(queues, queueName);

    public Task EnqueueAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        return _sender.SendAsync(new JobMessage(jobId), cancellationToken);
    }
}
