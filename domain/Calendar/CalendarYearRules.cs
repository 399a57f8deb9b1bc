using System.Globalization;

namespace Platform.Domain.Calendar;

/// <summary>
/// The rules a year's calendar must satisfy, shared by the typed constructor and the JSON document so both report
/// the same messages under the same paths.
/// </summary>
internal static class CalendarYearRules
{
    internal sealed record HolidayCandidate(int Index, DateOnly? Date, string? Name, string? NameEn);

    internal sealed record AdjustedCandidate(int Index, DateOnly? Date);

    public static void Check(
        int year,
        IReadOnlyList<HolidayCandidate> holidays,
        IReadOnlyList<AdjustedCandidate> adjustedWorkingDays,
        string? source,
        CalendarValidationErrors errors)
    {
        var yearIsValid = year is >= WorkingDayCalendarYear.MinYear and <= WorkingDayCalendarYear.MaxYear;
        if (!yearIsValid)
        {
            errors.Add("year", $"The year must be between {WorkingDayCalendarYear.MinYear} and {WorkingDayCalendarYear.MaxYear} (got {year}).");
        }

        if (holidays.Count > WorkingDayCalendarYear.MaxDays)
        {
            errors.Add("holidays", $"A year has at most {WorkingDayCalendarYear.MaxDays} holidays (got {holidays.Count}).");
        }

        if (adjustedWorkingDays.Count > WorkingDayCalendarYear.MaxDays)
        {
            errors.Add("adjustedWorkingDays", $"A year has at most {WorkingDayCalendarYear.MaxDays} adjusted working days (got {adjustedWorkingDays.Count}).");
        }

        var holidayIndexByDate = new Dictionary<DateOnly, int>();
        foreach (var holiday in holidays)
        {
            var path = $"holidays[{holiday.Index}]";
            if (holiday.Date is { } date)
            {
                if (yearIsValid && date.Year != year)
                {
                    errors.Add($"{path}.date", $"{Format(date)} is not in {year}.");
                }
                else if (!holidayIndexByDate.TryAdd(date, holiday.Index))
                {
                    errors.Add($"{path}.date", $"{Format(date)} is already listed at holidays[{holidayIndexByDate[date]}].");
                }
            }

            if (string.IsNullOrWhiteSpace(holiday.Name))
            {
                errors.Add($"{path}.name", "A holiday needs its Chinese name, as the State Council notice gives it (e.g. 春节).");
            }
            else if (holiday.Name.Length > WorkingDayCalendarYear.MaxNameLength)
            {
                errors.Add($"{path}.name", $"A holiday name is at most {WorkingDayCalendarYear.MaxNameLength} characters.");
            }

            if (holiday.NameEn is not null && holiday.NameEn.Length > WorkingDayCalendarYear.MaxEnglishNameLength)
            {
                errors.Add($"{path}.nameEn", $"An English holiday name is at most {WorkingDayCalendarYear.MaxEnglishNameLength} characters.");
            }
        }

        var adjustedIndexByDate = new Dictionary<DateOnly, int>();
        foreach (var adjusted in adjustedWorkingDays)
        {
            if (adjusted.Date is not { } date)
            {
                continue;
            }

            var path = $"adjustedWorkingDays[{adjusted.Index}]";
            if (yearIsValid && date.Year != year)
            {
                errors.Add(path, $"{Format(date)} is not in {year}.");
            }
            else if (!adjustedIndexByDate.TryAdd(date, adjusted.Index))
            {
                errors.Add(path, $"{Format(date)} is already listed at adjustedWorkingDays[{adjustedIndexByDate[date]}].");
            }
            else if (date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                errors.Add(path, $"{Format(date)} is a {date.DayOfWeek}; adjusted working days (调休上班) are Saturdays or Sundays.");
            }
            else if (holidayIndexByDate.TryGetValue(date, out var holidayIndex))
            {
                errors.Add(path, $"{Format(date)} is also listed as a holiday at holidays[{holidayIndex}]; a day is either off or an adjusted working day.");
            }
        }

        if (string.IsNullOrWhiteSpace(source))
        {
            errors.Add("source", "Name the notice this calendar follows (e.g. 国务院办公厅关于2026年部分节假日安排的通知).");
        }
        else if (source.Length > WorkingDayCalendarYear.MaxSourceLength)
        {
            errors.Add("source", $"The source is at most {WorkingDayCalendarYear.MaxSourceLength} characters.");
        }
    }

    public static string Format(DateOnly date) => date.ToString(WorkingDayCalendarYear.DateFormat, CultureInfo.InvariantCulture);
}
