using Platform.Domain.Calendar;
using Xunit;
using static Platform.UnitTests.Calendar.CalendarTestData;

namespace Platform.UnitTests.Calendar;

public sealed class ReviewDeadlineTests
{
    [Fact]
    public void Compute_OrdinaryMondayMorning_DueNextMondayEndOfDay()
    {
        // Mon 03-02 is day 0; Tue 3 (1), Wed 4 (2), Thu 5 (3), Fri 6 (4), Mon 9 (5).
        var result = ReviewDeadline.Compute(AtCst(2026, 3, 2, 10), 5, Shipped);

        Assert.Equal(Date(2026, 3, 2), result.CountingStartsOn);
        Assert.Equal(Date(2026, 3, 9), result.DueLegalDate);
        Assert.Equal(EndOfCstDayAsUtc(2026, 3, 9), result.DueAtUtc);
        Assert.Equal(TimeSpan.Zero, result.DueAtUtc.Offset);
        Assert.Empty(result.FallbackYears);
    }

    [Fact]
    public void Compute_OneSecondBeforeCutOff_CountsFromSubmissionDay()
    {
        var result = ReviewDeadline.Compute(AtCst(2026, 3, 2, 16, 59, 59), 5, Shipped);

        Assert.Equal(Date(2026, 3, 2), result.CountingStartsOn);
        Assert.Equal(Date(2026, 3, 9), result.DueLegalDate);
    }

    [Fact]
    public void Compute_LastTickBeforeCutOff_CountsFromSubmissionDay()
    {
        var result = ReviewDeadline.Compute(AtCst(2026, 3, 2, 17).AddTicks(-1), 5, Shipped);

        Assert.Equal(Date(2026, 3, 2), result.CountingStartsOn);
    }

    [Fact]
    public void Compute_ExactlyAtCutOff_CountsFromNextWorkingDay()
    {
        // 17:00:00 is late: day 0 is Tue 03-03; Wed 4 (1), Thu 5 (2), Fri 6 (3), Mon 9 (4), Tue 10 (5).
        var result = ReviewDeadline.Compute(AtCst(2026, 3, 2, 17, 0, 0), 5, Shipped);

        Assert.Equal(Date(2026, 3, 3), result.CountingStartsOn);
        Assert.Equal(Date(2026, 3, 10), result.DueLegalDate);
        Assert.Equal(EndOfCstDayAsUtc(2026, 3, 10), result.DueAtUtc);
    }

    [Fact]
    public void Compute_SubmittedInUtcJustBeforeCstMidnight_UsesTheCstDate()
    {
        // 15:30 UTC on 03-02 is 23:30 CST on Mon 03-02: late, so day 0 is Tue 03-03.
        var result = ReviewDeadline.Compute(new DateTimeOffset(2026, 3, 2, 15, 30, 0, TimeSpan.Zero), 5, Shipped);

        Assert.Equal(Date(2026, 3, 3), result.CountingStartsOn);
        Assert.Equal(Date(2026, 3, 10), result.DueLegalDate);
    }

    [Fact]
    public void Compute_FridayBeforeNationalDay2025_SkipsTheEightDayHolidayAndCountsAdjustedSunday()
    {
        // Fri 09-26 10:00 is day 0. Sat 27 off; Sun 28 adjusted working day (1); Mon 29 (2); Tue 30 (3);
        // 10-01..10-08 National Day and Mid-Autumn off; Thu 10-09 (4); Fri 10-10 (5).
        var result = ReviewDeadline.Compute(AtCst(2025, 9, 26, 10), 5, Shipped);

        Assert.Equal(Date(2025, 9, 26), result.CountingStartsOn);
        Assert.Equal(Date(2025, 10, 10), result.DueLegalDate);
        Assert.Equal(EndOfCstDayAsUtc(2025, 10, 10), result.DueAtUtc);
    }

    [Fact]
    public void Compute_FridayBeforeSpringFestival2026_CountsAdjustedSaturdayAndSkipsTheHoliday()
    {
        // Fri 02-13 10:00 is day 0. Sat 14 adjusted working day (1); 02-15..02-23 Spring Festival off;
        // Tue 24 (2); Wed 25 (3); Thu 26 (4); Fri 27 (5).
        var result = ReviewDeadline.Compute(AtCst(2026, 2, 13, 10), 5, Shipped);

        Assert.Equal(Date(2026, 2, 13), result.CountingStartsOn);
        Assert.Equal(Date(2026, 2, 27), result.DueLegalDate);
    }

    [Fact]
    public void Compute_FridayBeforeSpringFestival2026AtFivePm_DayZeroIsTheAdjustedSaturday()
    {
        // Late on Fri 02-13: day 0 is Sat 02-14 (adjusted working day). Tue 24 (1), Wed 25 (2), Thu 26 (3),
        // Fri 27 (4), Sat 28 adjusted working day (5).
        var result = ReviewDeadline.Compute(AtCst(2026, 2, 13, 17), 5, Shipped);

        Assert.Equal(Date(2026, 2, 14), result.CountingStartsOn);
        Assert.Equal(Date(2026, 2, 28), result.DueLegalDate);
    }

    [Fact]
    public void Compute_AdjustedWorkingSaturdayMorning_CountsThatSaturdayAsDayZero()
    {
        // Sat 2025-02-08 is a working day (调休). Day 0 = 02-08; Mon 10 (1), Tue 11 (2), Wed 12 (3), Thu 13 (4), Fri 14 (5).
        var result = ReviewDeadline.Compute(AtCst(2025, 2, 8, 10), 5, Shipped);

        Assert.Equal(Date(2025, 2, 8), result.CountingStartsOn);
        Assert.Equal(Date(2025, 2, 14), result.DueLegalDate);
    }

    [Fact]
    public void Compute_AdjustedWorkingSaturdayEvening_CountsFromMonday()
    {
        // 18:00 on Sat 02-08 is late; Sun 09 is off, so day 0 = Mon 10; Tue 11 .. Fri 14 (4), Mon 17 (5).
        var result = ReviewDeadline.Compute(AtCst(2025, 2, 8, 18), 5, Shipped);

        Assert.Equal(Date(2025, 2, 10), result.CountingStartsOn);
        Assert.Equal(Date(2025, 2, 17), result.DueLegalDate);
    }

    [Fact]
    public void Compute_OrdinarySaturdayMorning_CountsFromMonday()
    {
        // Sat 2026-03-07 is an ordinary weekend day: day 0 = Mon 03-09; due Mon 03-16.
        var result = ReviewDeadline.Compute(AtCst(2026, 3, 7, 10), 5, Shipped);

        Assert.Equal(Date(2026, 3, 9), result.CountingStartsOn);
        Assert.Equal(Date(2026, 3, 16), result.DueLegalDate);
    }

    [Fact]
    public void Compute_OnStatutoryHoliday_CountsFromFirstWorkingDayAfterTheHoliday()
    {
        // Fri 2025-10-03 is a holiday (10-01..10-08). Day 0 = Thu 10-09; Fri 10 (1), Sat 11 adjusted (2),
        // Mon 13 (3), Tue 14 (4), Wed 15 (5).
        var result = ReviewDeadline.Compute(AtCst(2025, 10, 3, 10), 5, Shipped);

        Assert.Equal(Date(2025, 10, 9), result.CountingStartsOn);
        Assert.Equal(Date(2025, 10, 15), result.DueLegalDate);
    }

    [Fact]
    public void Compute_OnWeekdayHolidayInTheMorning_DoesNotCountTheHoliday()
    {
        // Thu 2026-01-01 10:00 (元旦, off to Sat 01-03). Sun 01-04 is an adjusted working day: day 0.
        // Mon 5 (1), Tue 6 (2), Wed 7 (3), Thu 8 (4), Fri 9 (5).
        var result = ReviewDeadline.Compute(AtCst(2026, 1, 1, 10), 5, Shipped);

        Assert.Equal(Date(2026, 1, 4), result.CountingStartsOn);
        Assert.Equal(Date(2026, 1, 9), result.DueLegalDate);
    }

    [Fact]
    public void Compute_YearWithoutCalendar_FallsBackToWeekendsAndSaysSo()
    {
        // No calendar for 2030: Tue 2030-01-01 counts as an ordinary working day. Day 0 = 01-01;
        // Wed 2 (1), Thu 3 (2), Fri 4 (3), Mon 7 (4), Tue 8 (5).
        var result = ReviewDeadline.Compute(AtCst(2030, 1, 1, 10), 5, Shipped);

        Assert.Equal(Date(2030, 1, 1), result.CountingStartsOn);
        Assert.Equal(Date(2030, 1, 8), result.DueLegalDate);
        Assert.Equal([2030], result.FallbackYears);
        Assert.True(result.UsedFallback);
    }

    [Fact]
    public void Compute_AcrossNewYear2026WithBothYears_UsesBothCalendarsWithoutFallback()
    {
        // Fri 2025-12-26 10:00 is day 0. Mon 29 (1), Tue 30 (2), Wed 31 (3); 2026-01-01..03 off;
        // Sun 01-04 adjusted working day (4); Mon 01-05 (5).
        var result = ReviewDeadline.Compute(AtCst(2025, 12, 26, 10), 5, Shipped);

        Assert.Equal(Date(2025, 12, 26), result.CountingStartsOn);
        Assert.Equal(Date(2026, 1, 5), result.DueLegalDate);
        Assert.Empty(result.FallbackYears);
    }

    [Fact]
    public void Compute_AcrossNewYearWithout2026Calendar_FallsBackForTheNewYearOnly()
    {
        // Without 2026: Thu 01-01 (4) and Fri 01-02 (5) count as ordinary weekdays.
        var result = ReviewDeadline.Compute(AtCst(2025, 12, 26, 10), 5, Only(2025));

        Assert.Equal(Date(2026, 1, 2), result.DueLegalDate);
        Assert.Equal([2026], result.FallbackYears);
    }

    [Fact]
    public void Compute_SubmittedWithNonUtcOffset_ReportsTheSameInstantInUtc()
    {
        var submitted = AtCst(2026, 3, 2, 10);

        var result = ReviewDeadline.Compute(submitted, 5, Shipped);

        Assert.Equal(submitted, result.SubmittedAtUtc);
        Assert.Equal(TimeSpan.Zero, result.SubmittedAtUtc.Offset);
    }

    [Fact]
    public void ComputeForDataRequest_Always_UsesFiveWorkingDays()
    {
        var result = ReviewDeadline.ComputeForDataRequest(AtCst(2025, 9, 26, 10), Shipped);

        Assert.Equal(5, result.WorkingDays);
        Assert.Equal(Date(2025, 10, 10), result.DueLegalDate);
    }

    [Fact]
    public void Result_AsDurableActivityOutput_RoundTripsThroughJson()
    {
        var result = ReviewDeadline.Compute(AtCst(2030, 1, 1, 10), 5, Shipped);

        var json = System.Text.Json.JsonSerializer.Serialize(result);
        var back = System.Text.Json.JsonSerializer.Deserialize<ReviewDeadlineResult>(json)!;

        Assert.Equal(result.DueAtUtc, back.DueAtUtc);
        Assert.Equal(result.DueLegalDate, back.DueLegalDate);
        Assert.Equal(result.CountingStartsOn, back.CountingStartsOn);
        Assert.Equal(result.FallbackYears, back.FallbackYears);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(ReviewDeadline.MaxWorkingDays + 1)]
    public void Compute_WorkingDaysOutOfRange_Throws(int workingDays)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReviewDeadline.Compute(AtCst(2026, 3, 2, 10), workingDays, Shipped));
    }
}
