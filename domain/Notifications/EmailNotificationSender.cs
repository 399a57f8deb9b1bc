using System.Net;
using System.Security.Cryptography;
using System.Text;
using Platform.Domain.Contacts;

namespace Platform.Domain.Notifications;

/// <summary>
/// An e-mail ready to hand to a mail service: plain text and HTML alternatives, and a Message-ID local part derived
/// from the notification id, so a redelivery of the same notification is recognisable as such.
/// </summary>
public sealed record EmailMessage(IReadOnlyList<string> To, string Subject, string TextBody, string? HtmlBody = null, string? MessageIdLocalPart = null);

/// <summary>The mail service a deployment plugs in (an SMTP relay: a government mail server or Azure Communication Services).</summary>
public interface IEmailTransport
{
    /// <summary>Sends the message; throws <see cref="NotificationDeliveryException"/> saying whether a retry can help.</summary>
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default);
}

/// <summary>Posts a signed JSON message to an organisation's webhook; throws <see cref="NotificationDeliveryException"/> on failure.</summary>
public interface IWebhookTransport
{
    Task PostAsync(WebhookEndpoint endpoint, Notification notification, CancellationToken cancellationToken = default);
}

/// <summary>The e-mail addresses behind a recipient for a duty (its contacts holding it), and its webhook if any.</summary>
public interface IRecipientAddressBook
{
    Task<IReadOnlyList<string>> AddressesOfAsync(Recipient recipient, string duty, CancellationToken cancellationToken = default);

    Task<WebhookEndpoint?> WebhookOfAsync(Recipient recipient, CancellationToken cancellationToken = default)
        => Task.FromResult<WebhookEndpoint?>(null);
}

/// <summary>
/// The production sender: resolves the recipient's contacts whose duty fits the notification kind and e-mails them
/// one message (text + HTML, Chinese, the link as the only call to action); then posts to the recipient's webhook, if
/// one is set. Nobody to reach is a permanent failure. Channels delivered on an earlier attempt are not repeated.
/// </summary>
public sealed class EmailNotificationSender(IRecipientAddressBook addresses, IEmailTransport transport, IWebhookTransport? webhooks = null) : IChannelNotificationSender
{
    public const string EmailChannel = "email";
    public const string WebhookChannel = "webhook";

    public Task SendAsync(Notification notification, CancellationToken cancellationToken = default)
        => SendAsync(notification, new HashSet<string>(), cancellationToken);

    public async Task<IReadOnlyList<string>> SendAsync(Notification notification, IReadOnlySet<string> alreadyDelivered, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(alreadyDelivered);
        var duty = NotificationDuties.DutyOf(notification);
        var to = await addresses.AddressesOfAsync(notification.Recipient, duty, cancellationToken);
        var webhook = webhooks is null ? null : await addresses.WebhookOfAsync(notification.Recipient, cancellationToken);
        if (to.Count == 0 && webhook is null)
        {
            throw new NotificationDeliveryException(DeliveryFailureKind.Permanent,
                $"No contact of {notification.Recipient.Key} has the duty '{duty}', and no webhook is set.");
        }

        var delivered = new List<string>();
        if (to.Count > 0 && !alreadyDelivered.Contains(EmailChannel))
        {
            await transport.SendAsync(EmailComposer.Compose(notification, to), cancellationToken);
            delivered.Add(EmailChannel);
        }

        if (webhook is not null && !alreadyDelivered.Contains(WebhookChannel))
        {
            try
            {
                await webhooks!.PostAsync(webhook, notification, cancellationToken);
            }
            catch (NotificationDeliveryException failure)
            {
                throw new NotificationDeliveryException(failure.Kind, $"webhook: {failure.Message}", delivered, failure);
            }

            delivered.Add(WebhookChannel);
        }

        return delivered;
    }
}

/// <summary>The e-mail of a notification: Chinese text and HTML, every value HTML-escaped, the link the only call to action.</summary>
public static class EmailComposer
{
    public const string LinkIntro = "请打开以下链接处理（链接仅限本人使用，请勿转发）：";
    public const string Footer = "湖北省公共数据资源授权运营平台 · 系统邮件，请勿直接回复";

    public static EmailMessage Compose(Notification notification, IReadOnlyList<string> to)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var text = new StringBuilder(notification.Body);
        if (notification.Link is not null)
        {
            text.Append("\n\n").Append(LinkIntro).Append('\n').Append(notification.Link);
        }

        text.Append("\n\n——\n").Append(Footer).Append('\n');

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(notification.Subject))
            .Append("</title></head><body style=\"font-family:sans-serif;line-height:1.6\">")
            .Append("<h2 style=\"font-size:18px\">").Append(WebUtility.HtmlEncode(notification.Subject)).Append("</h2>");
        foreach (var paragraph in notification.Body.Split('\n'))
        {
            html.Append("<p>").Append(WebUtility.HtmlEncode(paragraph)).Append("</p>");
        }

        if (notification.Link is not null)
        {
            html.Append("<p>").Append(WebUtility.HtmlEncode(LinkIntro)).Append("</p>")
                .Append("<p><a href=\"").Append(WebUtility.HtmlEncode(notification.Link)).Append("\" style=\"display:inline-block;padding:8px 16px;background:#1f5fa8;color:#fff;text-decoration:none;border-radius:4px\">打开处理页面</a></p>");
        }

        html.Append("<hr><p style=\"color:#666;font-size:12px\">").Append(WebUtility.HtmlEncode(Footer)).Append("</p></body></html>");
        return new EmailMessage(to, notification.Subject, text.ToString(), html.ToString(), MessageIdLocalPart(notification.Id));
    }

    /// <summary>
    /// The local part of the Message-ID: the notification id where it is plain (letters, digits, '-', '.', '_'),
    /// otherwise a hash of it; the same notification always gets the same Message-ID.
    /// </summary>
    public static string MessageIdLocalPart(string notificationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(notificationId);
        var plain = notificationId.Length <= 200 && notificationId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')
            && notificationId[0] != '.' && notificationId[^1] != '.' && !notificationId.Contains("..", StringComparison.Ordinal);
        return "notification." + (plain ? notificationId : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(notificationId))));
    }
}

/// <summary>
/// The signature of a webhook POST, as group robots of office messengers check it: HMAC-SHA256 under the shared
/// secret over the timestamp, a line feed and the body, hex-encoded. The receiver rejects stale timestamps.
/// </summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "X-Platform-Timestamp";
    public const string SignatureHeader = "X-Platform-Signature";
    public const string Scheme = "sha256=";

    public static string Sign(string secret, long unixSeconds, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(body);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{unixSeconds}\n{body}"));
        return Scheme + Convert.ToHexStringLower(mac);
    }

    public static bool Verify(string secret, long unixSeconds, string body, string? signature)
        => signature is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, unixSeconds, body)), Encoding.ASCII.GetBytes(signature));
}
