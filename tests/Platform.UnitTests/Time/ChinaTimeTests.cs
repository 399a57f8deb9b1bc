using Moq;
using Platform.Domain.Time;
using Xunit;

namespace Platform.UnitTests.Time;

public sealed class ChinaTimeTests
{
    [Fact]
    public void LegalDate_LastSecondOfChinaDay_IsThatDay()
    {
        // 15:59:59 UTC is 23:59:59 CST on the same calendar date.
        var instant = new DateTimeOffset(2026, 1, 1, 15, 59, 59, TimeSpan.Zero);

        Assert.Equal(new DateOnly(2026, 1, 1), ChinaTime.LegalDate(instant));
    }

    [Fact]
    public void LegalDate_SixteenHundredUtc_IsNextChinaDay()
    {
        var instant = new DateTimeOffset(2025, 12, 31, 16, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateOnly(2026, 1, 1), ChinaTime.LegalDate(instant));
    }

    [Fact]
    public void ToChinaTime_UtcInstant_HasPlusEightOffsetAndSameInstant()
    {
        var instant = new DateTimeOffset(2026, 6, 30, 20, 30, 0, TimeSpan.Zero);

        var china = ChinaTime.ToChinaTime(instant);

        Assert.Equal(TimeSpan.FromHours(8), china.Offset);
        Assert.Equal(new DateTime(2026, 7, 1, 4, 30, 0), china.DateTime);
        Assert.Equal(instant, china);
    }

    [Fact]
    public void StartOfDayUtc_ChinaDate_IsSixteenHundredUtcTheDayBefore()
    {
        var start = ChinaTime.StartOfDayUtc(new DateOnly(2026, 1, 1));

        Assert.Equal(new DateTimeOffset(2025, 12, 31, 16, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(TimeSpan.Zero, start.Offset);
    }

    [Fact]
    public void EndOfDayUtc_ChinaDate_IsNextChinaMidnightInUtc()
    {
        var end = ChinaTime.EndOfDayUtc(new DateOnly(2026, 2, 28));

        Assert.Equal(new DateTimeOffset(2026, 2, 28, 16, 0, 0, TimeSpan.Zero), end);
        Assert.Equal(new DateOnly(2026, 3, 1), ChinaTime.LegalDate(end));
        Assert.Equal(new DateOnly(2026, 2, 28), ChinaTime.LegalDate(end.AddTicks(-1)));
    }

    [Fact]
    public void Today_ClockJustAfterChinaMidnight_IsTheNewChinaDate()
    {
        var clock = Mock.Of<IClock>(c => c.UtcNow == new DateTimeOffset(2026, 10, 12, 16, 0, 1, TimeSpan.Zero));

        Assert.Equal(new DateOnly(2026, 10, 13), ChinaTime.Today(clock));
    }

    [FsCheck.Xunit.Property]
    public bool LegalDate_AnyInstant_LiesWithinItsDayBounds(int minutesFromEpoch)
    {
        var instant = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(minutesFromEpoch % 10_000_000);

        var date = ChinaTime.LegalDate(instant);

        return ChinaTime.StartOfDayUtc(date) <= instant && instant < ChinaTime.EndOfDayUtc(date);
    }
}
