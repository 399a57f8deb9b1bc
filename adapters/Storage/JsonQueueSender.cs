using System.Text.Json;
using Azure.Storage.Queues;

namespace Platform.Adapters.Storage;

/// <summary>
/// Sends JSON messages to one queue with the registered <see cref="QueueServiceClient"/>, whose Base64 message
/// encoding is what the queue trigger expects (host.json <c>messageEncoding</c>); creates the queue on first use.
/// </summary>
public sealed class JsonQueueSender(QueueServiceClient queues, string queueName)
{
    private static readonly JsonSerializerOptions MessageJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Raised with the queue's name after each message is sent, for a queue listener in the same process (the local host
    /// polls that queue at once instead of at its next idle poll; issue 18.2). Nothing listens on Azure.
    /// </summary>
    public static event Action<string>? Sent;
    private readonly QueueClient _queue = queues.GetQueueClient(queueName);
    private int _created;

    public async Task SendAsync<T>(T message, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            Volatile.Write(ref _created, 1);
        }

        var text = JsonSerializer.Serialize(message, MessageJson);
        try
        {
            await _queue.SendMessageAsync(text, cancellationToken);
            Sent?.Invoke(_queue.Name);
        }
        catch (Azure.RequestFailedException missing) when (missing.ErrorCode == "QueueNotFound")
        {
            // Storage was reset since the queue was created: create it again rather than failing every send.
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await _queue.SendMessageAsync(text, cancellationToken);
            Sent?.Invoke(_queue.Name);
        }
    }
}
