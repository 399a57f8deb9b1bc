using Platform.Domain.Catalog;
using Platform.Domain.Organizations;

namespace Platform.Domain.Grants;

/// <summary>Grant states (M4.3, M5.1); part of the public API. <c>expired</c> is also shown once the expiry has passed.</summary>
public enum GrantStatus
{
    Active,
    Revoked,
    Expired,
}

/// <summary>A granted field with the catalogue facts the sandbox needs (classification decides the output checks, M5.1).</summary>
public sealed record GrantField(string Name, FieldType Type, FieldClassification Classification, FieldGrade Grade, IdentifierKind? IdentifierKind);

/// <summary>
/// One table of a grant: the provisioned copy of one resource, holding only the approved fields.
/// </summary>
/// <param name="Name">The identifier SQL uses for the table (lower-case letters, digits and '_', starting with a letter).</param>
/// <param name="Container">The authorized data library of the agreement (a blob container) that holds the copy.</param>
/// <param name="BlobPath">The copy inside <paramref name="Container"/>: CSV, UTF-8, header = the granted fields in order.</param>
/// <param name="Sha256">SHA-256 (lower-case hex) of the copy as written.</param>
/// <param name="RowCount">Data rows in the copy.</param>
/// <param name="MalformedRowCount">Rows of the provider's file that could not be read and were left out.</param>
/// <param name="SampleJobId">The masking job (purpose sample) that masks a sample of the copy for <c>sample</c> mode.</param>
public sealed record GrantTable(
    string Name,
    string ResourceId,
    string ResourceName,
    string ProviderId,
    IReadOnlyList<GrantField> Fields,
    string Container,
    string BlobPath,
    string Sha256,
    long RowCount,
    long MalformedRowCount,
    string SampleJobId);

/// <summary>
/// What a sandbox job may read (M4.3, M5.1): the tables provisioned for one data request's approved items from one
/// provider, under one agreement and scenario, until <see cref="ExpiresAt"/> (never after the agreement's end, M3.4).
/// </summary>
public sealed record Grant(
    string Id,
    string AgreementId,
    string ScenarioId,
    string OperatorId,
    string DataRequestId,
    string ProviderId,
    IReadOnlyList<GrantTable> Tables,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    GrantStatus Status,
    DateTimeOffset? RevokedAt,
    string? RevokeReason)
{
    /// <summary>The status a reader sees at <paramref name="now"/>: an active grant past its expiry is expired.</summary>
    public GrantStatus StatusAt(DateTimeOffset now) => Status == GrantStatus.Active && now >= ExpiresAt ? GrantStatus.Expired : Status;
}

/// <summary>Where grants are kept (Table storage, ETag concurrency).</summary>
public interface IGrantStore
{
    /// <summary>Stores a new grant; 409 <c>grant.already_exists</c> when its id is taken.</summary>
    Task<string> AddAsync(Grant grant, CancellationToken cancellationToken = default);

    Task<Versioned<Grant>?> GetAsync(string id, CancellationToken cancellationToken = default);

    Task<string> ReplaceAsync(Grant grant, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>A page of grants in id (= issue) order, optionally of one operator.</summary>
    Task<(IReadOnlyList<Grant> Items, string? ContinuationToken)> ListAsync(string? operatorId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Grant>> ListByAgreementAsync(string agreementId, CancellationToken cancellationToken = default);

    /// <summary>Grants of one operator (or, null, of all) issued in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>).</summary>
    Task<IReadOnlyList<Grant>> ListIssuedBetweenAsync(string? operatorId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default);
}

/// <summary>What a copy into the library wrote.</summary>
public sealed record LibraryCopyResult(string Sha256, long Bytes, long RowCount, long MalformedRowCount);

/// <summary>
/// The operator's authorized data library 授权数据资源库 (M4.3): one blob container per agreement, inside the platform.
/// Nothing here serves its files to a caller; only platform workers read them.
/// </summary>
public interface IAuthorizedDataLibrary
{
    /// <summary>
    /// Writes <paramref name="blobPath"/> in the agreement's container from what <paramref name="write"/> puts into the
    /// stream, replacing any earlier copy (a redelivered provisioning step writes the same file again).
    /// </summary>
    Task<LibraryCopyResult> WriteAsync(string container, string blobPath, Func<Stream, CancellationToken, Task<LibraryCopyResult>> write, CancellationToken cancellationToken = default);

    /// <summary>Reads a copy; <see cref="FileNotFoundException"/> when it is gone.</summary>
    Task<Stream> OpenReadAsync(string container, string blobPath, CancellationToken cancellationToken = default);

    /// <summary>
    /// Copies a copy whole into <paramref name="destination"/>, written in order (the sandbox stages it as a file);
    /// <see cref="FileNotFoundException"/> when it is gone. A store may read ranges side by side.
    /// </summary>
    async Task CopyToAsync(string container, string blobPath, Stream destination, CancellationToken cancellationToken = default)
    {
        await using var source = await OpenReadAsync(container, blobPath, cancellationToken);
        await source.CopyToAsync(destination, cancellationToken);
    }
}
