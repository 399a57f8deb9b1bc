using System.Globalization;
using Platform.Domain.Errors;

namespace Platform.Domain.Calendar;

/// <summary>
/// A year's calendar as JSON (camelCase), the body of GET/PUT <c>/api/calendar/{year}</c> and what storage holds:
/// <code>{ "year": 2026, "holidays": [{ "date": "2026-01-01", "name": "元旦", "nameEn": "New Year's Day" }],
///   "adjustedWorkingDays": ["2026-01-04"], "source": "国务院办公厅关于2026年部分节假日安排的通知" }</code>
/// Dates are strings here so a malformed one becomes a per-field error rather than a failed body.
/// </summary>
public sealed record CalendarYearDocument(
    int Year,
    IReadOnlyList<HolidayDocument?>? Holidays,
    IReadOnlyList<string?>? AdjustedWorkingDays,
    string? Source)
{
    /// <summary>
    /// Every broken rule, keyed by JSON path (<c>year</c>, <c>holidays[2].date</c>, <c>adjustedWorkingDays[0]</c>,
    /// <c>source</c>); empty when the document is valid. <paramref name="expectedYear"/> is the year in the address,
    /// which the body must repeat.
    /// </summary>
    public Dictionary<string, string[]> Validate(int? expectedYear = null) => Check(expectedYear, out _, out _).ToDictionary();

    /// <exception cref="DomainException">422 <see cref="WorkingDayCalendarYear.InvalidCode"/> with the errors of <see cref="Validate"/>.</exception>
    public WorkingDayCalendarYear ToCalendarYear(int? expectedYear = null)
    {
        var errors = Check(expectedYear, out var holidays, out var adjusted);
        WorkingDayCalendarYear.ThrowIfAny(Year, errors);
        return new WorkingDayCalendarYear(Year, holidays, adjusted, Source!);
    }

    private CalendarValidationErrors Check(int? expectedYear, out List<StatutoryHoliday> holidays, out List<DateOnly> adjusted)
    {
        var errors = new CalendarValidationErrors();
        if (expectedYear is { } routeYear && routeYear != Year)
        {
            errors.Add("year", $"The body is for {Year} but the address names {routeYear}.");
        }

        holidays = [];
        adjusted = [];
        var holidayCandidates = new List<CalendarYearRules.HolidayCandidate>();
        if (Holidays is null)
        {
            errors.Add("holidays", "The list of holidays is required (it may be empty).");
        }
        else
        {
            for (var i = 0; i < Holidays.Count; i++)
            {
                if (Holidays[i] is not { } holiday)
                {
                    errors.Add($"holidays[{i}]", "A holiday is required.");
                    continue;
                }

                var date = ParseDate(holiday.Date, $"holidays[{i}].date", errors);
                holidayCandidates.Add(new(i, date, holiday.Name, holiday.NameEn));
                if (date is { } parsed)
                {
                    holidays.Add(new StatutoryHoliday(parsed, holiday.Name ?? string.Empty, holiday.NameEn));
                }
            }
        }

        var adjustedCandidates = new List<CalendarYearRules.AdjustedCandidate>();
        if (AdjustedWorkingDays is null)
        {
            errors.Add("adjustedWorkingDays", "The list of adjusted working days is required (it may be empty).");
        }
        else
        {
            for (var i = 0; i < AdjustedWorkingDays.Count; i++)
            {
                var date = ParseDate(AdjustedWorkingDays[i], $"adjustedWorkingDays[{i}]", errors);
                adjustedCandidates.Add(new(i, date));
                if (date is { } parsed)
                {
                    adjusted.Add(parsed);
                }
            }
        }

        CalendarYearRules.Check(Year, holidayCandidates, adjustedCandidates, Source, errors);
        return errors;
    }

    private static DateOnly? ParseDate(string? value, string path, CalendarValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(path, "A date is required (yyyy-MM-dd).");
            return null;
        }

        if (!DateOnly.TryParseExact(value, WorkingDayCalendarYear.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            errors.Add(path, $"'{value}' is not a date in the form yyyy-MM-dd.");
            return null;
        }

        return date;
    }
}

/// <summary>One holiday in <see cref="CalendarYearDocument"/>: <c>{ "date": "2026-01-01", "name": "元旦", "nameEn": "New Year's Day" }</c>.</summary>
public sealed record HolidayDocument(string? Date, string? Name, string? NameEn = null);
