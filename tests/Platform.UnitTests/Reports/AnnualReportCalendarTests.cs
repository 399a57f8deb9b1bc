using Platform.Domain.Reports;
using Xunit;

namespace Platform.UnitTests.Reports;

public sealed class AnnualReportCalendarTests
{
    [Theory]
    [InlineData("2026-12-31T16:00:00Z", 2026)] // the default schedule: 00:00 CST on 1 January 2027
    [InlineData("2027-01-01T03:00:00Z", 2026)] // a late firing on 1 January CST still reports on the year just ended
    [InlineData("2027-01-01T15:59:59Z", 2026)] // 23:59:59 CST on 1 January
    [InlineData("2027-01-01T16:00:00Z", 2027)] // 00:00 CST on 2 January: the year in progress
    [InlineData("2026-11-27T12:00:00Z", 2026)] // fired by hand (a test) during the year: that year's counts so far
    [InlineData("2026-01-01T15:59:59Z", 2025)]
    public void ReportingYear_FiringTime_IsCstYearOfOneDayEarlier(string firedAt, int expected)
        => Assert.Equal(expected, AnnualReportCalendar.ReportingYear(DateTimeOffset.Parse(firedAt, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void YearBounds_CstYear_StartAt1600UtcOnNewYearsEve()
    {
        Assert.Equal(new DateTimeOffset(2025, 12, 31, 16, 0, 0, TimeSpan.Zero), AnnualReportCalendar.YearStartUtc(2026));
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 16, 0, 0, TimeSpan.Zero), AnnualReportCalendar.YearEndUtc(2026));
    }

    [Theory]
    [InlineData("2025-12-31T15:59:59Z", false)]
    [InlineData("2025-12-31T16:00:00Z", true)]
    [InlineData("2026-12-31T15:59:59Z", true)]
    [InlineData("2026-12-31T16:00:00Z", false)]
    public void InYear_InstantsAroundCstMidnight_BelongToTheCstYear(string instant, bool expected)
        => Assert.Equal(expected, AnnualReportCalendar.InYear(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), 2026));

    [Fact]
    public void DueAtUtc_DefaultDueDay_IsEndOf31JanuaryCstOfNextYear()
    {
        var dueDay = ReportDueDay.Parse(AnnualReportOptions.DefaultDueMonthDay);

        Assert.Equal(new DateOnly(2027, 1, 31), AnnualReportCalendar.DueOn(2026, dueDay));
        Assert.Equal(new DateTimeOffset(2027, 1, 31, 16, 0, 0, TimeSpan.Zero), AnnualReportCalendar.DueAtUtc(2026, dueDay));
    }

    [Fact]
    public void DueOn_28FebruaryBeforeLeapYear_StaysOn28February()
        => Assert.Equal(new DateOnly(2028, 2, 28), AnnualReportCalendar.DueOn(2027, ReportDueDay.Parse("02-28")));

    [Theory]
    [InlineData("01-31", true)]
    [InlineData("12-31", true)]
    [InlineData("02-28", true)]
    [InlineData("02-29", false)]
    [InlineData("04-31", false)]
    [InlineData("13-01", false)]
    [InlineData("1-31", false)]
    [InlineData("01/31", false)]
    [InlineData("", false)]
    [InlineData("０１-３１", false)]
    public void ReportDueDay_TryParse_AcceptsOnlyMonthDaysOfEveryYear(string text, bool valid)
        => Assert.Equal(valid, ReportDueDay.TryParse(text, out _));

    [Theory]
    [InlineData("2026", 2026)]
    [InlineData("2025", 2025)]
    [InlineData("2024", null)]
    [InlineData("2101", null)]
    [InlineData("26", null)]
    [InlineData("２０２６", null)]
    [InlineData("+202", null)]
    [InlineData("2026.0", null)]
    public void ParseYear_RouteText_OnlyFourDigitSupportedYears(string text, int? expected)
        => Assert.Equal(expected, AnnualReportCalendar.ParseYear(text));

    [Fact]
    public void Options_Defaults_HaveNoProblems()
        => Assert.Empty(new AnnualReportOptions().Problems());

    [Fact]
    public void Options_BadScheduleAndDueDay_ProblemsNameTheSettings()
    {
        var problems = new AnnualReportOptions { AnnualReportSchedule = "0 16 31 12 *", OperatorReportDueMonthDay = "02-29", TableName = "annual-reports" }.Problems();

        Assert.Contains(problems, p => p.StartsWith("Reports:AnnualReportSchedule", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Reports:OperatorReportDueMonthDay", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Reports:TableName", StringComparison.Ordinal));
    }

    [FsCheck.Xunit.Property]
    public bool ReportingYear_AnyInstant_IsTheCstYearOrTheOneBefore(int minutesFromEpoch)
    {
        var instant = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(minutesFromEpoch % 10_000_000);
        var cstYear = Platform.Domain.Time.ChinaTime.LegalDate(instant).Year;

        var year = AnnualReportCalendar.ReportingYear(instant);

        return year == cstYear || (year == cstYear - 1 && Platform.Domain.Time.ChinaTime.LegalDate(instant) is { Month: 1, Day: 1 });
    }
}
