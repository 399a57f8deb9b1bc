using System.Text.Json;
using Azure.Storage.Queues;
using Platform.Domain.Resources;

namespace Platform.Adapters.Resources;

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

        await _queue.SendMessageAsync(JsonSerializer.Serialize(new MaskingJobMessage(jobId), MessageJson), cancellationToken);
    }
}
