using Azure.Storage.Queues;
using Platform.Adapters.Jobs;
using Platform.Domain.Masking;

namespace Platform.Adapters.Masking;

/// <summary>The message on the <c>masking-jobs</c> queue: the job id only, the job record holds the rest.</summary>
public sealed record MaskingJobMessage(string JobId);

/// <summary>The <c>masking-jobs</c> queue (sender shared with every job queue: <see cref="JobMessageQueue"/>).</summary>
public sealed class QueueMaskingJobQueue(QueueServiceClient queues) : JobMessageQueue(queues, QueueName), IMaskingJobQueue
{
    public const string QueueName = "masking-jobs";

    /// <summary>Where the Functions host moves a message after its last failed attempt.</summary>
    public const string PoisonQueueName = QueueName + "-poison";
}
