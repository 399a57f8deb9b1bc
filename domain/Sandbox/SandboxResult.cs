using System.Text.Json.Serialization;
using Platform.Domain.Catalog;

namespace Platform.Domain.Sandbox;

[JsonConverter(typeof(WireEnumConverter<SandboxStatus>))]
public enum SandboxStatus
{
    /// <summary>The result may leave the sandbox: a sample job that ran, or a full job that passed the checks.</summary>
    [JsonStringEnumMemberName("released")]
    Released,

    /// <summary>A full job whose output failed the checks; no rows are carried (M5.1).</summary>
    [JsonStringEnumMemberName("withheld")]
    Withheld,

    /// <summary>The statement gate refused the SQL before it ran.</summary>
    [JsonStringEnumMemberName("refused")]
    Refused,

    /// <summary>The query or the load failed, ran out of time or out of memory.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}

/// <param name="Type">The engine's type name, for example <c>VARCHAR</c>, <c>BIGINT</c>, <c>DECIMAL(18,3)</c>.</param>
public sealed record SandboxColumn(string Name, string Type);

/// <summary>The outcome of one sandbox job.</summary>
/// <param name="Code">A <see cref="SandboxCodes"/> value unless <see cref="Status"/> is <see cref="SandboxStatus.Released"/>.</param>
/// <param name="Rows">Cells formatted invariantly; null is SQL NULL. Empty unless released.</param>
/// <param name="Truncated">A sample result was cut at the row cap.</param>
/// <param name="Checks">The output-check outcome of a full job that got as far as the checks.</param>
/// <param name="ResultHash">SHA-256 (lower-case hex) of the released result's canonical CSV, for the audit log.</param>
/// <param name="Elapsed">Time spent on the user's statement (gate, rewrite, run, read).</param>
/// <param name="LoadElapsed">Time spent loading the granted tables.</param>
/// <param name="LoadNotes">What the load did not do as declared (a granted field missing from the data, a column kept as text).</param>
public sealed record SandboxResult(
    SandboxMode Mode,
    SandboxStatus Status,
    string? Code,
    string? Detail,
    IReadOnlyList<SandboxColumn> Columns,
    IReadOnlyList<IReadOnlyList<string?>> Rows,
    bool Truncated,
    OutputCheckOutcome? Checks,
    string? ResultHash,
    TimeSpan Elapsed,
    TimeSpan LoadElapsed,
    IReadOnlyList<string> LoadNotes)
{
    public bool Released => Status == SandboxStatus.Released;

    /// <summary>
    /// The specific reason of a failure whose <see cref="Detail"/> is kept generic (issue 14 item 4: a full job that fails on
    /// the data must not answer questions about it); for the audit log only, never shown to the submitter.
    /// </summary>
    public string? AuditDetail { get; init; }

    /// <summary>Time the release checks took outside the engine: analysis, rewrite and disclosure control of the rows.</summary>
    public TimeSpan CheckElapsed { get; init; }

    /// <summary>
    /// The granted fields the statement used, per table name, as the release analysis resolved them (<c>full</c> mode);
    /// null when no analysis ran (<c>sample</c> mode, a refused statement): then every loaded field counts as used.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? UsedFields { get; init; }

    /// <summary>Issue 14 item 5: the released cells with their subjects (<c>full</c> mode), for the per-grant cell fingerprints.</summary>
    public IReadOnlyList<ReleasedCell> ReleasedCells { get; init; } = [];

    /// <summary>The statement fixes the rows' order (ORDER BY); otherwise the platform may order them (a fingerprint, 14.7).</summary>
    public bool Ordered { get; init; } = true;

    public static SandboxResult Unreleased(
        SandboxMode mode,
        SandboxStatus status,
        string code,
        string detail,
        TimeSpan elapsed,
        TimeSpan loadElapsed,
        IReadOnlyList<string> loadNotes,
        OutputCheckOutcome? checks = null) =>
        new(mode, status, code, detail, [], [], false, checks, null, elapsed, loadElapsed, loadNotes);
}
