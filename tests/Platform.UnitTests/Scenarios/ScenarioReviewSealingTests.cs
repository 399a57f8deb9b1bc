using Platform.Domain.Notifications;
using Platform.Domain.Scenarios;
using Platform.Domain.Security;
using Xunit;

namespace Platform.UnitTests.Scenarios;

public sealed class ScenarioReviewSealingTests
{
    private static readonly Recipient Provider1 = Recipient.Organization("org-p1");

    [Fact]
    public void Of_OpenRoundOwnSlot_Full()
        => Assert.Equal(ReviewVisibility.Full, ScenarioReviewSealing.Of(Provider1, roundEnded: false, Caller(Roles.Provider, "org-p1")));

    [Fact]
    public void Of_OpenRoundOtherReviewersSlot_Hidden()
    {
        Assert.Equal(ReviewVisibility.Hidden, ScenarioReviewSealing.Of(Provider1, roundEnded: false, Caller(Roles.Provider, "org-p2")));
        Assert.Equal(ReviewVisibility.Hidden, ScenarioReviewSealing.Of(Recipient.Role(Roles.Authority), roundEnded: false, Caller(Roles.Reviewer, "org-e1")));
    }

    [Fact]
    public void Of_OpenRoundOperator_StateOnly()
        => Assert.Equal(ReviewVisibility.StateOnly, ScenarioReviewSealing.Of(Provider1, roundEnded: false, Caller(Roles.Operator, "org-op")));

    [Theory]
    [InlineData(Roles.Authority)]
    [InlineData(Roles.Supervisor)]
    public void Of_OpenRoundAuthorityOrSupervisor_Full(string role)
        => Assert.Equal(ReviewVisibility.Full, ScenarioReviewSealing.Of(Provider1, roundEnded: false, Caller(role, "org-x")));

    [Theory]
    [InlineData(Roles.Operator)]
    [InlineData(Roles.Provider)]
    public void Of_RoundEnded_Full(string role)
        => Assert.Equal(ReviewVisibility.Full, ScenarioReviewSealing.Of(Provider1, roundEnded: true, Caller(role, "org-p2")));

    private static Caller Caller(string role, string org) => new("someone", role, org);
}
