using Platform.Domain.Organizations;

namespace Platform.Domain.Quality;

/// <summary>What a quality objection is about (M4.7.1); wire names lower case.</summary>
public enum QualityIssueKind
{
    Fields,
    Rows,
    Description,
    Other,
}

/// <summary>
/// Ticket states (M4.7.1); part of the public API, wire names in kebab case:
/// <c>open → acknowledged → corrected | disputed → closed</c>.
/// </summary>
public enum QualityIssueStatus
{
    Open,
    Acknowledged,
    Corrected,
    Disputed,
    Closed,
}

/// <summary>How the provider answered after verifying: it corrected the data, or it disputes the objection.</summary>
public enum QualityResolutionOutcome
{
    Corrected,
    Disputed,
}

/// <summary>The provider's answer after verification (M4.7.1).</summary>
/// <param name="OnTime">Resolved before the correction deadline (legal time); counts in the contribution score (M4.7.2).</param>
public sealed record QualityResolution(
    QualityResolutionOutcome Outcome,
    string Comment,
    IReadOnlyList<string> Evidence,
    DateTimeOffset ResolvedAt,
    string ResolvedBy,
    bool OnTime);

/// <summary>
/// A quality issue or objection 质量问题/异议 raised against a resource (M4.7.1): the provider verifies and corrects it by
/// a deadline counted in working days; an overdue ticket is escalated to the authority and keeps waiting.
/// </summary>
/// <param name="DueAt">The end of the due date in China (24:00 CST), in UTC.</param>
/// <param name="DueLegalDate">The last day to answer (CST).</param>
/// <param name="CountingStartsOn">Day 0 of the count (the 17:00 CST cut-off rule of the data-request review).</param>
public sealed record QualityIssue(
    string Id,
    string ResourceId,
    string ResourceName,
    string ProviderId,
    string RaisedByOrganization,
    string RaisedByRole,
    string RaisedBy,
    QualityIssueKind Kind,
    IReadOnlyList<string> Fields,
    IReadOnlyList<string> RowRefs,
    string Description,
    IReadOnlyList<string> Evidence,
    QualityIssueStatus Status,
    DateTimeOffset RaisedAt,
    int CorrectionWorkingDays,
    DateOnly CountingStartsOn,
    DateOnly DueLegalDate,
    DateTimeOffset DueAt,
    IReadOnlyList<int> CalendarFallbackYears,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? AcknowledgedAt = null,
    string? AcknowledgedBy = null,
    QualityResolution? Resolution = null,
    bool Overdue = false,
    DateTimeOffset? EscalatedAt = null,
    int Reminders = 0,
    DateTimeOffset? ClosedAt = null,
    string? ClosedBy = null,
    string? ClosingComment = null)
{
    public string InstanceId => QualityIssueRules.InstanceIdOf(Id);

    /// <summary>Still waiting for the provider's answer.</summary>
    public bool AwaitsResolution => Status is QualityIssueStatus.Open or QualityIssueStatus.Acknowledged;
}

/// <summary>What the raiser sends on POST /quality-issues, before validation.</summary>
public sealed record QualityIssueDraft(
    string? ResourceId,
    QualityIssueKind? Kind,
    IReadOnlyList<string?>? Fields,
    IReadOnlyList<string?>? RowRefs,
    string? Description,
    IReadOnlyList<string?>? Evidence);

/// <summary>What the provider sends on POST /quality-issues/{id}/resolution, before validation.</summary>
public sealed record QualityResolutionDraft(QualityResolutionOutcome? Outcome, string? Comment, IReadOnlyList<string?>? Evidence);

/// <summary>Which tickets a list asks for; null means any.</summary>
public sealed record QualityIssueQuery(string? ProviderId = null, string? RaisedByOrganization = null, string? ResourceId = null, QualityIssueStatus? Status = null);

/// <summary>Where tickets are kept (Table storage, ETag concurrency).</summary>
public interface IQualityIssueStore
{
    Task<string> AddAsync(QualityIssue issue, CancellationToken cancellationToken = default);

    Task<Versioned<QualityIssue>?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Replaces the ticket if its ETag still matches (412 <c>concurrency.etag_mismatch</c> otherwise); returns the new ETag.</summary>
    Task<string> ReplaceAsync(QualityIssue issue, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>A page of tickets in id (= raising) order matching <paramref name="query"/>.</summary>
    Task<(IReadOnlyList<QualityIssue> Items, string? ContinuationToken)> ListAsync(QualityIssueQuery query, int pageSize, string? continuationToken, CancellationToken cancellationToken = default);

    /// <summary>The provider's tickets raised in <paramref name="year"/> (China time), for the contribution score.</summary>
    Task<IReadOnlyList<QualityIssue>> ListForProviderAsync(string providerId, int year, CancellationToken cancellationToken = default);

    /// <summary>Tickets still awaiting the provider's answer and not yet escalated (the deadline sweep's candidates).</summary>
    Task<IReadOnlyList<QualityIssue>> ListAwaitingUnescalatedAsync(CancellationToken cancellationToken = default);
}

/// <summary>Settings of quality tickets (section <c>Quality</c>).</summary>
/// <param name="CorrectionWorkingDays">Working days the provider has to verify and correct (M4.7.1; default 5).</param>
public sealed record QualitySettings(int CorrectionWorkingDays)
{
    public const int DefaultCorrectionWorkingDays = 5;

    public static readonly QualitySettings Default = new(DefaultCorrectionWorkingDays);
}

/// <summary>Input of the <c>quality-issue</c> orchestration: which ticket, when it started waiting, when it is legally due, how fast time runs.</summary>
public sealed record QualityIssueWorkflowInput(string IssueId, DateTime AnchorUtc, DateTime DueUtc, double TimeCompression);

/// <summary>The event the resolution route raises on the ticket's orchestration.</summary>
public sealed record QualityIssueResolvedEvent(string IssueId, QualityResolutionOutcome Outcome);

/// <summary>What a deadline step found: the ticket's status afterwards and whether it is (now) escalated.</summary>
public sealed record QualityEscalationOutcome(QualityIssueStatus Status, bool Escalated);

/// <summary>A deadline step of the orchestration: the ticket, and which check it is (1 at the deadline, 2, 3, … each further period).</summary>
public sealed record QualityEscalationRequest(string IssueId, int Check);
