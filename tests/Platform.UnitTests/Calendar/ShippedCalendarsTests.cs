using Platform.Domain.Calendar;
using Xunit;
using static Platform.UnitTests.Calendar.CalendarTestData;

namespace Platform.UnitTests.Calendar;

/// <summary>The shipped data against the State Council notices, written out here independently of the JSON files.</summary>
public sealed class ShippedCalendarsTests
{
    [Fact]
    public void Years_Shipped_Are2025And2026()
    {
        Assert.Equal([2025, 2026], ShippedCalendars.Years);
        Assert.Null(ShippedCalendars.Get(2030));
    }

    [Fact]
    public void Year2025_MatchesGuobanFamingdian2024No12()
    {
        var year = ShippedCalendars.Get(2025)!;

        Assert.Equal(
            Days(2025, (1, 1, 1, 1), (1, 28, 2, 4), (4, 4, 4, 6), (5, 1, 5, 5), (5, 31, 6, 2), (10, 1, 10, 8)),
            year.Holidays.Select(h => h.Date));
        Assert.Equal([Date(2025, 1, 26), Date(2025, 2, 8), Date(2025, 4, 27), Date(2025, 9, 28), Date(2025, 10, 11)], year.AdjustedWorkingDays);
        Assert.Contains("国办发明电〔2024〕12号", year.Source, StringComparison.Ordinal);
        Assert.Equal("国庆节、中秋节", year.HolidayOn(Date(2025, 10, 6))?.Name);
    }

    [Fact]
    public void Year2026_MatchesTheNoticeOf4November2025()
    {
        var year = ShippedCalendars.Get(2026)!;

        Assert.Equal(
            Days(2026, (1, 1, 1, 3), (2, 15, 2, 23), (4, 4, 4, 6), (5, 1, 5, 5), (6, 19, 6, 21), (9, 25, 9, 27), (10, 1, 10, 7)),
            year.Holidays.Select(h => h.Date));
        Assert.Equal(
            [Date(2026, 1, 4), Date(2026, 2, 14), Date(2026, 2, 28), Date(2026, 5, 9), Date(2026, 9, 20), Date(2026, 10, 10)],
            year.AdjustedWorkingDays);
        Assert.Equal("中秋节", year.HolidayOn(Date(2026, 9, 26))?.Name);
        Assert.Equal("国庆节", year.HolidayOn(Date(2026, 10, 1))?.Name);
    }

    [Fact]
    public void AllShippedHolidays_HaveChineseAndEnglishNames()
    {
        var holidays = ShippedCalendars.Years.SelectMany(y => ShippedCalendars.Get(y)!.Holidays).ToList();

        Assert.All(holidays, h => Assert.False(string.IsNullOrWhiteSpace(h.Name)));
        Assert.All(holidays, h => Assert.False(string.IsNullOrWhiteSpace(h.NameEn)));
    }

    private static List<DateOnly> Days(int year, params (int FromMonth, int FromDay, int ToMonth, int ToDay)[] ranges)
    {
        var days = new List<DateOnly>();
        foreach (var (fromMonth, fromDay, toMonth, toDay) in ranges)
        {
            for (var day = Date(year, fromMonth, fromDay); day <= Date(year, toMonth, toDay); day = day.AddDays(1))
            {
                days.Add(day);
            }
        }

        return days;
    }
}
