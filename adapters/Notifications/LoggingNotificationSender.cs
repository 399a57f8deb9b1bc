using Microsoft.Extensions.Logging;
using Platform.Domain.Notifications;

namespace Platform.Adapters.Notifications;

/// <summary>
/// The sender on a developer machine and in tests: writes the message to the log instead of mailing it. A link is a
/// credential, so only its path up to the token is logged; developers open links from GET /api/notifications.
/// </summary>
public sealed partial class LoggingNotificationSender(ILogger<LoggingNotificationSender> logger) : INotificationSender
{
    public Task SendAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        LogDelivered(logger, notification.Id, notification.Recipient.Key, notification.Subject, Redact(notification.Link));
        return Task.CompletedTask;
    }

    public static string? Redact(string? link)
    {
        if (link is null)
        {
            return null;
        }

        var lastSlash = link.LastIndexOf('/');
        return lastSlash < 0 ? "(link)" : link[..(lastSlash + 1)] + "…";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Id} to {Recipient}: {Subject} (link {Link})")]
    private static partial void LogDelivered(ILogger logger, string id, string recipient, string subject, string? link);
}
