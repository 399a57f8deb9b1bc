using Platform.Domain.Organizations;

namespace Platform.Domain.DataRequests;

/// <summary>
/// Data request states (M4.3); part of the public API. Derived from the items: all approved → <c>approved</c>;
/// some approved → <c>partially-approved</c>; all decided, none approved → <c>rejected</c>; nothing approved yet →
/// <c>pending</c>; ended with its agreement while reviews were open → <c>cancelled</c>.
/// </summary>
public enum DataRequestStatus
{
    Pending,
    PartiallyApproved,
    Approved,
    Rejected,
    Cancelled,
}

/// <summary>Where one requested resource stands.</summary>
public enum DataRequestItemStatus
{
    Pending,
    Approved,
    Rejected,
    Cancelled,
}

/// <summary>A provider's word on an item: approve or reject (wire names lower case).</summary>
public enum ItemDecisionKind
{
    Approve,
    Reject,
}

/// <summary>How a provider's decision reached the platform: a signed link, or the authenticated review route.</summary>
public enum ReviewChannel
{
    Link,
    Api,
}

/// <summary>One requested resource with the fields asked for, the provider holding it and its outcome.</summary>
/// <param name="SampleJobId">The id reserved for the masking job that samples the provisioned copy (so provisioning can be repeated safely).</param>
public sealed record DataRequestItem(
    string ResourceId,
    string ResourceName,
    string ProviderId,
    IReadOnlyList<string> Fields,
    string Justification,
    DataRequestItemStatus Status,
    string SampleJobId,
    string? Comment = null);

/// <summary>The decision a provider made on its items.</summary>
/// <param name="Late">Made after the review was due (M4.7.2 counts it against the provider's timeliness).</param>
public sealed record ProviderDecision(
    IReadOnlyDictionary<string, ItemDecisionKind> Items,
    string? Comment,
    DateTimeOffset DecidedAt,
    string DecidedBy,
    ReviewChannel Channel,
    bool Late);

/// <summary>
/// One provider's review of its items (M4.3): due 5 working days after submission on the Chinese calendar, reminded
/// before, marked overdue and escalated at the deadline when still open, and decided — possibly late — by the provider.
/// </summary>
/// <param name="GrantId">The id reserved for the grant its approved items are provisioned under.</param>
/// <param name="DueAt">The end of the due date in China (24:00 CST), in UTC; null until the deadline is computed.</param>
/// <param name="CalendarFallbackYears">Years without a published calendar when the due date was computed (weekends only).</param>
public sealed record ProviderReview(
    string Slot,
    string ProviderId,
    string GrantId,
    DateTimeOffset? DueAt = null,
    DateOnly? DueLegalDate = null,
    DateOnly? CountingStartsOn = null,
    IReadOnlyList<int>? CalendarFallbackYears = null,
    DateTimeOffset? RemindAt = null,
    DateTimeOffset? RemindedAt = null,
    bool Overdue = false,
    DateTimeOffset? EscalatedAt = null,
    ProviderDecision? Decision = null,
    DateTimeOffset? ProvisionedAt = null,
    string? ProvisioningError = null,
    bool Closed = false)
{
    public bool IsOpen => Decision is null && !Closed;
}

/// <summary>A data request 数据申请 (M4.3): resources and fields asked for under an approved scenario.</summary>
public sealed record DataRequest(
    string Id,
    string ScenarioId,
    string ScenarioTitle,
    string AgreementId,
    string OperatorId,
    string Purpose,
    IReadOnlyList<DataRequestItem> Items,
    IReadOnlyList<ProviderReview> Reviews,
    DataRequestStatus Status,
    DateTimeOffset SubmittedAt,
    string SubmittedBy,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CancelledAt = null,
    string? CancelReason = null,
    DateTimeOffset? CompletedAt = null)
{
    public string InstanceId => DataRequestContract.InstanceIdOf(Id);

    public bool IsCancelled => Status == DataRequestStatus.Cancelled;

    public IReadOnlySet<string> Providers => Reviews.Select(r => r.ProviderId).ToHashSet(StringComparer.Ordinal);

    public ProviderReview? Review(string slot) => Reviews.FirstOrDefault(r => r.Slot == slot);

    public IEnumerable<DataRequestItem> ItemsOf(string providerId) => Items.Where(i => i.ProviderId == providerId);
}

/// <summary>What the operator sends (POST /api/scenarios/{id}/data-requests), before validation.</summary>
public sealed record DataRequestDraft(IReadOnlyList<DataRequestItemDraft?>? Items, string? Purpose);

public sealed record DataRequestItemDraft(string? ResourceId, IReadOnlyList<string?>? Fields);

/// <summary>What a provider sends on POST /data-requests/{id}/reviews: one decision for all its items, or one per item.</summary>
public sealed record ReviewDraft(ItemDecisionKind? Decision, string? Comment, IReadOnlyList<ItemReviewDraft?>? Items);

public sealed record ItemReviewDraft(string? ResourceId, ItemDecisionKind? Decision);

/// <summary>
/// A decision sent on the authenticated route, kept under its own id before the review slot is claimed: the claim names
/// this id, so whoever reads the claim finds the per-item decisions exactly as sent.
/// </summary>
public sealed record ReviewSubmission(
    string Id,
    string DataRequestId,
    string Slot,
    IReadOnlyDictionary<string, ItemDecisionKind> Items,
    string? Comment,
    DateTimeOffset SubmittedAt,
    string SubmittedBy);

/// <summary>
/// One provider's review timeliness for one data request (M4.7.2: review timeliness counts in the contribution score).
/// <paramref name="Year"/> is the China year of the submission.
/// </summary>
public sealed record ReviewTimeliness(
    string ProviderId,
    string DataRequestId,
    int Year,
    DateTimeOffset SubmittedAt,
    DateTimeOffset DueAt,
    DateOnly DueLegalDate,
    DateTimeOffset? DecidedAt,
    bool Overdue,
    bool Late,
    bool Cancelled);

public interface IDataRequestStore
{
    Task<string> AddAsync(DataRequest request, CancellationToken cancellationToken = default);

    Task<Versioned<DataRequest>?> GetAsync(string id, CancellationToken cancellationToken = default);

    Task<string> ReplaceAsync(DataRequest request, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>A page of requests in id (= submission) order, optionally of one operator.</summary>
    Task<(IReadOnlyList<DataRequest> Items, string? ContinuationToken)> ListAsync(string? operatorId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DataRequest>> ListByAgreementAsync(string agreementId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Requests of one operator (or, null, of all) submitted before <paramref name="toUtc"/> and last changed at or after
    /// <paramref name="fromUtc"/>: every request submitted or completed in [from, to) is among them (annual reports, M5.6).
    /// </summary>
    Task<IReadOnlyList<DataRequest>> ListActiveBetweenAsync(string? operatorId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default);

    /// <summary>Keeps a decision sent on the authenticated route; storing the same id again changes nothing.</summary>
    Task AddSubmissionAsync(ReviewSubmission submission, CancellationToken cancellationToken = default);

    Task<ReviewSubmission?> GetSubmissionAsync(string id, CancellationToken cancellationToken = default);
}

/// <summary>Review timeliness per provider, for the contribution score (M4.7.2).</summary>
public interface IReviewTimelinessStore
{
    /// <summary>Writes the record of one provider's review of one request, replacing the earlier state.</summary>
    Task UpsertAsync(ReviewTimeliness timeliness, CancellationToken cancellationToken = default);

    /// <summary>The provider's reviews of requests submitted in <paramref name="year"/> (China time).</summary>
    Task<IReadOnlyList<ReviewTimeliness>> ListAsync(string providerId, int year, CancellationToken cancellationToken = default);
}
