using Platform.Domain.Catalog;
using Platform.Domain.Grants;
using Platform.Domain.Sandbox;

namespace Platform.Domain.SandboxJobs;

/// <summary>Which of a grant's tables a job loads, and how the sandbox sees their fields (SPEC §2.7).</summary>
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

    /// <summary>How the audit log and the status route name a table a job read.</summary>
    public static SandboxJobTable Describe(GrantTable table, SandboxMode mode)
    {
        ArgumentNullException.ThrowIfNull(table);
        return mode == SandboxMode.Full
            ? new SandboxJobTable(table.Name, table.ResourceId, LibrarySource, table.Sha256, null, table.Fields.Select(f => f.Name).ToList())
            : new SandboxJobTable(table.Name, table.ResourceId, SampleSource, null, table.SampleJobId, table.Fields.Select(f => f.Name).ToList());
    }
}
