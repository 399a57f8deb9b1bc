namespace Platform.Domain.Workflows;

/// <summary>
/// When a review or ticket that waits under a legal deadline is looked at again: at the due moment, then once per
/// deadline period after it while nobody has answered. Silence never decides; the waiting party is escalated and
/// reminded at each look (M4.2 scenario reviews, M4.3 data-request reviews, M4.5.1 product reviews, M4.7.1 quality tickets).
/// </summary>
public static class DeadlineChecks
{
    /// <summary>
    /// The legal moment of check <paramref name="check"/> (1 = the due moment). The period is the time from the anchor to
    /// the due moment, or one day when the deadline is not after the anchor.
    /// </summary>
    public static DateTime CheckMoment(DateTime anchorUtc, DateTime dueUtc, int check)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(check, 1);
        var period = dueUtc > anchorUtc ? dueUtc - anchorUtc : TimeSpan.FromDays(1);
        return dueUtc + (period * (check - 1));
    }
}
