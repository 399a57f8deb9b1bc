using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Platform.Adapters.Notifications;
using Platform.Domain.Notifications;

namespace Platform.Functions.Notifications;

/// <summary>
/// The delivery worker of the outbox (docs/api.md#signed-links): takes a message id from the delivery queue
/// (<c>Notifications:DeliveryQueue</c>, default <c>notifications</c>) and hands the stored message to the sender. A
/// transient failure is queued again with backoff; an unexpected failure is recorded and rethrown, so the queue retries
/// it (host.json: 5 attempts, then <c>{queue}-poison</c>, and the message is marked failed).
/// </summary>
public sealed partial class NotificationDeliveryFunctions(NotificationDispatcher dispatcher, ILogger<NotificationDeliveryFunctions> logger)
{
    private static readonly JsonSerializerOptions MessageJson = new(JsonSerializerDefaults.Web);

    [Function("DeliverNotification")]
    public async Task Deliver([QueueTrigger(TableNotificationOutbox.QueueSetting)] QueueMessage message, CancellationToken cancellationToken)
    {
        var request = JsonSerializer.Deserialize<NotificationDeliveryRequest>(message.Body.ToMemory().Span, MessageJson)
            ?? throw new InvalidDataException($"Queue message {message.MessageId} holds no delivery request.");
        var status = await dispatcher.DeliverAsync(request, message.DequeueCount, cancellationToken);
        LogDelivery(logger, request.Id, request.Recipient, status?.ToString() ?? "not found", message.DequeueCount);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Notification {Id} to {Recipient}: {Status} (attempt {Attempt})")]
    private static partial void LogDelivery(ILogger logger, string id, string recipient, string status, long attempt);
}
