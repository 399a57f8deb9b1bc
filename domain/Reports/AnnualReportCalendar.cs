using System.Globalization;
using Platform.Domain.Time;

namespace Platform.Domain.Reports;

/// <summary>
/// The dates of the annual reports (M5.6), all in China Standard Time: the reporting year is a CST calendar year,
/// requested when the next one begins and due by a configured day of the following year (end of that day, CST).
/// </summary>
public static class AnnualReportCalendar
{
    public const int FirstYear = 2025;
    public const int LastYear = 2100;

    /// <summary>
    /// The year a request made at <paramref name="firedAtUtc"/> reports on: the CST year of the moment one day earlier.
    /// The timer fires at 00:00 CST on 1 January, so it reports on the year just ended; fired on any other day (a test,
    /// a manual run) it reports on the year in progress.
    /// </summary>
    public static int ReportingYear(DateTimeOffset firedAtUtc) => ChinaTime.LegalDate(firedAtUtc.AddDays(-1)).Year;

    /// <summary>The instant the CST year begins (inclusive), in UTC: 16:00 UTC on 31 December of the year before.</summary>
    public static DateTimeOffset YearStartUtc(int year) => ChinaTime.StartOfDayUtc(new DateOnly(year, 1, 1));

    /// <summary>The instant the CST year ends (exclusive), in UTC.</summary>
    public static DateTimeOffset YearEndUtc(int year) => YearStartUtc(year + 1);

    public static bool InYear(DateTimeOffset instant, int year) => instant >= YearStartUtc(year) && instant < YearEndUtc(year);

    /// <summary>The legal due date of the operator's report on <paramref name="year"/>: the configured day of the next year.</summary>
    public static DateOnly DueOn(int year, ReportDueDay dueDay) => new(year + 1, dueDay.Month, dueDay.Day);

    /// <summary>The instant the report becomes late: the end of its due date in China (24:00 CST), in UTC.</summary>
    public static DateTimeOffset DueAtUtc(int year, ReportDueDay dueDay) => ChinaTime.EndOfDayUtc(DueOn(year, dueDay));

    public static bool IsReportableYear(int year) => year is >= FirstYear and <= LastYear;

    /// <summary>A year from a route; null when it is not a four-digit year in the supported range.</summary>
    public static int? ParseYear(string? text)
        => text is { Length: 4 } && text.All(char.IsAsciiDigit) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && IsReportableYear(year)
            ? year
            : null;
}

/// <summary>A day of the year written <c>MM-dd</c> (e.g. <c>01-31</c>); 29 February is refused because most years lack it.</summary>
public readonly record struct ReportDueDay(int Month, int Day)
{
    public static ReportDueDay Parse(string? text)
        => TryParse(text, out var day) ? day : throw new FormatException($"'{text}' is not a day of the year written MM-dd (such as 01-31); 02-29 is not allowed.");

    public static bool TryParse(string? text, out ReportDueDay day)
    {
        day = default;
        if (text is not { Length: 5 } || text[2] != '-'
            || !int.TryParse(text.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || !int.TryParse(text.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var dayOfMonth)
            || month is < 1 or > 12 || dayOfMonth < 1 || dayOfMonth > DateTime.DaysInMonth(2001, month))
        {
            return false;
        }

        day = new ReportDueDay(month, dayOfMonth);
        return true;
    }

    public override string ToString() => $"{Month:D2}-{Day:D2}";
}

/// <summary>Settings of the annual reports (section <c>Reports</c>).</summary>
public sealed class AnnualReportOptions
{
    public const string SectionName = "Reports";

    /// <summary>00:00 CST on 1 January, as a six-field NCrontab expression in UTC.</summary>
    public const string DefaultSchedule = "0 0 16 31 12 *";

    public const string DefaultDueMonthDay = "01-31";

    /// <summary>When the operators' reports are requested (six-field NCrontab, UTC); the timer reads it as %Reports:AnnualReportSchedule%.</summary>
    public string AnnualReportSchedule { get; set; } = DefaultSchedule;

    /// <summary>The day (MM-dd, CST) of the year after the reporting year by which operators submit their reports.</summary>
    public string OperatorReportDueMonthDay { get; set; } = DefaultDueMonthDay;

    public const string DefaultAuthorityDueMonthDay = "03-31";

    /// <summary>The day (MM-dd, CST) of the year after the reporting year by which the authority submits its report to its superior.</summary>
    public string AuthorityReportDueMonthDay { get; set; } = DefaultAuthorityDueMonthDay;

    public ReportDueDay AuthorityDueDay => ReportDueDay.Parse(AuthorityReportDueMonthDay);

    /// <summary>The table that holds the reports.</summary>
    public string TableName { get; set; } = DefaultTableName;

    public const string DefaultTableName = "annualreports";

    public ReportDueDay DueDay => ReportDueDay.Parse(OperatorReportDueMonthDay);

    /// <summary>Problems with the settings, each naming the setting; empty when they are valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        var fields = (AnnualReportSchedule ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6)
        {
            problems.Add($"{SectionName}:{nameof(AnnualReportSchedule)} must be a six-field NCrontab expression in UTC (second minute hour day month day-of-week), e.g. '{DefaultSchedule}' for 00:00 CST on 1 January; got '{AnnualReportSchedule}'.");
        }

        if (!ReportDueDay.TryParse(OperatorReportDueMonthDay, out _))
        {
            problems.Add($"{SectionName}:{nameof(OperatorReportDueMonthDay)} must be a day of the year written MM-dd (such as {DefaultDueMonthDay}; 02-29 is not allowed); got '{OperatorReportDueMonthDay}'.");
        }

        if (!ReportDueDay.TryParse(AuthorityReportDueMonthDay, out _))
        {
            problems.Add($"{SectionName}:{nameof(AuthorityReportDueMonthDay)} must be a day of the year written MM-dd (such as {DefaultAuthorityDueMonthDay}; 02-29 is not allowed); got '{AuthorityReportDueMonthDay}'.");
        }

        if (TableName is not { Length: >= 3 and <= 63 } || !char.IsAsciiLetter(TableName[0]) || !TableName.All(char.IsAsciiLetterOrDigit))
        {
            problems.Add($"{SectionName}:{nameof(TableName)} must be a table name of 3 to 63 ASCII letters and digits starting with a letter; got '{TableName}'.");
        }

        return problems;
    }
}
