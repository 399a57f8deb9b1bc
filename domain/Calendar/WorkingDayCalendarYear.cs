using Platform.Domain.Errors;

namespace Platform.Domain.Calendar;

/// <summary>
/// One year of China's working-day calendar as the State Council's annual notice (国务院办公厅关于某年部分节假日安排的通知)
/// sets it: the statutory holidays with their 放假调休 days, and the adjusted working days (调休上班), which are always
/// weekend days. Holidays may fall on weekends. The authority maintains one per year (M4.3).
/// </summary>
public sealed class WorkingDayCalendarYear
{
    /// <summary>Error code for a calendar that breaks a rule; the HTTP layer answers 422 with per-field errors.</summary>
    public const string InvalidCode = "calendar.invalid";

    public const int MinYear = 1949;
    public const int MaxYear = 2199;
    public const int MaxDays = 366;
    public const int MaxNameLength = 50;
    public const int MaxEnglishNameLength = 100;
    public const int MaxSourceLength = 500;

    /// <summary>Dates on the wire and in storage: ISO 8601 calendar dates, e.g. <c>2026-01-01</c>.</summary>
    public const string DateFormat = "yyyy-MM-dd";

    private readonly Dictionary<DateOnly, StatutoryHoliday> _holidays;
    private readonly HashSet<DateOnly> _adjustedWorkingDays;

    /// <exception cref="DomainException">
    /// <see cref="FailureKind.Unprocessable"/> with code <see cref="InvalidCode"/> and per-field errors (paths like
    /// <c>holidays[2].date</c>, indexes in the order given) when a rule is broken.
    /// </exception>
    public WorkingDayCalendarYear(int year, IEnumerable<StatutoryHoliday> holidays, IEnumerable<DateOnly> adjustedWorkingDays, string source)
    {
        ArgumentNullException.ThrowIfNull(holidays);
        ArgumentNullException.ThrowIfNull(adjustedWorkingDays);

        var holidayList = holidays.ToList();
        var adjustedList = adjustedWorkingDays.ToList();
        var errors = new CalendarValidationErrors();
        for (var i = 0; i < holidayList.Count; i++)
        {
            if (holidayList[i] is null)
            {
                errors.Add($"holidays[{i}]", "A holiday is required.");
            }
        }

        CalendarYearRules.Check(
            year,
            holidayList.Select((h, i) => new CalendarYearRules.HolidayCandidate(i, h?.Date, h?.Name, h?.NameEn)).Where(h => holidayList[h.Index] is not null).ToList(),
            adjustedList.Select((d, i) => new CalendarYearRules.AdjustedCandidate(i, d)).ToList(),
            source,
            errors);
        ThrowIfAny(year, errors);

        Year = year;
        Source = source.Trim();
        Holidays = holidayList
            .Select(h => h with { Name = h.Name.Trim(), NameEn = string.IsNullOrWhiteSpace(h.NameEn) ? null : h.NameEn.Trim() })
            .OrderBy(h => h.Date)
            .ToList();
        AdjustedWorkingDays = adjustedList.Order().ToList();
        _holidays = Holidays.ToDictionary(h => h.Date);
        _adjustedWorkingDays = [.. AdjustedWorkingDays];
    }

    public int Year { get; }

    /// <summary>The days off, in date order.</summary>
    public IReadOnlyList<StatutoryHoliday> Holidays { get; }

    /// <summary>The weekend days that are working days (调休上班), in date order.</summary>
    public IReadOnlyList<DateOnly> AdjustedWorkingDays { get; }

    /// <summary>The notice this calendar follows, e.g. 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）.</summary>
    public string Source { get; }

    public bool Contains(DateOnly date) => date.Year == Year;

    public StatutoryHoliday? HolidayOn(DateOnly date) => _holidays.GetValueOrDefault(date);

    public bool IsHoliday(DateOnly date) => _holidays.ContainsKey(date);

    public bool IsAdjustedWorkingDay(DateOnly date) => _adjustedWorkingDays.Contains(date);

    /// <summary>The wire and storage shape (GET/PUT <c>/api/calendar/{year}</c>).</summary>
    public CalendarYearDocument ToDocument() => new(
        Year,
        Holidays.Select(h => new HolidayDocument(CalendarYearRules.Format(h.Date), h.Name, h.NameEn)).ToList(),
        AdjustedWorkingDays.Select(CalendarYearRules.Format).ToList(),
        Source);

    internal static void ThrowIfAny(int year, CalendarValidationErrors errors)
    {
        if (errors.Any)
        {
            throw new DomainException(
                FailureKind.Unprocessable,
                InvalidCode,
                $"The working-day calendar for {year} breaks a rule; see errors.",
                errors.ToDictionary());
        }
    }
}
