using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;

namespace Platform.Domain.Grants;

/// <summary>What one conversion of a grant's library copies did.</summary>
/// <param name="Converted">Tables whose CSV copy was rewritten as Parquet by this call.</param>
/// <param name="AlreadyColumnar">Tables that were already Parquet (a repeated call converts nothing).</param>
public sealed record LibraryConversionOutcome(string GrantId, IReadOnlyList<string> Converted, IReadOnlyList<string> AlreadyColumnar);

/// <summary>
/// The one-off step of issue 18.1: rewrites the CSV library copies of a grant made before the columnar library as Parquet,
/// records the new copy (path, SHA-256, format) on the grant under its ETag, audits it, and only then removes the CSV
/// (M4.3: one copy of the approved fields, not two). Idempotent: tables already Parquet are left alone, and a call that
/// stopped half-way writes the same Parquet file again. The authority runs it; sandbox jobs read by the recorded format.
/// </summary>
public sealed class GrantLibraryConversion(IGrantStore store, IAuthorizedDataLibrary library, IAuditTrail audit)
{
    public const string NotConvertibleCode = "grant.library_not_convertible";

    public async Task<LibraryConversionOutcome> ConvertAsync(string grantId, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        // M4.3: the library is the platform's; only the authority (or the platform itself) rewrites its copies.
        if (caller.Role is not (Roles.Authority or Roles.System))
        {
            throw GrantRules.NotFound(grantId);
        }

        var found = await store.GetAsync(grantId, cancellationToken) ?? throw GrantRules.NotFound(grantId);
        var grant = found.Value;
        if (grant.Status == GrantStatus.Revoked)
        {
            throw new DomainException(FailureKind.Conflict, NotConvertibleCode, $"Grant '{grantId}' is revoked; its library copies are gone, nothing to convert.");
        }

        var tables = new List<GrantTable>();
        var converted = new List<(GrantTable Before, GrantTable After)>();
        foreach (var table in grant.Tables)
        {
            if (table.Format != LibraryFormat.Csv)
            {
                tables.Add(table);
                continue;
            }

            var fields = SandboxGrantTables.FieldsOf(table);
            var copy = await library.ConvertToColumnarAsync(table.Container, table.BlobPath, fields, table.SubjectKey ?? ColumnPolicies.SubjectKeyOf(fields), cancellationToken);
            if (copy is null)
            {
                throw new DomainException(FailureKind.Conflict, NotConvertibleCode, "This library store keeps copies as CSV only.");
            }

            if (copy.RowCount != table.RowCount)
            {
                // The copy is not the one the grant recorded; recording it would break the trace from results to the copy.
                throw new InvalidOperationException($"Converting table '{table.Name}' of grant '{grantId}' read {copy.RowCount} rows; the grant records {table.RowCount}.");
            }

            var after = table with
            {
                BlobPath = copy.BlobPath ?? table.BlobPath, Sha256 = copy.Sha256, Format = copy.Format,
                SubjectIndexed = copy.SubjectIndexed, MaxRecordsPerSubject = copy.MaxRecordsPerSubject ?? table.MaxRecordsPerSubject,
                NullFreeFields = copy.NullFreeFields,
                FieldMagnitudes = copy.FieldMagnitudes,
                NonNegativeFields = copy.NonNegativeFields,
                RecordsWithoutUniqueSubject = copy.RecordsWithoutUniqueSubject,
            };
            tables.Add(after);
            converted.Add((table, after));
        }

        if (converted.Count > 0)
        {
            // ETag: a grant revoked or converted meanwhile gives 412 and nothing is recorded; the call can be repeated.
            await store.ReplaceAsync(grant with { Tables = tables }, found.ETag, cancellationToken);
            await audit.RecordAsync(caller, "grant.library_converted", GrantService.TargetOf(grantId),
                converted.Select(c => new { table = c.After.Name, from = c.Before.BlobPath, fromSha256 = c.Before.Sha256, to = c.After.BlobPath, sha256 = c.After.Sha256, format = c.After.Format }).ToList(),
                cancellationToken);
            foreach (var (before, after) in converted.Where(c => c.Before.BlobPath != c.After.BlobPath))
            {
                await library.DeleteAsync(before.Container, before.BlobPath, cancellationToken);
            }
        }

        return new LibraryConversionOutcome(grantId, converted.Select(c => c.After.Name).ToList(),
            grant.Tables.Where(t => t.Format != LibraryFormat.Csv).Select(t => t.Name).ToList());
    }
}
