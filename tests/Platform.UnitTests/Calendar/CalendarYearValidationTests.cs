using Platform.Domain.Calendar;
using Platform.Domain.Errors;
using Xunit;
using static Platform.UnitTests.Calendar.CalendarTestData;

namespace Platform.UnitTests.Calendar;

public sealed class CalendarYearValidationTests
{
    private static CalendarYearDocument Valid2026() => new(
        2026,
        [new("2026-01-01", "元旦", "New Year's Day"), new("2026-01-02", "元旦"), new("2026-01-03", "元旦")],
        ["2026-01-04"],
        "国务院办公厅关于2026年部分节假日安排的通知");

    [Fact]
    public void Validate_ValidDocument_NoErrors()
    {
        Assert.Empty(Valid2026().Validate(2026));
    }

    [Fact]
    public void Validate_HolidayOnWeekend_Allowed()
    {
        // 2026-01-03 is a Saturday inside the New Year break.
        var calendar = Valid2026().ToCalendarYear();

        Assert.True(calendar.IsHoliday(Date(2026, 1, 3)));
    }

    [Fact]
    public void Validate_RouteYearDiffers_ErrorOnYear()
    {
        var errors = Valid2026().Validate(2025);

        Assert.Contains("year", errors.Keys);
    }

    [Fact]
    public void Validate_MalformedDate_ErrorAtItsPath()
    {
        var document = Valid2026() with { Holidays = [new("2026-01-01", "元旦"), new("2026-01-02", "元旦"), new("2026-13-01", "元旦")] };

        var errors = document.Validate();

        Assert.Equal(["holidays[2].date"], errors.Keys);
    }

    [Fact]
    public void Validate_DateOutsideYear_ErrorAtItsPath()
    {
        var document = Valid2026() with { AdjustedWorkingDays = ["2025-12-27"] };

        var errors = document.Validate();

        Assert.Equal(["adjustedWorkingDays[0]"], errors.Keys);
    }

    [Fact]
    public void Validate_AdjustedWorkingDayOnWeekday_Refused()
    {
        var document = Valid2026() with { AdjustedWorkingDays = ["2026-01-04", "2026-01-05"] };

        var errors = document.Validate();

        Assert.Equal(["adjustedWorkingDays[1]"], errors.Keys);
        Assert.Contains("Monday", errors["adjustedWorkingDays[1]"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DayBothHolidayAndAdjustedWorkingDay_Refused()
    {
        var document = Valid2026() with { AdjustedWorkingDays = ["2026-01-03"] };

        var errors = document.Validate();

        Assert.Equal(["adjustedWorkingDays[0]"], errors.Keys);
        Assert.Contains("holidays[2]", errors["adjustedWorkingDays[0]"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DuplicateHoliday_Refused()
    {
        var document = Valid2026() with { Holidays = [new("2026-01-01", "元旦"), new("2026-01-01", "元旦")] };

        Assert.Equal(["holidays[1].date"], document.Validate().Keys);
    }

    [Fact]
    public void Validate_MissingPieces_EachReported()
    {
        var document = new CalendarYearDocument(2026, [null, new("2026-05-01", " ")], null, "");

        var errors = document.Validate();

        Assert.Equal(
            new[] { "adjustedWorkingDays", "holidays[0]", "holidays[1].name", "source" },
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_YearOutOfRange_ErrorOnYear()
    {
        var document = new CalendarYearDocument(0, [], [], "x");

        Assert.Equal(["year"], document.Validate().Keys);
    }

    [Fact]
    public void ToCalendarYear_Invalid_ThrowsUnprocessableWithErrors()
    {
        var document = Valid2026() with { AdjustedWorkingDays = ["2026-01-05"] };

        var ex = Assert.Throws<DomainException>(() => document.ToCalendarYear());

        Assert.Equal(FailureKind.Unprocessable, ex.Kind);
        Assert.Equal(WorkingDayCalendarYear.InvalidCode, ex.Code);
        Assert.Contains("adjustedWorkingDays[0]", ex.Errors!.Keys);
    }

    [Fact]
    public void Constructor_AdjustedWorkingDayOnWeekday_ThrowsWithSamePath()
    {
        var ex = Assert.Throws<DomainException>(() => new WorkingDayCalendarYear(
            2026, [new StatutoryHoliday(Date(2026, 1, 1), "元旦")], [Date(2026, 1, 4), Date(2026, 1, 6)], "notice"));

        Assert.Equal(["adjustedWorkingDays[1]"], ex.Errors!.Keys);
    }

    [Fact]
    public void ToDocument_RoundTripsThroughJsonWithChineseIntact()
    {
        var calendar = ShippedCalendars.Get(2026)!;

        var json = CalendarJson.Serialize(calendar);
        var back = CalendarJson.Deserialize(json).ToCalendarYear(2026);

        Assert.Contains("\"name\":\"春节\"", json, StringComparison.Ordinal);
        Assert.Contains("\"adjustedWorkingDays\":[\"2026-01-04\"", json, StringComparison.Ordinal);
        Assert.Equal(json, CalendarJson.Serialize(back));
    }

    [Fact]
    public void Deserialize_CamelCaseBodyFromTheBrief_Parses()
    {
        const string Body = """{ "year": 2026, "holidays": [{"date":"2026-01-01","name":"元旦"}], "adjustedWorkingDays": ["2026-01-04"], "source": "国办通知" }""";

        var calendar = CalendarJson.Deserialize(Body).ToCalendarYear(2026);

        Assert.Equal("元旦", calendar.HolidayOn(Date(2026, 1, 1))?.Name);
        Assert.Null(calendar.HolidayOn(Date(2026, 1, 1))?.NameEn);
        Assert.True(calendar.IsAdjustedWorkingDay(Date(2026, 1, 4)));
    }
}
