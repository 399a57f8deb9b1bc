using Platform.Domain.Catalog;
using Platform.Domain.Grants;

namespace Platform.Domain.Sandbox;

/// <summary>Which of a grant's tables a job loads, and how the sandbox sees their fields (M5.1).</summary>
public static class SandboxGrantTables
{
    public const string LibrarySource = "library";
    public const string SampleSource = "sample";

    /// <summary>
    /// The tables the SQL names. A table whose name does not occur in the SQL text cannot be read by it (the statement
    /// gate admits no dynamic table references), so it is not loaded; when no name occurs, all are loaded so the
    /// engine can answer with its own error.
    /// </summary>
    public static IReadOnlyList<GrantTable> NamedIn(Grant grant, string sql)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(sql);
        var named = grant.Tables.Where(table => sql.Contains(table.Name, StringComparison.OrdinalIgnoreCase)).ToList();
        return named.Count > 0 ? named : grant.Tables;
    }

    /// <summary>The granted fields with the catalogue facts the output checks judge by (classification above all).</summary>
    public static IReadOnlyList<FieldDefinition> FieldsOf(GrantTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.Fields.Select(field => new FieldDefinition(field.Name, field.Type, field.Classification, field.Grade, field.IdentifierKind, false)).ToList();
    }

    /// <summary>The column policy of each granted field as the grant recorded it (issue 14 item 1).</summary>
    /// <summary>
    /// What the grant records of its library copy for the release checks: the subject key and the most records of one
    /// subject, and — only for a Parquet copy that a <c>full</c> job reads (<paramref name="columnar"/>), never for a masked
    /// sample — the subject index, the tail, and the copy's statistics (null-free, non-negative fields, largest values).
    /// </summary>
    public static SandboxTable WithCopyFacts(this SandboxTable sandboxTable, GrantTable table, bool columnar)
    {
        ArgumentNullException.ThrowIfNull(sandboxTable);
        ArgumentNullException.ThrowIfNull(table);
        return sandboxTable with
        {
            SubjectKey = table.SubjectKey,
            MaxRecordsPerSubject = table.MaxRecordsPerSubject,
            SubjectIndexed = columnar && table.SubjectIndexed,
            NullFreeFields = columnar ? table.NullFreeFields : null,
            FieldMagnitudes = columnar ? table.FieldMagnitudes : null,
            NonNegativeFields = columnar ? table.NonNegativeFields : null,
            RecordsWithoutUniqueSubject = columnar && table.SubjectIndexed ? table.RecordsWithoutUniqueSubject : null,
        };
    }

    public static IReadOnlyDictionary<string, ColumnPolicy> PoliciesOf(GrantTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.Fields.ToDictionary(field => field.Name, field => field.EffectivePolicy, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>How the audit log and the status route name a table a job read.</summary>
    public static SandboxJobTable Describe(GrantTable table, SandboxMode mode)
    {
        ArgumentNullException.ThrowIfNull(table);
        return mode == SandboxMode.Full
            ? new SandboxJobTable(table.Name, table.ResourceId, LibrarySource, table.Sha256, null, table.Fields.Select(f => f.Name).ToList())
            : new SandboxJobTable(table.Name, table.ResourceId, SampleSource, null, table.SampleJobId, table.Fields.Select(f => f.Name).ToList());
    }
}

/// <summary>The failing output rules of a job, as the audit log records them.</summary>
public sealed record SandboxCheckFailure(string Rule, IReadOnlyList<string> Reasons);

/// <summary>The output-check outcome in the audit record of a job.</summary>
public sealed record SandboxCheckSummary(bool Passed, int MinRecordsPerRow, long SuppressedRows, long ReleasedRows, IReadOnlyList<SandboxCheckFailure> Failures)
{
    /// <summary>Cells each disclosure rule suppressed (how many, never which).</summary>
    public IReadOnlyDictionary<string, long>? SuppressedCells { get; init; }
}

/// <summary>
/// What the audit log records when a job ends (M5.3: every job, its SQL, the data it touched and the hash of its
/// output): who ran what SQL over which grant and tables, and the result's hash and check outcome. Built from the job
/// record alone, so the audit entry's payload hash can be recomputed from the record to show they agree.
/// </summary>
public sealed record SandboxJobOutcome(
    string JobId,
    string SubmittedBy,
    string OrganizationId,
    string GrantId,
    string? AgreementId,
    string Mode,
    string Sql,
    string Status,
    string? Code,
    string? Detail,
    IReadOnlyList<SandboxJobTable> Tables,
    string? ResultHash,
    long? RowCount,
    SandboxCheckSummary? Checks,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int Attempts,
    string? AuditDetail = null,
    ResultFingerprint? Fingerprint = null)
{
    public static SandboxJobOutcome From(SandboxJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new SandboxJobOutcome(
            job.Id,
            job.SubmittedBy,
            job.OrganizationId,
            job.GrantId,
            job.AgreementId,
            job.Mode.ToWire(),
            job.Sql,
            job.Status.ToWire(),
            job.Code,
            job.Detail,
            job.Run?.Tables ?? [],
            job.ResultHash,
            job.Run?.RowCount,
            job.Checks is { } checks
                ? new SandboxCheckSummary(checks.Passed, checks.MinRecordsPerRow, checks.SuppressedRows, checks.ReleasedRows,
                    checks.Failures.Select(rule => new SandboxCheckFailure(rule.Rule, rule.Reasons)).ToList())
                {
                    SuppressedCells = checks.SuppressedCells,
                }
                : null,
            job.StartedAt,
            job.FinishedAt,
            job.Attempts,
            // Issue 14 item 4: the specific reason of a failure the submitter sees only generically, for the authority.
            job.AuditDetail,
            // Issue 14 item 7: the released file's fingerprint, so a leaked copy can be traced to this job.
            job.Fingerprint);
    }
}
