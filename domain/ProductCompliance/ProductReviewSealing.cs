using Platform.Domain.Notifications;
using Platform.Domain.Products;
using Platform.Domain.Scenarios;
using Platform.Domain.Security;

namespace Platform.Domain.ProductCompliance;

/// <summary>
/// Sealed product review rounds (M4.5.1, impartial review; the same rule as <see cref="ScenarioReviewSealing"/>): while
/// a round is open each reviewer sees only its own decision, the product's owner sees which slots are decided but no
/// decision or comment, and the authority and supervisors see everything. Once the round has ended, every reader sees
/// every decision.
/// </summary>
public static class ProductReviewSealing
{
    public static ReviewVisibility Of(ProductReviewDecision decision, ProductReviewRound round, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(caller);
        var ended = round.Outcome is not null || round.EndedAt is not null;
        // A decision whose reviewer cannot be read back is nobody's own: sealed from every reviewer.
        var reviewer = Recipient.FromKey(decision.Reviewer) ?? new Recipient("slot", decision.Slot);
        return ScenarioReviewSealing.Of(reviewer, ended, caller);
    }
}
