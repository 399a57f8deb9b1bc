using Platform.Domain.Catalog;
using Platform.Domain.Masking;

namespace Platform.Domain.Resources;

/// <summary>Catalogue states of a data resource (M4.1); part of the public API.</summary>
public enum ResourceStatus
{
    Draft,
    Submitted,
    Published,
    Rejected,
}

/// <summary>A yes or no on a review or a consent.</summary>
public enum ReviewDecision
{
    Approve,
    Reject,
}

/// <summary>Where the catalogue sample of a submitted resource stands.</summary>
public enum SampleStatus
{
    Pending,
    Ready,
    Failed,
}

/// <summary>
/// The uploaded file, described but never served back (M4.1: the data does not leave the provider's area).
/// <see cref="StorageName"/> is the blob inside the provider's area; it is internal and not shown to callers.
/// </summary>
public sealed record ResourceData(
    DataFormat Format,
    InputEncoding Encoding,
    string ContentType,
    long Bytes,
    string Sha256,
    string StorageName,
    DateTimeOffset UploadedAt,
    string UploadedBy);

/// <summary>The masked sample built at submission (M4.1 "含样例数据").</summary>
/// <param name="SuspectedIdentifierFields">
/// Fields not declared as identifiers where the masking report saw identifier-like values; the public catalogue
/// withholds their sample values, since a misclassified field would otherwise be shown as is.
/// </param>
public sealed record ResourceSample(
    string JobId,
    SampleStatus Status,
    int RowsRequested,
    long Seed,
    long? RowsOut,
    IReadOnlyList<string> SuspectedIdentifierFields,
    string? FailureCode,
    string? FailureReason,
    DateTimeOffset RequestedAt,
    DateTimeOffset? CompletedAt);

public sealed record ResourceReview(ReviewDecision Decision, string? Comment, DateTimeOffset DecidedAt, string DecidedBy);

/// <summary>The original provider's word on a resource obtained through government data sharing (M4.1).</summary>
public sealed record ResourceConsent(
    ReviewDecision Decision,
    string? Comment,
    string? DocumentRef,
    string Organization,
    DateTimeOffset DecidedAt,
    string DecidedBy)
{
    public bool Granted => Decision == ReviewDecision.Approve;
}

/// <summary>A data resource in the catalogue 数据资源目录 (M4.1), owned by the provider organisation that registered it.</summary>
/// <param name="SharedFrom">The organisation the data was obtained from through government data sharing, whose consent publication needs.</param>
public sealed record Resource(
    string Id,
    string ProviderId,
    string Name,
    string Description,
    string Domain,
    string UpdateFrequency,
    IReadOnlyList<FieldDefinition> Fields,
    string? SharedFrom,
    ResourceStatus Status,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    ResourceData? Data = null,
    DateTimeOffset? SubmittedAt = null,
    ResourceSample? Sample = null,
    ResourceConsent? Consent = null,
    ResourceReview? Review = null,
    DateTimeOffset? PublishedAt = null);
