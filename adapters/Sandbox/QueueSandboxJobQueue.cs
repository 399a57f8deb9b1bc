using Azure.Storage.Queues;
using Platform.Adapters.Storage;
using Platform.Domain.Sandbox;

namespace Platform.Adapters.Sandbox;

/// <summary>The message on the <c>sandbox-jobs</c> queue: the job id only, the job record holds the rest.</summary>
public sealed record SandboxJobMessage(string JobId);

/// <summary>Sends job messages with the registered <see cref="QueueServiceClient"/> (Base64, as the queue trigger expects).</summary>
public sealed class QueueSandboxJobQueue(QueueServiceClient queues) : ISandboxJobQueue
{
    public const string QueueName = "sandbox-jobs";

    /// <summary>Where the Functions host moves a message after its last failed attempt.</summary>
    public const string PoisonQueueName = QueueName + "-poison";

    private readonly JsonQueueSender _sender = new(queues, QueueName);

    public Task EnqueueAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        return _sender.SendAsync(new SandboxJobMessage(jobId), cancellationToken);
    }
}
