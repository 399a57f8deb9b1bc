using Azure.Storage.Queues;
using Platform.Adapters.Storage;
using Platform.Domain.Resources;
using Platform.Domain.Masking;

namespace Platform.Adapters.Masking;

/// <summary>The message on the <c>masking-jobs</c> queue: the job id only, the job record holds the rest.</summary>
public sealed record MaskingJobMessage(string JobId);

/// <summary>
/// Sends job messages with the registered <see cref="QueueServiceClient"/>, whose Base64 message encoding is what the
/// queue trigger expects (host.json <c>messageEncoding</c>).
/// </summary>
public sealed class QueueMaskingJobQueue(QueueServiceClient queues) : IMaskingJobQueue
{
    public const string QueueName = "masking-jobs";

    /// <summary>Where the Functions host moves a message after its last failed attempt.</summary>
    public const string PoisonQueueName = QueueName + "-poison";

    private readonly JsonQueueSender _sender = new(queues, QueueName);

    public Task EnqueueAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        return _sender.SendAsync(new MaskingJobMessage(jobId), cancellationToken);
    }
}
