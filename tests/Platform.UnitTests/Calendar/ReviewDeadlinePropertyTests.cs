using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Platform.Domain.Calendar;

namespace Platform.UnitTests.Calendar;

/// <summary>
/// Properties of the M4.3 deadline over random submissions (2024-06 to 2027-06, so uncovered years occur too) and
/// over both the shipped calendars and random ones. Working days are judged by <see cref="DeadlineCase.OracleIsWorkingDay"/>,
/// written from the rule itself rather than through <see cref="WorkingDayCalendar"/>.
/// </summary>
public sealed class ReviewDeadlinePropertyTests
{
    [Property(Arbitrary = [typeof(DeadlineArbitraries)])]
    public bool Compute_Always_DueDateIsAWorkingDay(DeadlineCase c) =>
        c.OracleIsWorkingDay(c.Compute().DueLegalDate);

    [Property(Arbitrary = [typeof(DeadlineArbitraries)])]
    public bool Compute_Always_DueAfterSubmission(DeadlineCase c)
    {
        var result = c.Compute();
        return result.DueAtUtc > c.SubmittedAt && result.DueLegalDate > c.SubmittedOn;
    }

    [Property(Arbitrary = [typeof(DeadlineArbitraries)])]
    public bool Compute_Always_ExactlyNWorkingDaysAfterDayZeroUpToDue(DeadlineCase c)
    {
        var result = c.Compute();
        return c.OracleWorkingDaysBetween(result.CountingStartsOn, result.DueLegalDate) == c.WorkingDays
            && c.Calendar.WorkingDaysBetween(result.CountingStartsOn, result.DueLegalDate).Count == c.WorkingDays;
    }

    [Property(Arbitrary = [typeof(DeadlineArbitraries)])]
    public bool Compute_Always_DayZeroFollowsTheCutOffRule(DeadlineCase c)
    {
        var result = c.Compute();
        var local = c.SubmittedAt.ToOffset(TimeSpan.FromHours(8));
        var countsSameDay = c.OracleIsWorkingDay(c.SubmittedOn) && local.Hour < 17;
        var workingDaysToDayZero = c.OracleWorkingDaysBetween(c.SubmittedOn, result.CountingStartsOn);
        return c.OracleIsWorkingDay(result.CountingStartsOn)
            && (countsSameDay ? result.CountingStartsOn == c.SubmittedOn : workingDaysToDayZero == 1 && result.CountingStartsOn > c.SubmittedOn);
    }

    [Property(Arbitrary = [typeof(DeadlineArbitraries)])]
    public bool Compute_Always_DueAtIsEndOfDueDateInChina(DeadlineCase c)
    {
        var result = c.Compute();
        var dueNextDayMidnightCst = new DateTimeOffset(result.DueLegalDate.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
        return result.DueAtUtc == dueNextDayMidnightCst && result.DueAtUtc.Offset == TimeSpan.Zero;
    }

    [Property(Arbitrary = [typeof(DeadlineArbitraries)])]
    public bool Compute_Always_ReportsExactlyTheUncoveredYearsLookedAt(DeadlineCase c)
    {
        var result = c.Compute();
        var expected = Enumerable.Range(c.SubmittedOn.Year, result.DueLegalDate.Year - c.SubmittedOn.Year + 1)
            .Where(y => !c.CoveredYears.Contains(y));
        return result.FallbackYears.SequenceEqual(expected);
    }

    [Property(Arbitrary = [typeof(DeadlineArbitraries)])]
    public bool ReminderCompute_Always_WorkingDayExactlyKWorkingDaysBeforeDue(DeadlineCase c)
    {
        var result = c.Compute();
        return Enumerable.Range(1, c.WorkingDays).All(k =>
        {
            var reminder = ReviewReminder.Compute(result.DueLegalDate, k, c.Calendar);
            return c.OracleIsWorkingDay(reminder.RemindOn)
                && c.OracleWorkingDaysBetween(reminder.RemindOn, result.DueLegalDate) == k;
        });
    }
}

public sealed record DeadlineCase(
    DateTimeOffset SubmittedAt,
    int WorkingDays,
    WorkingDayCalendar Calendar,
    IReadOnlySet<DateOnly> Holidays,
    IReadOnlySet<DateOnly> AdjustedWorkingDays,
    IReadOnlySet<int> CoveredYears,
    string CalendarName)
{
    public DateOnly SubmittedOn => DateOnly.FromDateTime(SubmittedAt.ToOffset(TimeSpan.FromHours(8)).DateTime);

    public ReviewDeadlineResult Compute() => ReviewDeadline.Compute(SubmittedAt, WorkingDays, Calendar);

    public bool OracleIsWorkingDay(DateOnly date)
    {
        var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        if (!CoveredYears.Contains(date.Year))
        {
            return !weekend;
        }

        return AdjustedWorkingDays.Contains(date) || (!Holidays.Contains(date) && !weekend);
    }

    public int OracleWorkingDaysBetween(DateOnly fromExclusive, DateOnly toInclusive)
    {
        var count = 0;
        for (var date = fromExclusive.AddDays(1); date <= toInclusive; date = date.AddDays(1))
        {
            count += OracleIsWorkingDay(date) ? 1 : 0;
        }

        return count;
    }

    public override string ToString() =>
        $"submitted {SubmittedAt.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd HH:mm:ss} CST, {WorkingDays} working days, {CalendarName} calendar";
}

public static class DeadlineArbitraries
{
    private static readonly DateTimeOffset First = new(2024, 6, 1, 0, 0, 0, TimeSpan.FromHours(8));
    private static readonly int Days = (int)(new DateTimeOffset(2027, 6, 30, 0, 0, 0, TimeSpan.FromHours(8)) - First).TotalDays;

    // Times around the 17:00 cut-off and the CST midnight turn up far more often than chance would give them.
    private static readonly TimeSpan[] EdgeTimes =
    [
        new(0, 0, 0), new(8, 59, 59), new(16, 59, 59), new(17, 0, 0), new(17, 0, 1), new(23, 59, 59),
    ];

    public static Arbitrary<DeadlineCase> Cases() =>
        (from day in Gen.Choose(0, Days)
         from time in Gen.OneOf(Gen.Elements(EdgeTimes), Gen.Choose(0, 86_399).Select(s => TimeSpan.FromSeconds(s)))
         from workingDays in Gen.OneOf(Gen.Constant(ReviewDeadline.DataRequestReviewWorkingDays), Gen.Choose(1, 20))
         from calendar in Gen.OneOf(Gen.Constant(ShippedCase()), RandomCalendar())
         select new DeadlineCase(
             First.AddDays(day).Add(time),
             workingDays,
             calendar.Calendar,
             calendar.Holidays,
             calendar.Adjusted,
             calendar.Covered,
             calendar.Name))
        .ToArbitrary();

    private sealed record CalendarCase(WorkingDayCalendar Calendar, IReadOnlySet<DateOnly> Holidays, IReadOnlySet<DateOnly> Adjusted, IReadOnlySet<int> Covered, string Name);

    private static CalendarCase ShippedCase()
    {
        var years = ShippedCalendars.Years.Select(y => ShippedCalendars.Get(y)!).ToList();
        return new CalendarCase(
            ShippedCalendars.Calendar,
            years.SelectMany(y => y.Holidays.Select(h => h.Date)).ToHashSet(),
            years.SelectMany(y => y.AdjustedWorkingDays).ToHashSet(),
            years.Select(y => y.Year).ToHashSet(),
            "shipped");
    }

    /// <summary>Random 2025 and 2026 calendars: up to 120 holidays (some long runs) and up to 20 adjusted weekend days.</summary>
    private static Gen<CalendarCase> RandomCalendar() =>
        from holidays2025 in RandomHolidays(2025)
        from holidays2026 in RandomHolidays(2026)
        from adjusted2025 in RandomAdjusted(2025, holidays2025)
        from adjusted2026 in RandomAdjusted(2026, holidays2026)
        select new CalendarCase(
            new WorkingDayCalendar([
                new WorkingDayCalendarYear(2025, holidays2025.Select(d => new StatutoryHoliday(d, "假日")), adjusted2025, "test"),
                new WorkingDayCalendarYear(2026, holidays2026.Select(d => new StatutoryHoliday(d, "假日")), adjusted2026, "test"),
            ]),
            holidays2025.Concat(holidays2026).ToHashSet(),
            adjusted2025.Concat(adjusted2026).ToHashSet(),
            new HashSet<int> { 2025, 2026 },
            "random");

    private static Gen<DateOnly[]> RandomHolidays(int year) =>
        from runCount in Gen.Choose(0, 12)
        from starts in Gen.ArrayOf(Gen.Choose(0, 364), runCount)
        from lengths in Gen.ArrayOf(Gen.Choose(1, 10), runCount)
        select starts.Zip(lengths)
            .SelectMany(run => Enumerable.Range(run.First, run.Second))
            .Select(offset => new DateOnly(year, 1, 1).AddDays(offset))
            .Where(d => d.Year == year)
            .Distinct()
            .ToArray();

    private static Gen<DateOnly[]> RandomAdjusted(int year, DateOnly[] holidays)
    {
        var weekendDays = Enumerable.Range(0, DateTime.IsLeapYear(year) ? 366 : 365)
            .Select(offset => new DateOnly(year, 1, 1).AddDays(offset))
            .Where(d => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday && !holidays.Contains(d))
            .ToArray();
        return from count in Gen.Choose(0, 20)
               from picked in Gen.ArrayOf(Gen.Elements(weekendDays), count)
               select picked.Distinct().ToArray();
    }
}
