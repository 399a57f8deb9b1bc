namespace Platform.Domain.Calendar;

/// <summary>What kind of day a date is in China's working-day calendar.</summary>
public enum CalendarDayKind
{
    /// <summary>Monday to Friday, not a holiday.</summary>
    WorkingDay,

    /// <summary>A Saturday or Sunday that the year's notice makes a working day (调休上班).</summary>
    AdjustedWorkingDay,

    /// <summary>A Saturday or Sunday that is not an adjusted working day.</summary>
    Weekend,

    /// <summary>A day off under the year's notice (statutory holiday or 放假调休 day), whatever the weekday.</summary>
    StatutoryHoliday,
}

/// <summary>
/// One date, classified. <see cref="IsFallback"/> says no calendar was known for the date's year, so only
/// weekends were treated as days off.
/// </summary>
public sealed record CalendarDay(DateOnly Date, CalendarDayKind Kind, StatutoryHoliday? Holiday, bool IsFallback)
{
    public bool IsWorkingDay => Kind is CalendarDayKind.WorkingDay or CalendarDayKind.AdjustedWorkingDay;
}

/// <summary>A date found by counting working days, with the years for which only weekends were known.</summary>
public sealed record WorkingDayDate(DateOnly Date, IReadOnlyList<int> FallbackYears);

/// <summary>A number of working days, with the years for which only weekends were known.</summary>
public sealed record WorkingDayCount(int Count, IReadOnlyList<int> FallbackYears);

/// <summary>
/// China's working-day calendar over the years it knows (M4.3). A date is a working day when it is an
/// adjusted working day (调休上班); otherwise not when it is a statutory holiday; otherwise not on Saturday or
/// Sunday; otherwise it is. A year without a calendar falls back to weekends only, and every answer that looked at
/// such a year says so in <c>FallbackYears</c> (ascending) so callers can tell the authority to publish it.
/// </summary>
public sealed class WorkingDayCalendar
{
    private readonly Dictionary<int, WorkingDayCalendarYear> _years;

    public WorkingDayCalendar(IEnumerable<WorkingDayCalendarYear> years)
    {
        ArgumentNullException.ThrowIfNull(years);
        _years = [];
        foreach (var year in years)
        {
            ArgumentNullException.ThrowIfNull(year, nameof(years));
            if (!_years.TryAdd(year.Year, year))
            {
                throw new ArgumentException($"The calendar for {year.Year} is given twice.", nameof(years));
            }
        }

        Years = _years.Keys.Order().ToList();
    }

    /// <summary>A calendar that knows no year: weekends only, every year a fallback year.</summary>
    public static WorkingDayCalendar WeekendsOnly { get; } = new([]);

    /// <summary>The years with a calendar, ascending.</summary>
    public IReadOnlyList<int> Years { get; }

    public bool Covers(int year) => _years.ContainsKey(year);

    public WorkingDayCalendarYear? YearOrDefault(int year) => _years.GetValueOrDefault(year);

    public bool IsWorkingDay(DateOnly date) => Describe(date).IsWorkingDay;

    public CalendarDay Describe(DateOnly date)
    {
        var isWeekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        if (!_years.TryGetValue(date.Year, out var year))
        {
            return new CalendarDay(date, isWeekend ? CalendarDayKind.Weekend : CalendarDayKind.WorkingDay, null, IsFallback: true);
        }

        if (year.IsAdjustedWorkingDay(date))
        {
            return new CalendarDay(date, CalendarDayKind.AdjustedWorkingDay, null, IsFallback: false);
        }

        if (year.HolidayOn(date) is { } holiday)
        {
            return new CalendarDay(date, CalendarDayKind.StatutoryHoliday, holiday, IsFallback: false);
        }

        return new CalendarDay(date, isWeekend ? CalendarDayKind.Weekend : CalendarDayKind.WorkingDay, null, IsFallback: false);
    }

    /// <summary>The first working day strictly after <paramref name="date"/>.</summary>
    public WorkingDayDate NextWorkingDay(DateOnly date) => AddWorkingDays(date, 1);

    /// <summary>
    /// For a positive <paramref name="workingDays"/> n, the n-th working day strictly after <paramref name="from"/>;
    /// for a negative one, the |n|-th working day strictly before it; for zero, <paramref name="from"/> itself.
    /// Whether <paramref name="from"/> is a working day does not matter.
    /// </summary>
    public WorkingDayDate AddWorkingDays(DateOnly from, int workingDays)
    {
        var fallback = new FallbackYears();
        var step = Math.Sign(workingDays);
        var remaining = Math.Abs((long)workingDays);
        var date = from;
        while (remaining > 0)
        {
            date = date.AddDays(step);
            if (Classify(date, fallback))
            {
                remaining--;
            }
        }

        return new WorkingDayDate(date, fallback.ToList());
    }

    /// <summary>
    /// The working days d with <paramref name="fromExclusive"/> &lt; d ≤ <paramref name="toInclusive"/>; negative
    /// (the same count, negated) when <paramref name="toInclusive"/> is before <paramref name="fromExclusive"/>.
    /// </summary>
    public WorkingDayCount WorkingDaysBetween(DateOnly fromExclusive, DateOnly toInclusive)
    {
        if (toInclusive < fromExclusive)
        {
            var reversed = WorkingDaysBetween(toInclusive, fromExclusive);
            return reversed with { Count = -reversed.Count };
        }

        var fallback = new FallbackYears();
        var count = 0;
        for (var date = fromExclusive; date < toInclusive;)
        {
            date = date.AddDays(1);
            if (Classify(date, fallback))
            {
                count++;
            }
        }

        return new WorkingDayCount(count, fallback.ToList());
    }

    /// <summary>The years from <paramref name="first"/> to <paramref name="last"/> (inclusive) with no calendar.</summary>
    public IReadOnlyList<int> FallbackYearsBetween(DateOnly first, DateOnly last)
    {
        var (low, high) = first <= last ? (first.Year, last.Year) : (last.Year, first.Year);
        return Enumerable.Range(low, high - low + 1).Where(y => !_years.ContainsKey(y)).ToList();
    }

    private bool Classify(DateOnly date, FallbackYears fallback)
    {
        var day = Describe(date);
        if (day.IsFallback)
        {
            fallback.Add(date.Year);
        }

        return day.IsWorkingDay;
    }

    /// <summary>Years met while walking days that had no calendar; a walk spans few years, so a small list is enough.</summary>
    private sealed class FallbackYears
    {
        private readonly List<int> _years = [];

        public void Add(int year)
        {
            if (!_years.Contains(year))
            {
                _years.Add(year);
            }
        }

        public IReadOnlyList<int> ToList() => _years.Order().ToList();
    }

    internal static IReadOnlyList<int> Union(IEnumerable<int> first, IEnumerable<int> second) =>
        first.Concat(second).Distinct().Order().ToList();
}
