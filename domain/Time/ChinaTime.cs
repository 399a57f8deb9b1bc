namespace Platform.Domain.Time;

/// <summary>
/// Legal dates of the Measures are dates in China Standard Time: UTC+8 all year, no daylight saving, so a fixed
/// offset is exact and needs no time-zone database.
/// </summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateTimeOffset ToChinaTime(DateTimeOffset instant) => instant.ToOffset(Offset);

    /// <summary>The calendar date in China at <paramref name="instant"/>.</summary>
    public static DateOnly LegalDate(DateTimeOffset instant) => DateOnly.FromDateTime(ToChinaTime(instant).DateTime);

    /// <summary>Today's legal date according to <paramref name="clock"/>.</summary>
    public static DateOnly Today(IClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return LegalDate(clock.UtcNow);
    }

    /// <summary>The instant (UTC) a China date begins: 00:00 CST, i.e. 16:00 UTC the day before.</summary>
    public static DateTimeOffset StartOfDayUtc(DateOnly chinaDate) =>
        new DateTimeOffset(chinaDate.ToDateTime(TimeOnly.MinValue), Offset).ToUniversalTime();

    /// <summary>The instant (UTC) a China date ends: 00:00 CST of the next day (exclusive end).</summary>
    public static DateTimeOffset EndOfDayUtc(DateOnly chinaDate) => StartOfDayUtc(chinaDate.AddDays(1));
}
