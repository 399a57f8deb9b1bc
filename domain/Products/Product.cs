using Platform.Domain.Approvals;
using Platform.Domain.Organizations;

namespace Platform.Domain.Products;

/// <summary>A released <c>full</c>-mode sandbox output a product is built from, with the hash of the result as released.</summary>
public sealed record ProductSource(string JobId, string GrantId, string? ResultHash, long? RowCount);

/// <summary>One reviewer's decision in a compliance round, as the review recorded it.</summary>
public sealed record ProductReviewDecision(string Slot, string Reviewer, ApprovalDecision Decision);

/// <summary>
/// One compliance review round (M4.5.1): the automated checks' findings once run, the reviewers' decisions as they
/// arrive and how the round ended. A resubmission after <c>changes-requested</c> opens the next round.
/// </summary>
public sealed record ProductReviewRound(
    int Number,
    string InstanceId,
    DateTimeOffset StartedAt,
    ProductReviewTrack? Track,
    IReadOnlyList<ComplianceFinding>? Findings,
    DateTimeOffset? ChecksRecordedAt,
    IReadOnlyList<ProductReviewDecision> Decisions,
    ProductComplianceOutcomeKind? Outcome,
    string? OutcomeComment,
    IReadOnlyList<ComplianceFinding>? OutcomeFindings,
    DateTimeOffset? EndedAt,
    string? EndReason = null,
    int FindingCount = 0);

/// <summary>The registration of a published product (M4.5.1): its number and the legal date (CST) of registration.</summary>
public sealed record ProductRegistration(string Number, DateOnly RegisteredOn, DateTimeOffset RegisteredAt);

/// <summary>
/// A data product or service (M4.5, M4.6). <see cref="OperatorId"/> is the operator whose authorised data the product
/// rests on: the owner for an operator's product, the origin's operator for a developer's derived one.
/// <see cref="LineageOperatorIds"/> are the operators of every product in its ancestry (M4.6.1).
/// </summary>
public sealed record Product(
    string Id,
    string OwnerOrgId,
    OrganizationKind OwnerKind,
    string OperatorId,
    string? AgreementId,
    string? ScenarioId,
    string? ScenarioTitle,
    ProductKind Kind,
    string Name,
    string Description,
    decimal Price,
    string UseCategory,
    bool InvolvesPersonalInfo,
    bool InvolvesTradeSecrets,
    IReadOnlyList<string> ConsentEvidence,
    IReadOnlyList<ProductSource> Sources,
    IReadOnlyList<ResourceFieldSet> UsedData,
    string? DerivedFrom,
    IReadOnlyList<string> Lineage,
    IReadOnlyList<string> LineageOperatorIds,
    ProductStatus Status,
    IReadOnlyList<ProductReviewRound> Rounds,
    ProductRegistration? Registration,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt)
{
    public ProductReviewRound CurrentRound => Rounds[^1];

    public IReadOnlyList<string> ResourceIds => UsedData.Select(d => d.ResourceId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<string> ProviderIds => UsedData.Select(d => d.ProviderId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>The sandbox outputs holding the product's data: its own, or for a derived product those of its root origin.</summary>
    public IReadOnlyList<string> DataJobIds => Sources.Select(s => s.JobId).ToList();

    public bool IsUnderReview => Status is ProductStatus.InReview or ProductStatus.ChangesRequested;
}

public interface IProductStore
{
    /// <summary>Stores a new product; 409 <c>product.already_exists</c> when its id is taken.</summary>
    Task<string> AddAsync(Product product, CancellationToken cancellationToken = default);

    Task<Versioned<Product>?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Replaces the record if its ETag still matches (412 <c>concurrency.etag_mismatch</c> otherwise).</summary>
    Task<string> ReplaceAsync(Product product, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>A page of products in id order, optionally of one owner organisation.</summary>
    Task<(IReadOnlyList<Product> Items, string? ContinuationToken)> ListAsync(string? ownerOrgId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default);

    /// <summary>A page of published products in id order, optionally of one kind and use category.</summary>
    Task<(IReadOnlyList<Product> Items, string? ContinuationToken)> ListPublishedAsync(ProductKind? kind, string? useCategory, int pageSize, string? continuationToken, CancellationToken cancellationToken = default);

    /// <summary>Every product matching the optional owner, operator, agreement and status (for the read model and revocation).</summary>
    Task<IReadOnlyList<Product>> FindAsync(ProductQuery query, CancellationToken cancellationToken = default);
}

public sealed record ProductQuery(string? OwnerOrgId = null, string? OperatorId = null, string? AgreementId = null, ProductStatus? Status = null);

/// <summary>The slots an approval round opened (read from the approval records), so a withdrawal can close them.</summary>
public interface IApprovalSlotDirectory
{
    Task<IReadOnlyList<string>> ListSlotsAsync(string instanceId, CancellationToken cancellationToken = default);
}
