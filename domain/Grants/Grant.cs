using Platform.Domain.Catalog;
using Platform.Domain.Organizations;
using Platform.Domain.Sandbox;

namespace Platform.Domain.Grants;

/// <summary>Grant states (docs/lifecycles.md, domain/Sandbox/README.md); part of the public API. <c>expired</c> is also shown once the expiry has passed.</summary>
public enum GrantStatus
{
    Active,
    Revoked,
    Expired,
}

/// <summary>A granted field with the catalogue facts the sandbox needs (classification decides the output checks, M5.1).</summary>
public sealed record GrantField(string Name, FieldType Type, FieldClassification Classification, FieldGrade Grade, IdentifierKind? IdentifierKind)
{
    /// <summary>
    /// The column policy of <c>full</c> jobs (issue 14 item 1), derived when the grant is made; null on grants issued before
    /// policies were recorded, which get the policy derived from the facts above.
    /// </summary>
    public ColumnPolicy? Policy { get; init; }

    /// <summary>What the library copy holds for this field: the raw value, a keyed pseudonym, or a derived attribute (issue 14 item 0).</summary>
    public LibraryValue Holds { get; init; } = LibraryValue.Raw;

    /// <summary>For a derived attribute, the provider's field it was derived from.</summary>
    public string? DerivedFrom { get; init; }

    public ColumnPolicy EffectivePolicy => ColumnPolicies.Tighten(ColumnPolicies.Derive(Type, Classification, IdentifierKind), Policy);
}

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
    string SampleJobId)
{
    /// <summary>
    /// The field whose pseudonyms count the data subjects behind a released cell (issue 14 item 2); null when each record
    /// is its own subject (the resource has no identifier).
    /// </summary>
    public string? SubjectKey { get; init; }

    /// <summary>The most records one subject has in the copy (counted at provisioning); null when unknown or without subjects.</summary>
    public long? MaxRecordsPerSubject { get; init; }

    /// <summary>The copy carries the subject index column (<see cref="SubjectIndex"/>); false on copies made before it.</summary>
    public bool SubjectIndexed { get; init; }

    /// <summary>
    /// The fields without a null anywhere in the copy (its Parquet statistics, at provisioning): the release checks then
    /// need no "is not null" test of them (issue 14, Measure). Null when unknown.
    /// </summary>
    public IReadOnlyList<string>? NullFreeFields { get; init; }

    /// <summary>
    /// The largest absolute value of each numeric field of the copy (its Parquet statistics, at provisioning): the dominance
    /// rule's n largest contributions of a cell are at most n times it, which usually settles the rule without computing them
    /// (issue 14, Measure). Null when unknown.
    /// </summary>
    public IReadOnlyDictionary<string, double>? FieldMagnitudes { get; init; }

    /// <summary>
    /// The numeric fields without a negative value in the copy (its Parquet statistics, at provisioning): a cell's total
    /// absolute contribution is then its sum, which the user's own sum usually already computes (issue 14, Measure). Null
    /// when unknown.
    /// </summary>
    public IReadOnlyList<string>? NonNegativeFields { get; init; }

    /// <summary>
    /// Records of the copy whose subject has other records or that have none, all at the copy's end (subject index ≠ 0);
    /// null when unknown or the copy is older (issue 14, Measure: their subjects are counted apart from the rest).
    /// </summary>
    public long? RecordsWithoutUniqueSubject { get; init; }

    /// <summary>
    /// How the copy at <see cref="BlobPath"/> is stored (issue 18.1): Parquet typed by the catalogue since the columnar
    /// library; CSV on grants provisioned before it (absent on those records), until converted.
    /// </summary>
    public LibraryFormat Format { get; init; } = LibraryFormat.Csv;
}

/// <summary>The file format of a library copy (issue 18.1); the read path follows the format recorded on the grant.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(WireEnumConverter<LibraryFormat>))]
public enum LibraryFormat
{
    /// <summary>UTF-8 CSV, header = the granted fields in order (every copy made before the columnar library).</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("csv")]
    Csv,

    /// <summary>Parquet, one column per granted field typed by the catalogue's field type, compressed, in row groups.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("parquet")]
    Parquet,
}

/// <summary>
/// What a sandbox job may read (docs/lifecycles.md, domain/Sandbox/README.md): the tables provisioned for one data request's approved items from one
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
public sealed record LibraryCopyResult(string Sha256, long Bytes, long RowCount, long MalformedRowCount)
{
    /// <summary>How the copy is stored; <see cref="Sha256"/> and <see cref="Bytes"/> are of the stored file.</summary>
    public LibraryFormat Format { get; init; } = LibraryFormat.Csv;

    /// <summary>Where the copy was stored when the store chose another name than asked for (a Parquet copy ends in <c>.parquet</c>).</summary>
    public string? BlobPath { get; init; }

    /// <summary>The copy carries the platform's subject index column (<see cref="SubjectIndex.Column"/>); issue 14 item 2.</summary>
    public bool SubjectIndexed { get; init; }

    /// <summary>The most records one subject has in the copy, when the store counted it (with the subject index).</summary>
    public long? MaxRecordsPerSubject { get; init; }

    /// <summary>The columns of the copy without a null (from its statistics), when the store knows them.</summary>
    public IReadOnlyList<string>? NullFreeFields { get; init; }

    /// <summary>The largest absolute value of each numeric column of the copy (from its statistics), when the store knows them.</summary>
    public IReadOnlyDictionary<string, double>? FieldMagnitudes { get; init; }

    /// <summary>The numeric columns of the copy without a negative value (from its statistics), when the store knows them.</summary>
    public IReadOnlyList<string>? NonNegativeFields { get; init; }

    /// <summary>Records whose subject has other records or none, stored at the copy's end, when the store indexed subjects.</summary>
    public long? RecordsWithoutUniqueSubject { get; init; }
}

/// <summary>
/// Issue 14 item 2 and the Measure of issue 14 (M5.1): the library copy of a table with a subject key carries one more
/// column, written by the platform at provisioning and never granted, that makes exact per-cell subject counts cheap.
/// It is 0 where the record's subject has exactly one record in the copy (nearly always), <see cref="NoSubject"/> where the
/// record has no subject, and otherwise a small number shared by all the records of that subject; the records with an index
/// other than 0 are stored last. The distinct subjects behind a cell are then
/// <c>count(*) FILTER (index = 0) + count(DISTINCT index) FILTER (index &gt; 0)</c>: exact, without reading the pseudonyms;
/// or, cheaper, the cell's records less those with an index other than 0 plus the distinct positive indexes among them,
/// the latter two counted over the copy's tail alone.
/// </summary>
public static class SubjectIndex
{
    public const string Column = "__subject";

    /// <summary>The index of a record without a subject (an empty key).</summary>
    public const long NoSubject = -1;
}

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

    /// <summary>
    /// Writes the copy <paramref name="write"/> makes as CSV in the store's columnar form, typed by
    /// <paramref name="fields"/> (issue 18.1); the result says the format and path it was stored under. A store without a
    /// columnar form keeps the CSV.
    /// </summary>
    /// <param name="subjectKey">The field whose values are the data subjects; the columnar form then carries the subject index (<see cref="SubjectIndex"/>).</param>
    Task<LibraryCopyResult> WriteColumnarAsync(string container, string csvBlobPath, IReadOnlyList<Catalog.FieldDefinition> fields, string? subjectKey, Func<Stream, CancellationToken, Task<LibraryCopyResult>> write, CancellationToken cancellationToken = default)
        => WriteAsync(container, csvBlobPath, write, cancellationToken);

    /// <summary>
    /// Rewrites an existing CSV copy in the columnar form (the one-off conversion of issue 18.1), leaving the CSV in place;
    /// null when the store has no columnar form. Repeating it writes the same file again.
    /// </summary>
    Task<LibraryCopyResult?> ConvertToColumnarAsync(string container, string csvBlobPath, IReadOnlyList<Catalog.FieldDefinition> fields, string? subjectKey, CancellationToken cancellationToken = default)
        => Task.FromResult<LibraryCopyResult?>(null);

    /// <summary>Removes a copy (a CSV copy once its columnar form is recorded on the grant); nothing when it is gone.</summary>
    Task DeleteAsync(string container, string blobPath, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>
    /// Reads a copy as UTF-8 CSV with a header row, whatever its stored format (the masking worker reads samples from it);
    /// <see cref="FileNotFoundException"/> when it is gone.
    /// </summary>
    Task<Stream> OpenReadAsync(string container, string blobPath, CancellationToken cancellationToken = default);

    /// <summary>
    /// Copies a copy whole, as stored (CSV or Parquet), into <paramref name="destination"/>, written in order (the sandbox
    /// stages it as a file);
    /// <see cref="FileNotFoundException"/> when it is gone. A store may read ranges side by side.
    /// </summary>
    async Task CopyToAsync(string container, string blobPath, Stream destination, CancellationToken cancellationToken = default)
    {
        await using var source = await OpenReadAsync(container, blobPath, cancellationToken);
        await source.CopyToAsync(destination, cancellationToken);
    }

    /// <summary>
    /// The stored byte length of a copy, or null when this store cannot read ranges (the sandbox then copies it whole);
    /// <see cref="FileNotFoundException"/> when it is gone.
    /// </summary>
    Task<long?> LengthAsync(string container, string blobPath, CancellationToken cancellationToken = default) => Task.FromResult<long?>(null);

    /// <summary>Copies <paramref name="length"/> stored bytes from <paramref name="offset"/> into <paramref name="destination"/> (issue 18: the sandbox reads only the column chunks a statement uses).</summary>
    Task CopyRangeToAsync(string container, string blobPath, long offset, long length, Stream destination, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("This library store cannot read ranges.");
}
