using Platform.Domain.Approvals;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;

namespace Platform.Domain.Scenarios;

/// <summary>What the scenario is for (M4.2); wire names <c>public-good</c>, <c>industry</c>.</summary>
public enum ScenarioUseCategory
{
    PublicGood,
    Industry,
}

/// <summary>Scenario states (M4.2); part of the public API.</summary>
public enum ScenarioStatus
{
    InReview,
    ChangesRequested,
    Approved,
    Rejected,
    Cancelled,
}

/// <summary>Who reviews in a slot: the authority, a provider whose data is needed, or a named expert.</summary>
public enum ReviewerKind
{
    Authority,
    Provider,
    Expert,
}

/// <summary>How a review round ended.</summary>
public enum ReviewRoundOutcome
{
    Approved,
    Rejected,
    ChangesRequested,
    Cancelled,
}

/// <summary>
/// One need for data: the resource, the fields wanted and why. <see cref="ProviderId"/> is given by the operator
/// until the resource catalogue exists; then it will be derived from the resource.
/// </summary>
public sealed record DataNeed(string ResourceId, string ProviderId, IReadOnlyList<string> Fields, string Justification);

/// <summary>What the operator submits for review (POST /api/scenarios, without the agreement).</summary>
public sealed record ScenarioContent(
    string Title,
    string Purpose,
    ScenarioUseCategory UseCategory,
    string EconomicValue,
    string SocialValue,
    string BusinessModel,
    IReadOnlyList<DataNeed> DataNeeds,
    bool ExpertReview,
    IReadOnlyList<string> Experts);

/// <summary>One reviewer's part in a round: the decision (with scores and comment) once made, and whether it ran late.</summary>
public sealed record ScenarioReview(
    string Slot,
    ReviewerKind ReviewerKind,
    Recipient Reviewer,
    ApprovalDecision? Decision,
    bool Overdue,
    DateTimeOffset? EscalatedAt);

/// <summary>A review round: what was reviewed, by whom, by when (legal due time), and how it ended.</summary>
public sealed record ScenarioRound(
    int Number,
    string InstanceId,
    DateTimeOffset StartedAt,
    DateTimeOffset DueAt,
    ScenarioContent Content,
    IReadOnlyList<ScenarioReview> Reviews,
    ReviewRoundOutcome? Outcome,
    DateTimeOffset? EndedAt)
{
    public IReadOnlyList<string> OpenSlots => Reviews.Where(r => r.Decision is null).Select(r => r.Slot).ToList();
}

public sealed record Scenario(
    string Id,
    string AgreementId,
    string OperatorId,
    ScenarioStatus Status,
    IReadOnlyList<ScenarioRound> Rounds,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt)
{
    public ScenarioRound CurrentRound => Rounds[^1];

    /// <summary>The content of the latest round: what is (or was last) under review.</summary>
    public ScenarioContent Content => CurrentRound.Content;

    public bool IsOpen => Status is ScenarioStatus.InReview or ScenarioStatus.ChangesRequested;

    /// <summary>Providers and experts asked in any round; they may read the scenario.</summary>
    public IReadOnlySet<string> InvolvedOrganizations => Rounds
        .SelectMany(r => r.Reviews)
        .Where(r => r.Reviewer.Kind == "org")
        .Select(r => r.Reviewer.Value)
        .ToHashSet(StringComparer.Ordinal);

    public ScenarioRound? Round(int number) => Rounds.FirstOrDefault(r => r.Number == number);
}

/// <summary>Input of the scenario-review orchestration: the round's slots, its legal deadline and how fast time runs.</summary>
public sealed record ScenarioReviewInput(string ScenarioId, int Round, IReadOnlyList<string> Slots, DateTime AnchorUtc, DateTime DueUtc, double TimeCompression);

/// <summary>How long reviewers have before an unanswered review escalates (section <c>Scenarios</c>).</summary>
public sealed record ScenarioReviewSettings(TimeSpan ReviewDeadline)
{
    public static readonly TimeSpan DefaultReviewDeadline = TimeSpan.FromDays(5);
}

public interface IScenarioStore
{
    Task<string> AddAsync(Scenario scenario, CancellationToken cancellationToken = default);

    Task<Versioned<Scenario>?> GetAsync(string id, CancellationToken cancellationToken = default);

    Task<string> ReplaceAsync(Scenario scenario, string ifMatch, CancellationToken cancellationToken = default);

    Task<(IReadOnlyList<Scenario> Items, string? ContinuationToken)> ListAsync(string? operatorId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Scenario>> ListByAgreementAsync(string agreementId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Scenarios of one operator (or, null, of all) created before <paramref name="toUtc"/> and last changed at or after
    /// <paramref name="fromUtc"/>: every scenario submitted or decided in [from, to) is among them (annual reports, M5.6).
    /// </summary>
    Task<IReadOnlyList<Scenario>> ListActiveBetweenAsync(string? operatorId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default);
}
