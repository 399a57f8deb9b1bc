using Platform.Domain.Approvals;
using Platform.Domain.ProductCompliance;
using Platform.Domain.Products;
using Platform.Domain.Scenarios;
using Platform.Domain.Security;
using Xunit;

namespace Platform.UnitTests.ProductCompliance;

public sealed class ProductReviewSealingTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 4, 0, 0, TimeSpan.Zero);
    private static readonly ProductReviewDecision ProviderDecision = new("provider-1", "org:org-pv-1", new ApprovalDecision(ApprovalDecisionKind.Reject, new Dictionary<string, int>(), "字段过细", At));
    private static readonly ProductReviewRound Open = new(1, "product-compliance-prd-1-r1", At, null, [], At, [ProviderDecision], null, null, null, null);
    private static readonly ProductReviewRound Ended = Open with { Outcome = ProductComplianceOutcomeKind.Rejected, EndedAt = At.AddDays(1) };

    [Theory]
    [InlineData("provider", "org-pv-1", ReviewVisibility.Full)]
    [InlineData("provider", "org-pv-2", ReviewVisibility.Hidden)]
    [InlineData("reviewer", "org-rv-1", ReviewVisibility.Hidden)]
    [InlineData("operator", "org-op-1", ReviewVisibility.StateOnly)]
    [InlineData("developer", "org-dev-1", ReviewVisibility.StateOnly)]
    [InlineData("authority", "org-authority", ReviewVisibility.Full)]
    [InlineData("supervisor", "org-supervisor", ReviewVisibility.Full)]
    public void Of_RoundOpen_OwnDecisionOnlyForReviewersStateForTheOwnerAllForOversight(string role, string organization, ReviewVisibility expected)
    {
        Assert.Equal(expected, ProductReviewSealing.Of(ProviderDecision, Open, new Caller($"{role}-1", role, organization)));
    }

    [Theory]
    [InlineData("provider", "org-pv-2")]
    [InlineData("operator", "org-op-1")]
    public void Of_RoundEnded_EveryReaderSeesEveryDecision(string role, string organization)
    {
        Assert.Equal(ReviewVisibility.Full, ProductReviewSealing.Of(ProviderDecision, Ended, new Caller($"{role}-1", role, organization)));
    }
}
