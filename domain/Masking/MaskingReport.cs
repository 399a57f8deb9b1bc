namespace Platform.Domain.Masking;

/// <summary>What a masking job did (M4.4): counts, the rule per field, suspicious values and k-anonymity.</summary>
public sealed record MaskingReport
{
    public required DataFormat InputFormat { get; init; }

    public required DataFormat OutputFormat { get; init; }

    /// <summary>The encoding the input was read with: "utf-8" or "gb18030".</summary>
    public required string Encoding { get; init; }

    public required MaskingPurpose Purpose { get; init; }

    public required SamplingPlan Sampling { get; init; }

    public required long Seed { get; init; }

    /// <summary>The fingerprint of the pseudonymisation key used, if any (never the key).</summary>
    public string? KeyFingerprint { get; init; }

    /// <summary>Data records read (the header excluded), valid or malformed.</summary>
    public required long RowsIn { get; init; }

    public required long ValidRows { get; init; }

    /// <summary>Records written (after sampling).</summary>
    public required long RowsOut { get; init; }

    public required long MalformedRowCount { get; init; }

    /// <summary>The first malformed rows, at most <see cref="MaskingOptions.MaxMalformedRowsListed"/>.</summary>
    public required IReadOnlyList<MalformedRow> MalformedRows { get; init; }

    /// <summary>The rule applied to each declared field, in declared (= output) order.</summary>
    public required IReadOnlyList<FieldRuleReport> Fields { get; init; }

    /// <summary>Fields without an identifier kind where values looked like identifiers; only fields with at least one.</summary>
    public required IReadOnlyList<SuspectedIdentifierReport> SuspectedIdentifiers { get; init; }

    /// <summary>k-anonymity over the quasi-identifier fields of the output rows; null when no field is a quasi-identifier.</summary>
    public KAnonymityReport? KAnonymity { get; init; }

    /// <summary>Columns (CSV) or properties (JSON Lines) of the input that are not declared fields: not written.</summary>
    public required IReadOnlyList<string> DroppedColumns { get; init; }

    /// <summary>Declared fields absent from the CSV header: written empty.</summary>
    public required IReadOnlyList<string> MissingColumns { get; init; }
}

/// <param name="Line">The 1-based line the record starts on (the CSV header is line 1).</param>
public sealed record MalformedRow(long Line, string Reason);

public sealed record FieldRuleReport(string Field, MaskingTechnique Technique, string Rule, string Description);

/// <param name="Count">Values of the field that looked like at least one identifier kind.</param>
/// <param name="Kinds">The identifier kinds seen (wire names, fixed order).</param>
public sealed record SuspectedIdentifierReport(string Field, long Count, IReadOnlyList<string> Kinds);

/// <param name="QuasiIdentifiers">The declared quasi-identifier fields.</param>
/// <param name="K">The size of the smallest equivalence class, i.e. the output is K-anonymous; null without output rows.</param>
/// <param name="EquivalenceClasses">Distinct combinations of quasi-identifier values tracked.</param>
/// <param name="UniqueRows">Rows alone in their class (classes of size 1).</param>
/// <param name="Capped">More combinations than tracked: K and the counts describe only the tracked classes.</param>
public sealed record KAnonymityReport(
    IReadOnlyList<string> QuasiIdentifiers,
    long? K,
    long EquivalenceClasses,
    long UniqueRows,
    bool Capped);
