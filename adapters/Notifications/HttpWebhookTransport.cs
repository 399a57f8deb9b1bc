using System.Net;
using System.Text;
using System.Text.Json;
using Platform.Domain.Contacts;
using Platform.Domain.Notifications;
using Platform.Domain.Secrets;
using Platform.Domain.Time;

namespace Platform.Adapters.Notifications;

/// <summary>
/// The webhook channel: a JSON POST in the text-message shape group robots accept (<c>msgtype</c>, <c>text.content</c>)
/// with the notification itself beside it, signed with HMAC-SHA256 over the timestamp and the body
/// (<see cref="WebhookSignature"/>). 2xx is delivered; 408, 429, 5xx and network failures are transient; any other
/// answer is permanent. The notification id is in the body, so a receiver recognises a redelivery.
/// </summary>
public sealed class HttpWebhookTransport(ISecretStore secrets, IClock clock, HttpClient? http = null) : IWebhookTransport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly HttpClient Shared = new() { Timeout = TimeSpan.FromSeconds(15) };
    private readonly HttpClient _http = http ?? Shared;

    public async Task PostAsync(WebhookEndpoint endpoint, Notification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(notification);
        string secret;
        try
        {
            secret = await secrets.GetSecretAsync(endpoint.SecretName, cancellationToken);
        }
        catch (SecretNotFoundException missing)
        {
            throw new NotificationDeliveryException(DeliveryFailureKind.Transient, missing.Message, null, missing);
        }

        var body = JsonSerializer.Serialize(Payload(notification), Json);
        var timestamp = clock.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
        request.Headers.Add("X-Platform-Notification-Id", notification.Id);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new NotificationDeliveryException(DeliveryFailureKind.Transient, $"Webhook {new Uri(endpoint.Url).Host} unreachable: {e.GetType().Name}", null, e);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            var transient = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            throw new NotificationDeliveryException(transient ? DeliveryFailureKind.Transient : DeliveryFailureKind.Permanent,
                $"Webhook {new Uri(endpoint.Url).Host} answered {status}.");
        }
    }

    public static object Payload(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var content = notification.Link is null
            ? $"{notification.Subject}\n{notification.Body}"
            : $"{notification.Subject}\n{notification.Body}\n{EmailComposer.LinkIntro}\n{notification.Link}";
        return new
        {
            msgtype = "text",
            text = new { content },
            notification = new { notification.Id, notification.Category, notification.Subject, notification.Body, notification.Link, notification.Target, notification.CreatedAt },
        };
    }
}
