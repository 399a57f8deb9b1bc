using Platform.Domain.Workflows;
using Xunit;

namespace Platform.UnitTests.Workflows;

public sealed class DeadlineChecksTests
{
    private static readonly DateTime Anchor = new(2026, 3, 2, 2, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Due = Anchor.AddDays(5);

    [Fact]
    public void CheckMoment_FirstCheck_IsTheDueMoment()
        => Assert.Equal(Due, DeadlineChecks.CheckMoment(Anchor, Due, 1));

    [Fact]
    public void CheckMoment_LaterChecks_OneDeadlinePeriodApart()
        => Assert.Equal([Due.AddDays(5), Due.AddDays(10)], [DeadlineChecks.CheckMoment(Anchor, Due, 2), DeadlineChecks.CheckMoment(Anchor, Due, 3)]);

    [Fact]
    public void CheckMoment_DueNotAfterAnchor_LooksAgainDaily()
        => Assert.Equal(Anchor.AddDays(2), DeadlineChecks.CheckMoment(Anchor, Anchor, 3));

    [Fact]
    public void CheckMoment_CheckZero_Refused()
        => Assert.Throws<ArgumentOutOfRangeException>(() => DeadlineChecks.CheckMoment(Anchor, Due, 0));
}
