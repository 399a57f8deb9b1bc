using Platform.Domain.Notifications;

namespace Platform.Domain.Approvals;

/// <summary>What a reviewer decides through a link (POST /api/approvals/{token}); wire names are lower case.</summary>
public enum ApprovalDecisionKind
{
    Approve,
    Reject,
    Changes,
}

/// <summary>Where a decision slot stands: waiting, decided by its reviewer, or closed without a decision.</summary>
public enum ApprovalSlotState
{
    Open,
    Decided,
    Closed,
}

/// <summary>A reviewer's decision with the scores given per criterion and the comment.</summary>
public sealed record ApprovalDecision(ApprovalDecisionKind Kind, IReadOnlyDictionary<string, int> Scores, string? Comment, DateTimeOffset DecidedAt);

/// <summary>
/// One decision slot: who is asked (<see cref="Reviewer"/>, in the role <see cref="ReviewerRole"/>), about which
/// subject (e.g. kind <c>scenario</c>, its id and review round), inside which orchestration instance.
/// </summary>
public sealed record ApprovalSlot(
    string InstanceId,
    string Slot,
    Recipient Reviewer,
    string ReviewerRole,
    string SubjectKind,
    string SubjectId,
    int Round,
    DateTimeOffset CreatedAt,
    DateTimeOffset DueAt);

/// <summary>
/// The one row that settles a slot, written by a conditional insert: either the decision that used a link, or the
/// closing of a slot whose round ended without it. Whoever inserts first wins; everyone after is refused.
/// </summary>
public sealed record ApprovalClaim(
    string InstanceId,
    string Slot,
    ApprovalSlotState State,
    ApprovalDecision? Decision,
    string? Nonce,
    string? Reason,
    DateTimeOffset At);

/// <summary>The external event a use of a link raises on the slot's orchestration instance, exactly once per slot.</summary>
public sealed record ApprovalDecidedEvent(string Slot, string Reviewer, ApprovalDecision Decision);

/// <summary>A criterion the reviewer scores (e.g. the six of M4.2); <see cref="Key"/> is the name in <c>scores</c>.</summary>
public sealed record ApprovalCriterion(string Key, string Label, string Description);

/// <summary>One fact shown to the reviewer: a label and its value (plain text; the page encodes it).</summary>
public sealed record ApprovalFact(string Label, string Value);

/// <summary>A titled group of facts, e.g. one data need.</summary>
public sealed record ApprovalFactGroup(string Title, IReadOnlyList<ApprovalFact> Facts);

/// <summary>What the reviewer is shown: what is decided, the facts, the criteria to score.</summary>
public sealed record ApprovalSubjectFacts(
    string Heading,
    string Question,
    IReadOnlyList<ApprovalFact> Facts,
    IReadOnlyList<ApprovalFactGroup> Groups,
    IReadOnlyList<ApprovalCriterion> Criteria);

/// <summary>Everything the approval page needs.</summary>
public sealed record ApprovalPageModel(ApprovalSlot Slot, ApprovalSubjectFacts Subject, ApprovalSlotState State, ApprovalClaim? Claim, DateTimeOffset LinkExpiresAt);

/// <summary>What a reviewer sends: the decision, a comment and the scores (criterion key → 1..5).</summary>
public sealed record ApprovalDecisionInput(ApprovalDecisionKind? Decision, string? Comment, IReadOnlyDictionary<string, int>? Scores);

/// <summary>Describes the subject of a slot for the approval page; one per subject kind (scenario, product, …).</summary>
public interface IApprovalSubjectSource
{
    string SubjectKind { get; }

    Task<ApprovalSubjectFacts> DescribeAsync(ApprovalSlot slot, CancellationToken cancellationToken = default);
}

public interface IApprovalStore
{
    /// <summary>Stores the slot; storing one that already exists changes nothing (a retried step).</summary>
    Task AddSlotAsync(ApprovalSlot slot, CancellationToken cancellationToken = default);

    Task<ApprovalSlot?> GetSlotAsync(string instanceId, string slot, CancellationToken cancellationToken = default);

    /// <summary>Atomically writes the claim if the slot has none yet; false when another claim was first.</summary>
    Task<bool> TryClaimAsync(ApprovalClaim claim, CancellationToken cancellationToken = default);

    Task<ApprovalClaim?> GetClaimAsync(string instanceId, string slot, CancellationToken cancellationToken = default);
}
