namespace Platform.Domain.Notifications;

/// <summary>An e-mail ready to hand to a mail service.</summary>
public sealed record EmailMessage(IReadOnlyList<string> To, string Subject, string TextBody);

/// <summary>The mail service a production deployment plugs in (SMTP relay, Azure Communication Services, …).</summary>
public interface IEmailTransport
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default);
}

/// <summary>The e-mail addresses behind a recipient (the members of an organisation, the holders of a role).</summary>
public interface IRecipientAddressBook
{
    Task<IReadOnlyList<string>> AddressesOfAsync(Recipient recipient, CancellationToken cancellationToken = default);
}

/// <summary>
/// The production sender: resolves the recipient's addresses and sends a plain-text e-mail with the link, if any.
/// A recipient without an address is a failure, so the message is retried and, in the end, marked failed.
/// </summary>
public sealed class EmailNotificationSender(IRecipientAddressBook addresses, IEmailTransport transport) : INotificationSender
{
    public async Task SendAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var to = await addresses.AddressesOfAsync(notification.Recipient, cancellationToken);
        if (to.Count == 0)
        {
            throw new InvalidOperationException($"No e-mail address is known for {notification.Recipient.Key}.");
        }

        var body = notification.Link is null
            ? notification.Body
            : $"{notification.Body}\n\n请打开以下链接处理（链接仅限本人使用，请勿转发）：\n{notification.Link}";
        await transport.SendAsync(new EmailMessage(to, notification.Subject, body), cancellationToken);
    }
}
