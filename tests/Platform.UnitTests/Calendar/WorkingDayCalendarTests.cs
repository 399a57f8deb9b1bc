using Platform.Domain.Calendar;
using Xunit;
using static Platform.UnitTests.Calendar.CalendarTestData;

namespace Platform.UnitTests.Calendar;

public sealed class WorkingDayCalendarTests
{
    [Theory]
    [InlineData(2025, 1, 26, CalendarDayKind.AdjustedWorkingDay)] // Sun, 调休上班
    [InlineData(2025, 2, 8, CalendarDayKind.AdjustedWorkingDay)] // Sat, 调休上班
    [InlineData(2025, 1, 28, CalendarDayKind.StatutoryHoliday)] // Tue, 除夕
    [InlineData(2025, 2, 1, CalendarDayKind.StatutoryHoliday)] // Sat inside the Spring Festival break
    [InlineData(2025, 2, 9, CalendarDayKind.Weekend)] // Sun after the break
    [InlineData(2025, 2, 10, CalendarDayKind.WorkingDay)] // Mon
    [InlineData(2026, 10, 10, CalendarDayKind.AdjustedWorkingDay)]
    [InlineData(2026, 9, 25, CalendarDayKind.StatutoryHoliday)] // 中秋节, Fri
    public void Describe_KnownDates_Classified(int year, int month, int day, CalendarDayKind expected)
    {
        var described = Shipped.Describe(Date(year, month, day));

        Assert.Equal(expected, described.Kind);
        Assert.False(described.IsFallback);
        Assert.Equal(expected is CalendarDayKind.WorkingDay or CalendarDayKind.AdjustedWorkingDay, Shipped.IsWorkingDay(Date(year, month, day)));
    }

    [Fact]
    public void Describe_Holiday_CarriesItsNames()
    {
        var described = Shipped.Describe(Date(2026, 2, 17));

        Assert.Equal("春节", described.Holiday?.Name);
        Assert.Equal("Spring Festival", described.Holiday?.NameEn);
    }

    [Fact]
    public void Describe_YearWithoutCalendar_WeekendsOnlyAndMarkedFallback()
    {
        var newYearsDay = Shipped.Describe(Date(2030, 1, 1)); // Tue
        var saturday = Shipped.Describe(Date(2030, 1, 5));

        Assert.Equal(CalendarDayKind.WorkingDay, newYearsDay.Kind);
        Assert.True(newYearsDay.IsFallback);
        Assert.Equal(CalendarDayKind.Weekend, saturday.Kind);
        Assert.True(saturday.IsFallback);
    }

    [Fact]
    public void WorkingDaysBetween_AcrossNationalDay2025_CountsFive()
    {
        var count = Shipped.WorkingDaysBetween(Date(2025, 9, 26), Date(2025, 10, 10));

        Assert.Equal(5, count.Count);
        Assert.Empty(count.FallbackYears);
    }

    [Fact]
    public void WorkingDaysBetween_Reversed_IsNegated()
    {
        var count = Shipped.WorkingDaysBetween(Date(2025, 10, 10), Date(2025, 9, 26));

        Assert.Equal(-5, count.Count);
    }

    [Fact]
    public void WorkingDaysBetween_SameDay_IsZero()
    {
        Assert.Equal(0, Shipped.WorkingDaysBetween(Date(2026, 3, 2), Date(2026, 3, 2)).Count);
    }

    [Fact]
    public void WorkingDaysBetween_SpanningUncoveredYears_ListsThemAscending()
    {
        var count = Shipped.WorkingDaysBetween(Date(2024, 12, 20), Date(2027, 1, 10));

        Assert.Equal([2024, 2027], count.FallbackYears);
    }

    [Fact]
    public void AddWorkingDays_Backwards_FindsEarlierWorkingDay()
    {
        // Before Mon 2025-02-10: Sun 9 off, Sat 8 adjusted working day.
        Assert.Equal(Date(2025, 2, 8), Shipped.AddWorkingDays(Date(2025, 2, 10), -1).Date);
    }

    [Fact]
    public void AddWorkingDays_Zero_ReturnsStartEvenOnDayOff()
    {
        Assert.Equal(Date(2025, 10, 1), Shipped.AddWorkingDays(Date(2025, 10, 1), 0).Date);
    }

    [Fact]
    public void NextWorkingDay_FromLastDayOfSpringFestival2026_IsTuesday()
    {
        Assert.Equal(Date(2026, 2, 24), Shipped.NextWorkingDay(Date(2026, 2, 23)).Date);
    }

    [Fact]
    public void WeekendsOnly_CoversNoYear()
    {
        Assert.Empty(WorkingDayCalendar.WeekendsOnly.Years);
        Assert.False(WorkingDayCalendar.WeekendsOnly.IsWorkingDay(Date(2026, 3, 7)));
        Assert.True(WorkingDayCalendar.WeekendsOnly.IsWorkingDay(Date(2026, 1, 1)));
    }

    [Fact]
    public void FallbackYearsBetween_ListsYearsWithoutCalendar()
    {
        Assert.Equal([2024, 2027], Shipped.FallbackYearsBetween(Date(2027, 3, 1), Date(2024, 3, 1)));
    }

    [Fact]
    public void Constructor_SameYearTwice_Throws()
    {
        var year = ShippedCalendars.Get(2025)!;

        Assert.Throws<ArgumentException>(() => new WorkingDayCalendar([year, year]));
    }
}
