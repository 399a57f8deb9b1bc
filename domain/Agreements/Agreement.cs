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

    /// <summary>Signed but its term has not begun (before 00:00 CST of <c>startsOn</c>); nothing that uses data works yet (M3.4).</summary>
    Signed,
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

    /// <summary>00:00 CST of <c>startsOn</c>: a signed agreement comes into force.</summary>
    Start,
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

/// <summary>One blob the exit deleted: where it was, its size and the SHA-256 of its content read just before deletion.</summary>
public sealed record DestroyedBlob(string Container, string Name, long Bytes, string Sha256);

/// <summary>
/// What the exit destroyed for one grant (docs/lifecycles.md, M3.6): its library copies, the masked samples made for them and the
/// stored results of its sandbox jobs; <paramref name="Step"/> names the orchestration step that deleted them.
/// </summary>
public sealed record DestructionCertificate(string GrantId, IReadOnlyList<DestroyedBlob> Blobs, DateTimeOffset DestroyedAt, string Step)
{
    /// <summary>Its audit entry is written (M5.3); a step that died between recording and auditing writes it on its replay.</summary>
    public bool Audited { get; init; }
}

/// <summary>
/// The exit of an ended agreement: the authority may inspect until <paramref name="HoldUntil"/>; then the copies are
/// destroyed, one certificate per grant, and <paramref name="DestroyedAt"/> is set when every grant is done.
/// </summary>
public sealed record AgreementExit(string Reason, DateTimeOffset EndedAt, DateTimeOffset HoldUntil, DateTimeOffset? DestroyedAt, IReadOnlyList<DestructionCertificate> Certificates)
{
    /// <summary>The completion's audit entry is written (M5.3); see <see cref="DestructionCertificate.Audited"/>.</summary>
    public bool CompletionAudited { get; init; }
}

/// <param name="Scope">A narrower scope the authority stated when entering the agreement (M3.3, M3.4); null = the plan's whole scope.</param>
/// <param name="PlanVersion">The approved plan version the agreement stands on (M3.3); null for agreements entered before versions were kept (= 1).</param>
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
    string CreatedBy,
    Platform.Domain.Plans.AuthorizationScope? Scope = null,
    int? PlanVersion = null)
{
    /// <summary>The instant the agreement ends: the end of its last day in China Standard Time.</summary>
    public DateTimeOffset ExpiresAtUtc => ChinaTime.EndOfDayUtc(EndsOn);

    /// <summary>The legal signing date (CST) the authority stated; agreements entered before it was recorded were signed on the day of entry.</summary>
    public DateOnly? SignedOn { get; init; }

    /// <summary>The exit after expiry or termination: the hold and the destruction certificates (docs/lifecycles.md).</summary>
    public AgreementExit? Exit { get; init; }

    /// <summary>M5.7: the authority signed although the operator was under re-examination, with its reason.</summary>
    public Oversight.ReexaminationOverride? ReexaminationOverride { get; init; }

    public DateOnly SigningDate => SignedOn ?? ChinaTime.LegalDate(SignedAt);

    /// <summary>In force (M3.4): data may be used only while the agreement is active or expiring.</summary>
    public bool IsLive => Status is AgreementStatus.Active or AgreementStatus.Expiring;

    public bool HasEnded => Status is AgreementStatus.Expired or AgreementStatus.Terminated;

    public bool HasMilestone(AgreementMilestoneKind kind) => Milestones.Any(m => m.Kind == kind);
}
