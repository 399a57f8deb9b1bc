using Platform.Domain.Catalog;

namespace Platform.Domain.Sandbox;

/// <summary>
/// One table of a grant as the sandbox sees it (M5.1): the <see cref="Name"/> SQL refers to it by, its
/// granted <see cref="Fields"/> (only these columns are loaded) and a way to open its data as UTF-8 CSV with a
/// header row.
/// </summary>
public sealed record SandboxTable(string Name, IReadOnlyList<FieldDefinition> Fields, Func<CancellationToken, Task<Stream>> OpenCsv)
{
    public const int MaxNameLength = 63;

    /// <summary>
    /// When set, fills the engine's staging file with the same CSV that <see cref="OpenCsv"/> gives, faster (for
    /// example by reading blob ranges side by side); the engine then uses it instead of <see cref="OpenCsv"/>.
    /// </summary>
    public Func<Stream, CancellationToken, Task>? CopyCsvToAsync { get; init; }

    /// <summary>
    /// What <see cref="OpenCsv"/> and <see cref="CopyCsvToAsync"/> give (issue 18.1): CSV by default, or the library's
    /// Parquet copy, which the engine reads with its Parquet reader instead of parsing text.
    /// </summary>
    public Grants.LibraryFormat Format { get; init; } = Grants.LibraryFormat.Csv;

    /// <summary>
    /// Ranged reads of the stored copy (issue 18): with them the engine fetches only the parts of a Parquet copy that the
    /// statement's columns live in (its footer, then those column chunks) instead of the whole file.
    /// </summary>
    public SandboxTableRanges? Ranges { get; init; }

    /// <summary>
    /// The column policy of each granted field as the grant records it (issue 14 item 1); a field missing here gets the
    /// policy derived from its catalogue facts (<see cref="ColumnPolicies.Derive(FieldDefinition)"/>).
    /// </summary>
    public IReadOnlyDictionary<string, ColumnPolicy>? Policies { get; init; }

    /// <summary>
    /// The field whose (pseudonymous) values count the data subjects behind a cell; null when every record is its own
    /// subject. Defaults to <see cref="ColumnPolicies.SubjectKeyOf"/> of the fields when not set by the grant.
    /// </summary>
    public string? SubjectKey { get; init; }

    /// <summary>
    /// The most records one subject has in the table (counted at provisioning); null when unknown. Lets the release checks
    /// count records instead of distinct subjects, dividing by this for a lower bound (issue 14, Measure).
    /// </summary>
    public long? MaxRecordsPerSubject { get; init; }

    /// <summary>
    /// The data carries the platform's subject index column for <see cref="EffectiveSubjectKey"/> (<see cref="Grants.SubjectIndex"/>):
    /// the release checks then count a cell's subjects exactly without a distinct count over the pseudonyms (issue 14, Measure).
    /// </summary>
    public bool SubjectIndexed { get; init; }

    /// <summary>The fields without a null anywhere in the data (from the copy's statistics at provisioning); null when unknown.</summary>
    public IReadOnlyList<string>? NullFreeFields { get; init; }

    /// <summary>The largest absolute value of each numeric field in the data (from the copy's statistics at provisioning); null when unknown.</summary>
    public IReadOnlyDictionary<string, double>? FieldMagnitudes { get; init; }

    /// <summary>The numeric fields without a negative value in the data (from the copy's statistics at provisioning); null when unknown.</summary>
    public IReadOnlyList<string>? NonNegativeFields { get; init; }

    /// <summary>
    /// Records whose subject index is not 0 (repeated subjects, no subject), all at the end of the data; null when unknown.
    /// When they are few, the release checks count them apart instead of a distinct count over every cell (issue 14, Measure).
    /// </summary>
    public long? RecordsWithoutUniqueSubject { get; init; }

    /// <summary>Whether <see cref="SubjectKey"/> was set by the grant (true) or is to be derived (false).</summary>
    public bool SubjectKeyFromGrant { get; init; }

    public ColumnPolicy PolicyOf(FieldDefinition field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var derived = ColumnPolicies.Derive(field);
        return Policies is not null && Policies.TryGetValue(field.Name, out var granted) ? ColumnPolicies.Tighten(derived, granted) : derived;
    }

    public string? EffectiveSubjectKey => SubjectKeyFromGrant ? SubjectKey : SubjectKey ?? ColumnPolicies.SubjectKeyOf(Fields);

    /// <summary>
    /// A table name is a plain identifier (letters, digits, underscore; not starting with a digit) so that it
    /// can never be mistaken for a file path or a schema-qualified name in SQL.
    /// </summary>
    public static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || char.IsDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return !name.StartsWith("__", StringComparison.Ordinal);
    }
}

/// <summary>One job for the engine: SQL over the tables of one grant.</summary>
public sealed record SandboxRequest(
    IReadOnlyList<SandboxTable> Tables,
    string Sql,
    SandboxMode Mode,
    SandboxLimits Limits,
    OutputCheckPolicy Policy);

/// <summary>Runs one sandbox job in a fresh, locked-down engine.</summary>
public interface ISandboxEngine
{
    /// <summary>
    /// Refusals, query errors and withheld outputs are results, not exceptions. Throws
    /// <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> is cancelled
    /// (for example because the grant was revoked); the job's own time limit gives a
    /// <see cref="SandboxStatus.Failed"/> result with <see cref="SandboxCodes.TimedOut"/>.
    /// </summary>
    Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken);
}

/// <summary>The byte length of a stored copy (negative when the store cannot read ranges) and a way to copy one range of it (issue 18: column pruning of Parquet copies).</summary>
public sealed record SandboxTableRanges(
    Func<CancellationToken, Task<long>> LengthAsync,
    Func<long, long, Stream, CancellationToken, Task> CopyRangeToAsync);
