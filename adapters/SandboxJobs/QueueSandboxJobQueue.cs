using System.Text.Json;
using Azure.Storage.Queues;
using Platform.Domain.SandboxJobs;

namespace Platform.Adapters.SandboxJobs;

/// <summary>The message on the <c>sandbox-jobs</c> queue: the job id only, the job record holds the rest.</summary>
public sealed record SandboxJobMessage(string JobId);

/// <summary>Sends job messages with the registered <see cref="QueueServiceClient"/> (Base64, as the queue trigger expects).</summary>
public sealed class QueueSandboxJobQueue(QueueServiceClient queues) : ISandboxJobQueue
{
    public const string QueueName = "sandbox-jobs";

    /// <summary>Where the Functions host moves a message after its last failed attempt.</summary>
    public const string PoisonQueueName = QueueName + "-poison";

    private static readonly JsonSerializerOptions MessageJson = new(JsonSerializerDefaults.Web);

    private readonly QueueClient _queue = queues.GetQueueClient(QueueName);
    private int _created;

    public async Task EnqueueAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        if (Volatile.Read(ref _created) == 0)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            Volatile.Write(ref _created, 1);
        }

        await _queue.SendMessageAsync(JsonSerializer.Serialize(new SandboxJobMessage(jobId), MessageJson), cancellationToken);
    }
}
