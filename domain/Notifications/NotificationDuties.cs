using Platform.Domain.Contacts;

namespace Platform.Domain.Notifications;

/// <summary>Which duty of a recipient's contacts fits a notification (issue 17: "the contacts whose duty fits the notification kind").</summary>
public static class NotificationDuties
{
    /// <summary>The category of the authority's notice that a message could not be delivered.</summary>
    public const string DeliveryFailedCategory = "notification-failed";

    private static readonly Dictionary<string, string> ByCategory = new(StringComparer.Ordinal)
    {
        // M4.2, M4.3, M4.1, M4.5: review lifecycles and their results
        ["scenario-review"] = ContactDuties.Review,
        ["data-request"] = ContactDuties.Review,
        ["resource"] = ContactDuties.Review,
        ["product-compliance"] = ContactDuties.Review,
        // M5.1: output checks of sandbox results
        ["output-release"] = ContactDuties.OutputCheck,
        // M5.5: incidents and suspension
        ["incident"] = ContactDuties.Security,
        ["suspension"] = ContactDuties.Security,
        // M5.6, M5.7, M4.7.4: reports, filings, evaluations, disclosure
        ["annual-report"] = ContactDuties.Reports,
        ["filing"] = ContactDuties.Reports,
        ["evaluation"] = ContactDuties.Reports,
        ["disclosure"] = ContactDuties.Reports,
    };

    /// <summary>
    /// A message with a link asks for a decision, so it goes to reviewers; otherwise the category decides, and anything
    /// not listed (agreements, grants, products, quality tickets, delivery failures) goes to the general contacts.
    /// </summary>
    public static string DutyOf(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (ByCategory.TryGetValue(notification.Category, out var duty))
        {
            return duty;
        }

        return notification.Link is null ? ContactDuties.General : ContactDuties.Review;
    }
}

/// <summary>How delivery is retried (settings <c>Notifications:*</c>).</summary>
public sealed class NotificationDeliveryOptions
{
    public const string SectionName = "Notifications";

    /// <summary><c>Notifications:MaxAttempts</c>: attempts before a transient failure becomes <c>failed</c>.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary><c>Notifications:RetryBaseDelay</c>: wait before the second attempt; doubles with each further one.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>Notifications:RetryMaxDelay</c>: the longest wait between two attempts.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary><c>Notifications:DeliveryQueue</c>: the queue the delivery worker listens to.</summary>
    public string DeliveryQueue { get; set; } = "notifications";

    /// <summary>Exponential backoff: the wait after the <paramref name="failedAttempt"/>-th attempt failed.</summary>
    public TimeSpan BackoffAfter(int failedAttempt)
    {
        var exponent = Math.Clamp(failedAttempt - 1, 0, 30);
        var ticks = Math.Min((double)RetryBaseDelay.Ticks * Math.Pow(2, exponent), RetryMaxDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
