using Azure.Storage.Queues;
using Platform.Adapters.Jobs;
using Platform.Domain.Sandbox;

namespace Platform.Adapters.Sandbox;

/// <summary>The message on the <c>sandbox-jobs</c> queue: the job id only, the job record holds the rest.</summary>
public sealed record SandboxJobMessage(string JobId);

/// <summary>The <c>sandbox-jobs</c> queue (sender shared with every job queue: <see cref="JobMessageQueue"/>).</summary>
public sealed class QueueSandboxJobQueue(QueueServiceClient queues) : JobMessageQueue(queues, QueueName), ISandboxJobQueue
{
    public const string QueueName = "sandbox-jobs";

    /// <summary>Where the Functions host moves a message after its last failed attempt.</summary>
    public const string PoisonQueueName = QueueName + "-poison";
}
