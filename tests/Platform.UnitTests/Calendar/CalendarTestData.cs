using Platform.Domain.Calendar;

namespace Platform.UnitTests.Calendar;

internal static class CalendarTestData
{
    public static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    public static DateTimeOffset AtCst(int year, int month, int day, int hour, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, Cst);

    public static DateOnly Date(int year, int month, int day) => new(year, month, day);

    /// <summary>The end of a China date (24:00 CST) is 16:00 UTC on that date.</summary>
    public static DateTimeOffset EndOfCstDayAsUtc(int year, int month, int day) => new(year, month, day, 16, 0, 0, TimeSpan.Zero);

    public static WorkingDayCalendar Shipped => ShippedCalendars.Calendar;

    public static WorkingDayCalendar Only(params int[] years) =>
        new(years.Select(y => ShippedCalendars.Get(y) ?? throw new InvalidOperationException($"{y} is not shipped.")));
}
