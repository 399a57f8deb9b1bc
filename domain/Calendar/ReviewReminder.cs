using Platform.Domain.Time;

namespace Platform.Domain.Calendar;

/// <summary>When to remind a reviewer, and how that day was found.</summary>
/// <param name="RemindOn">The China date of the reminder: a working day, N working days before the due date.</param>
/// <param name="RemindAtUtc">The reminder moment: <paramref name="RemindOn"/> at the chosen CST time of day, in UTC.</param>
/// <param name="FallbackYears">Years looked at that had no calendar (weekends only); ascending.</param>
public sealed record ReminderResult(DateOnly RemindOn, DateTimeOffset RemindAtUtc, IReadOnlyList<int> FallbackYears);

/// <summary>
/// Reminders before a review deadline (M4.3): "N working days before the deadline" is the N-th working day
/// strictly before the due date, at <see cref="DefaultLocalTime"/> CST unless told otherwise; N = 0 is the due date itself.
/// </summary>
public static class ReviewReminder
{
    /// <summary>Reminders go out at the start of the business day in China.</summary>
    public static readonly TimeOnly DefaultLocalTime = new(9, 0);

    public static ReminderResult Compute(DateOnly dueLegalDate, int workingDaysBefore, WorkingDayCalendar calendar, TimeOnly? localTime = null)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentOutOfRangeException.ThrowIfNegative(workingDaysBefore);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(workingDaysBefore, ReviewDeadline.MaxWorkingDays);

        var day = calendar.AddWorkingDays(dueLegalDate, -workingDaysBefore);
        var fallbackYears = workingDaysBefore == 0 && calendar.Describe(dueLegalDate).IsFallback
            ? [dueLegalDate.Year]
            : day.FallbackYears;
        var at = new DateTimeOffset(day.Date.ToDateTime(localTime ?? DefaultLocalTime), ChinaTime.Offset).ToUniversalTime();
        return new ReminderResult(day.Date, at, fallbackYears);
    }

    /// <summary>
    /// The reminder for <paramref name="deadline"/>, or null when that moment is not after the submission (a period
    /// too short for this reminder): then there is nothing to send.
    /// </summary>
    public static ReminderResult? ForDeadline(ReviewDeadlineResult deadline, int workingDaysBefore, WorkingDayCalendar calendar, TimeOnly? localTime = null)
    {
        ArgumentNullException.ThrowIfNull(deadline);
        var reminder = Compute(deadline.DueLegalDate, workingDaysBefore, calendar, localTime);
        return reminder.RemindAtUtc > deadline.SubmittedAtUtc ? reminder : null;
    }
}
