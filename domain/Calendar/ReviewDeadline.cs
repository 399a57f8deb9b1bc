using Platform.Domain.Time;

namespace Platform.Domain.Calendar;

/// <summary>When a review counted in working days is due, and how it was counted.</summary>
/// <param name="SubmittedAtUtc">The submission instant, in UTC.</param>
/// <param name="WorkingDays">How many working days the reviewer has.</param>
/// <param name="CountingStartsOn">Day 0: the China date the count starts from (itself not counted).</param>
/// <param name="DueLegalDate">The last day to decide: the <paramref name="WorkingDays"/>-th working day after day 0.</param>
/// <param name="DueAtUtc">The end of <paramref name="DueLegalDate"/> in China (24:00 CST = 00:00 CST the next day), in UTC.</param>
/// <param name="FallbackYears">Years looked at that had no calendar, so only weekends counted as days off; ascending.</param>
public sealed record ReviewDeadlineResult(
    DateTimeOffset SubmittedAtUtc,
    int WorkingDays,
    DateOnly CountingStartsOn,
    DateOnly DueLegalDate,
    DateTimeOffset DueAtUtc,
    IReadOnlyList<int> FallbackYears)
{
    public bool UsedFallback => FallbackYears.Count > 0;
}

/// <summary>
/// The provider's review deadline for a data request (M4.3: 5 working days), a pure function of the submission
/// instant and the working-day calendar. All dates are China Standard Time (UTC+8).
/// <list type="number">
/// <item>Day 0 is the submission date when that date is a working day and the submission is before 17:00:00 CST
/// (16:59:59.9999999 still counts). Otherwise — at or after 17:00:00 CST, or on a weekend or holiday — day 0 is the
/// first working day after the submission date.</item>
/// <item>Day 0 itself is not counted. The due date is the N-th working day strictly after day 0 (N = 5 for M4.3).</item>
/// <item>The review is due at the end of the due date: 24:00 CST, i.e. 00:00 CST the next day, i.e. 16:00 UTC on
/// the due date. A decision at any time on the due date is in time.</item>
/// </list>
/// Example: submitted Monday 2026-03-02 10:00 CST → day 0 Monday 03-02 → due Monday 2026-03-09 24:00 CST; submitted
/// the same Monday at 17:30 CST → day 0 Tuesday 03-03 → due Tuesday 2026-03-10 24:00 CST.
/// </summary>
public static class ReviewDeadline
{
    /// <summary>M4.3: a provider decides a data request within 5 working days.</summary>
    public const int DataRequestReviewWorkingDays = 5;

    /// <summary>The upper bound accepted for a working-day period (about a year).</summary>
    public const int MaxWorkingDays = 366;

    /// <summary>Submissions at or after this CST time of day count from the next working day.</summary>
    public static readonly TimeOnly CutOffTime = new(17, 0);

    /// <inheritdoc cref="ReviewDeadline" path="/summary"/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="workingDays"/> is not between 1 and <see cref="MaxWorkingDays"/>.</exception>
    public static ReviewDeadlineResult Compute(DateTimeOffset submittedAtUtc, int workingDays, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentOutOfRangeException.ThrowIfLessThan(workingDays, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(workingDays, MaxWorkingDays);

        var local = ChinaTime.ToChinaTime(submittedAtUtc);
        var submittedOn = DateOnly.FromDateTime(local.DateTime);
        var submittedDay = calendar.Describe(submittedOn);
        IReadOnlyList<int> fallbackYears = submittedDay.IsFallback ? [submittedOn.Year] : [];

        // M4.3: a request received after business hours or on a day off is treated as received the next working day.
        DateOnly countingStartsOn;
        if (submittedDay.IsWorkingDay && TimeOnly.FromDateTime(local.DateTime) < CutOffTime)
        {
            countingStartsOn = submittedOn;
        }
        else
        {
            var next = calendar.NextWorkingDay(submittedOn);
            countingStartsOn = next.Date;
            fallbackYears = WorkingDayCalendar.Union(fallbackYears, next.FallbackYears);
        }

        var due = calendar.AddWorkingDays(countingStartsOn, workingDays);
        return new ReviewDeadlineResult(
            submittedAtUtc.ToUniversalTime(),
            workingDays,
            countingStartsOn,
            due.Date,
            ChinaTime.EndOfDayUtc(due.Date),
            WorkingDayCalendar.Union(fallbackYears, due.FallbackYears));
    }

    /// <summary>The M4.3 deadline: <see cref="DataRequestReviewWorkingDays"/> working days.</summary>
    public static ReviewDeadlineResult ComputeForDataRequest(DateTimeOffset submittedAtUtc, WorkingDayCalendar calendar) =>
        Compute(submittedAtUtc, DataRequestReviewWorkingDays, calendar);
}
