using Platform.Domain.Time;
using Xunit;

namespace Platform.UnitTests.Time;

public sealed class TimeCompressionTests
{
    private static readonly DateTime Anchor = new(2026, 3, 2, 1, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(0.5)]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_FactorBelowOneOrNotFinite_Throws(double factor)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeCompression(factor));
    }

    [Fact]
    public void Compress_FactorOne_KeepsDuration()
    {
        Assert.Equal(TimeSpan.FromDays(5), TimeCompression.None.Compress(TimeSpan.FromDays(5)));
    }

    [Fact]
    public void Compress_Factor1440_TurnsADayIntoAMinute()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), new TimeCompression(1440).Compress(TimeSpan.FromDays(1)));
    }

    [Fact]
    public void TimerFireTime_FiveDaysAtFactor1440_FiresFiveMinutesAfterAnchor()
    {
        var fire = new TimeCompression(1440).TimerFireTime(Anchor, Anchor.AddDays(5));

        Assert.Equal(Anchor.AddMinutes(5), fire);
        Assert.Equal(DateTimeKind.Utc, fire.Kind);
    }

    [Fact]
    public void TimerFireTime_FactorOne_IsTheLegalDueTime()
    {
        var due = Anchor.AddDays(30);

        Assert.Equal(due, TimeCompression.None.TimerFireTime(Anchor, due));
    }

    [Fact]
    public void TimerFireTime_DueBeforeAnchor_FiresAtAnchor()
    {
        Assert.Equal(Anchor, new TimeCompression(60).TimerFireTime(Anchor, Anchor.AddHours(-2)));
    }

    [Fact]
    public void TimerFireTime_LocalKind_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TimeCompression(2).TimerFireTime(DateTime.SpecifyKind(Anchor, DateTimeKind.Local), Anchor));
    }

    [Fact]
    public void TimerFireTime_DateTimeOffsetOverload_MatchesDateTimeResult()
    {
        var compression = new TimeCompression(24);
        var anchor = new DateTimeOffset(Anchor).ToOffset(TimeSpan.FromHours(8));

        var fire = compression.TimerFireTime(anchor, anchor.AddDays(2));

        Assert.Equal(new DateTimeOffset(Anchor.AddHours(2)), fire);
    }

    [Fact]
    public void LegalTime_OfTimerFireTime_IsTheLegalDueTime()
    {
        var compression = new TimeCompression(1440);
        var due = Anchor.AddDays(5);

        Assert.Equal(due, compression.LegalTime(Anchor, compression.TimerFireTime(Anchor, due)));
    }

    [FsCheck.Xunit.Property]
    public bool TimerFireTime_AnyFactorAndDelay_NeverBeforeAnchorNorAfterDue(FsCheck.PositiveInt factorTenths, FsCheck.PositiveInt minutes)
    {
        var compression = new TimeCompression(1 + (factorTenths.Get / 10.0));
        var due = Anchor.AddMinutes(minutes.Get);

        var fire = compression.TimerFireTime(Anchor, due);

        return fire >= Anchor && fire <= due;
    }
}
