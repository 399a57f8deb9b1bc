using Platform.Domain.Approvals;

namespace Platform.Domain.Products;

// The seams between the product records (ProductComplianceRecord, ProductReadModel and their store), the product-compliance review
// (orchestration and checks) and the readers that oversight builds on (disclosure, contribution, annual reports).
// Each side is written against these types only.

/// <summary>Product kinds (M4.5, M4.6); wire names <c>dataset</c>, <c>api</c>, <c>model</c>, <c>report</c>, <c>index</c>.</summary>
public enum ProductKind
{
    Dataset,
    Api,
    Model,
    Report,
    Index,
}

/// <summary>Product states; part of the public API (wire names in kebab case, e.g. <c>in-review</c>).</summary>
public enum ProductStatus
{
    InReview,
    ChangesRequested,
    Rejected,
    Published,
    Withdrawn,
}

/// <summary>How the compliance review runs (M4.5.1): the fast track (快审) for low-risk products, or the full track.</summary>
public enum ProductReviewTrack
{
    Fast,
    Full,
}

/// <summary>How a compliance review ended.</summary>
public enum ProductComplianceOutcomeKind
{
    Published,
    Rejected,
    ChangesRequested,
}

/// <summary>A (resource, fields) pair: what a scenario was granted, or what a product uses.</summary>
public sealed record ResourceFieldSet(string ResourceId, string ProviderId, IReadOnlyList<string> Fields);

/// <summary>One table of the product's data (a released sandbox output): its columns and rows as text.</summary>
public sealed record ProductDataSet(string Name, string SourceJobId, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>
/// Everything the compliance review needs to know about one product, loaded once per review (M4.5.1).
/// <see cref="ScenarioGrants"/> is what the product's scenario was granted; <see cref="UsedData"/> is what the
/// product's source jobs actually read; <see cref="Data"/> is the product's own data, re-scanned by the masking
/// detectors.
/// </summary>
public sealed record ProductComplianceFacts(
    string ProductId,
    string OperatorId,
    string OwnerOrgId,
    string? ScenarioId,
    string? ScenarioTitle,
    string ProductName,
    string Description,
    ProductKind Kind,
    string UseCategory,
    decimal Price,
    bool InvolvesPersonalInfo,
    bool InvolvesTradeSecrets,
    IReadOnlyList<string> ConsentEvidence,
    IReadOnlyList<ResourceFieldSet> ScenarioGrants,
    IReadOnlyList<ResourceFieldSet> UsedData,
    IReadOnlyList<ProductDataSet> Data,
    string? DerivedFrom);

/// <summary>One finding of the automated checks: which rule, a stable code, and where (dataset, field, 1-based row).</summary>
public sealed record ComplianceFinding(string Rule, string Code, string Message, string? Dataset, string? Field, int? Row);

public sealed record ProductComplianceOutcome(ProductComplianceOutcomeKind Kind, IReadOnlyList<ComplianceFinding> Findings, string? Comment);

/// <summary>
/// What the product-compliance orchestration's activities ask of the product records. Implemented by the product
/// service; every method is idempotent (activities run at least once) and returns the product's status afterwards, so
/// the orchestration can stop when the product was withdrawn (for example by agreement expiry or termination).
/// </summary>
public interface IProductComplianceSubject
{
    /// <summary>The facts of a product under review, or null when the product does not exist.</summary>
    Task<ProductComplianceFacts?> LoadFactsAsync(string productId, CancellationToken cancellationToken = default);

    Task<ProductStatus> RecordAutomatedChecksAsync(string productId, ProductReviewTrack track, IReadOnlyList<ComplianceFinding> findings, CancellationToken cancellationToken = default);

    Task<ProductStatus> RecordReviewDecisionAsync(string productId, string slot, string reviewer, ApprovalDecision decision, CancellationToken cancellationToken = default);

    /// <summary>Ends the review; <see cref="ProductComplianceOutcomeKind.Published"/> registers the product (number and CST date).</summary>
    Task<ProductStatus> CompleteAsync(string productId, ProductComplianceOutcome outcome, CancellationToken cancellationToken = default);
}

/// <summary>A published product as the public and the oversight reports see it (M4.7.4): no personal data.</summary>
public sealed record PublishedProductSummary(
    string Id,
    string OperatorId,
    string OwnerOrgId,
    string Name,
    ProductKind Kind,
    string UseCategory,
    decimal Price,
    string RegistrationNumber,
    DateOnly RegisteredOn,
    IReadOnlyList<string> ResourceIds,
    IReadOnlyList<string> ProviderIds,
    string? DerivedFrom);

/// <summary>Counts of product activity in one calendar year (CST).</summary>
public sealed record ProductActivityCounts(int Submitted, int Published, long Calls);

/// <summary>What oversight (disclosure, contribution scores, annual reports) reads about products.</summary>
public interface IProductReadModel
{
    /// <summary>Published products, optionally of one operator (including those its admitted developers derived), ordered by id.</summary>
    Task<IReadOnlyList<PublishedProductSummary>> ListPublishedAsync(string? operatorId, CancellationToken cancellationToken = default);

    /// <summary>Products submitted and published by an organisation (operator or developer) in the year, and calls to them.</summary>
    Task<ProductActivityCounts> CountForOwnerAsync(string orgId, int year, CancellationToken cancellationToken = default);

    /// <summary>Products built on a provider's data in the year (published ones) and the calls made to them.</summary>
    Task<ProductActivityCounts> CountForProviderAsync(string providerId, int year, CancellationToken cancellationToken = default);
}

/// <summary>The input of the product-compliance orchestration: the product and when its review started.</summary>
public sealed record ProductComplianceRequest(string ProductId, int Round, DateTime AnchorUtc, double TimeCompression);

/// <summary>Names shared by the product records and the product-compliance orchestration (instance ids, docs/lifecycles.md).</summary>
public static class ProductWorkflow
{
    public const string ReviewKind = "product-compliance";

    /// <summary>The orchestrator's function name (the class lives in orchestrations/, which the domain cannot see).</summary>
    public const string OrchestratorName = OrchestratorNames.ProductCompliance;

    public static string InstanceId(string productId, int round) => Workflows.WorkflowInstanceIds.For(ReviewKind, $"{productId}-r{round}");
}
