using Platform.Domain.Notifications;
using Platform.Domain.Security;

namespace Platform.Domain.Scenarios;

/// <summary>How much of one review a caller may see.</summary>
public enum ReviewVisibility
{
    /// <summary>Decision, scores and comment.</summary>
    Full,

    /// <summary>Only whether the slot is pending or decided.</summary>
    StateOnly,

    /// <summary>Nothing of the decision, not even whether it was made.</summary>
    Hidden,
}

/// <summary>
/// Sealed reviews (docs/api.md, M4.2 impartial review): while a round is open each reviewer sees only its own decision, the
/// operator sees which slots are pending or decided but no decision or comment; the authority and supervisors see
/// everything. Once the round has ended, everyone who may read the subject sees every review.
/// </summary>
public static class ScenarioReviewSealing
{
    public static ReviewVisibility Of(ScenarioReview review, ScenarioRound round, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(review);
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(caller);
        return Of(review.Reviewer, round.Outcome is not null, caller);
    }

    public static ReviewVisibility Of(Recipient reviewer, bool roundEnded, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        ArgumentNullException.ThrowIfNull(caller);
        if (roundEnded || caller.Role is Roles.Authority or Roles.Supervisor)
        {
            return ReviewVisibility.Full;
        }

        if (caller.Role is Roles.Provider or Roles.Reviewer)
        {
            return reviewer == Recipient.Organization(caller.Organization) ? ReviewVisibility.Full : ReviewVisibility.Hidden;
        }

        return ReviewVisibility.StateOnly;
    }
}
