using Platform.Domain.Security;

namespace Platform.Domain.Audit;

/// <summary>What a feature records about a change: who did what to which target, with the payload hashed.</summary>
public sealed record AuditRecord(Caller Actor, string Action, string Target, object? Payload);

/// <summary>One stored link of the hash chain (M5.3: append-only, tamper-evident).</summary>
public sealed record AuditEntry(
    long Sequence,
    DateTimeOffset Time,
    string Actor,
    string Role,
    string Organization,
    string Action,
    string Target,
    string PayloadHash,
    string PreviousHash,
    string Hash);

public sealed record AuditQuery(
    string? Actor = null,
    string? Action = null,
    string? Target = null,
    string? Organization = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int PageSize = 50,
    string? ContinuationToken = null);

public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, string? ContinuationToken);

/// <summary>Result of recomputing the chain; <see cref="FirstBrokenSequence"/> names the first entry that does not verify.</summary>
public sealed record AuditVerification(bool Valid, long EntriesChecked, long? FirstBrokenSequence, string? Reason, long? HeadSequence);

public interface IAuditLog
{
    /// <summary>Appends one entry at the end of the chain. Safe under parallel writers: no fork, no gap.</summary>
    Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default);

    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);

    Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default);
}
