using Platform.Domain.Time;

namespace Platform.Domain.Agreements;

/// <summary>How the operator was selected (M3.4).</summary>
public enum SelectionMethod
{
    PublicTender,
    InvitedTender,
    Negotiation,
}

/// <summary>Agreement states (docs/lifecycles.md); part of the public API.</summary>
public enum AgreementStatus
{
    Active,
    Expiring,
    Expired,
    Terminated,
}

/// <summary>Grounds for ending an agreement early (M3.6).</summary>
public enum TerminationGround
{
    Expired,
    BreachUnrectified,
    Sanctioned,
    Other,
}

/// <summary>Points in an agreement's life the lifecycle orchestration waits for.</summary>
public enum AgreementMilestoneKind
{
    FilingDeadline,
    Reminder180,
    Reminder90,
    Reminder30,
    Expiry,
}

public sealed record AgreementMilestone(AgreementMilestoneKind Kind, DateTime DueUtc, DateOnly LegalDate);

public sealed record MilestoneRecord(AgreementMilestoneKind Kind, DateOnly LegalDate, DateTimeOffset RecordedAt);

public sealed record Breach(
    string Id,
    string Description,
    DateOnly RectifyBy,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    DateTimeOffset? RectifiedAt = null,
    string? RectificationNote = null)
{
    public bool Rectified => RectifiedAt is not null;

    // M3.6: an unrectified breach past its deadline allows termination.
    public bool UnrectifiedPastDeadline(DateOnly todayCst) => !Rectified && todayCst > RectifyBy;
}

public sealed record AgreementFiling(string DocumentRef, DateOnly FiledOn, DateTimeOffset RecordedAt, string RecordedBy);

public sealed record AgreementTermination(TerminationGround Ground, string Detail, DateTimeOffset At, string By);

public sealed record AgreementRevocation(string Reason, DateTimeOffset At, IReadOnlyList<string> Steps);

public sealed record Agreement(
    string Id,
    string PlanId,
    string OperatorId,
    SelectionMethod SelectionMethod,
    string DecisionRecord,
    DateOnly StartsOn,
    DateOnly EndsOn,
    DateTimeOffset SignedAt,
    AgreementStatus Status,
    DateOnly FilingDueOn,
    AgreementFiling? Filing,
    bool FilingOverdue,
    IReadOnlyList<MilestoneRecord> Milestones,
    IReadOnlyList<Breach> Breaches,
    AgreementTermination? Termination,
    AgreementRevocation? Revocation,
    string CreatedBy)
{
    /// <summary>The instant the agreement ends: the end of its last day in China Standard Time.</summary>
    public DateTimeOffset ExpiresAtUtc => ChinaTime.EndOfDayUtc(EndsOn);

    public bool IsLive => Status is AgreementStatus.Active or AgreementStatus.Expiring;

    public bool HasMilestone(AgreementMilestoneKind kind) => Milestones.Any(m => m.Kind == kind);
}
