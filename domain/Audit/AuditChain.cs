using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Platform.Domain.Security;

namespace Platform.Domain.Audit;

/// <summary>
/// The hash chain of the audit log (M5.3: supervisors must be able to trust the record of who did what).
/// Each entry's hash covers its own fields and the previous entry's hash, so changing, removing or inserting an
/// entry breaks every link after it.
/// </summary>
public static class AuditChain
{
    /// <summary>The previous hash of entry 1: there is nothing before it.</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>
    /// How payloads are serialised before hashing. Fixed here so that anyone holding a payload can recompute
    /// its hash: camelCase names, UTF-8, non-ASCII text (Chinese) kept as-is rather than \u-escaped.
    /// </summary>
    public static readonly JsonSerializerOptions PayloadSerializerOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    // Bumping this string is the only way to change the canonical form; old chains keep verifying under v1.
    private const string CanonicalFormVersion = "audit-entry-v1";

    /// <summary>SHA-256 (lower-case hex) of the payload's canonical JSON; a null payload hashes the empty string.</summary>
    public static string HashPayload(object? payload)
    {
        var bytes = payload is null
            ? []
            : JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), PayloadSerializerOptions);
        return Sha256Hex(bytes);
    }

    /// <summary>
    /// The exact text that is hashed. Each field is written as <c>name:byteLength:value</c> on its own line, so no
    /// value (whatever characters it holds, line breaks included) can be confused with a neighbouring field.
    /// </summary>
    public static string CanonicalForm(
        long sequence,
        DateTimeOffset time,
        string actor,
        string role,
        string organization,
        string action,
        string target,
        string payloadHash,
        string previousHash)
    {
        var builder = new StringBuilder(CanonicalFormVersion).Append('\n');
        AppendField(builder, "sequence", sequence.ToString(CultureInfo.InvariantCulture));
        AppendField(builder, "time", FormatTime(time));
        AppendField(builder, "actor", actor);
        AppendField(builder, "role", role);
        AppendField(builder, "org", organization);
        AppendField(builder, "action", action);
        AppendField(builder, "target", target);
        AppendField(builder, "payloadHash", payloadHash);
        AppendField(builder, "previousHash", previousHash);
        return builder.ToString();
    }

    /// <summary>The hash an entry must carry, recomputed from its other fields.</summary>
    public static string ComputeHash(AuditEntry entry) => Sha256Hex(Encoding.UTF8.GetBytes(CanonicalForm(
        entry.Sequence,
        entry.Time,
        entry.Actor,
        entry.Role,
        entry.Organization,
        entry.Action,
        entry.Target,
        entry.PayloadHash,
        entry.PreviousHash)));

    /// <summary>Builds the entry that follows <paramref name="head"/>: sequence + 1, linked to the head's hash.</summary>
    public static AuditEntry Next(AuditHead head, AuditRecord record, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Next(head, record.Actor, record.Action, record.Target, HashPayload(record.Payload), now);
    }

    /// <summary>As <see cref="Next(AuditHead, AuditRecord, DateTimeOffset)"/> for a payload already hashed with <see cref="HashPayload"/>.</summary>
    public static AuditEntry Next(AuditHead head, Caller actor, string action, string target, string payloadHash, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrWhiteSpace(payloadHash);

        var unsealed = new AuditEntry(
            head.Sequence + 1,
            now.ToUniversalTime(),
            actor.Subject,
            actor.Role,
            actor.Organization,
            action,
            target,
            payloadHash,
            head.Hash,
            Hash: "");
        return unsealed with { Hash = ComputeHash(unsealed) };
    }

    /// <summary>Times are hashed as UTC in the round-trip ("O") format, e.g. 2026-01-01T15:59:59.0000000Z.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static void AppendField(StringBuilder builder, string name, string value)
    {
        builder.Append(name)
            .Append(':')
            .Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture))
            .Append(':')
            .Append(value)
            .Append('\n');
    }

    private static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

/// <summary>The end of the chain: the last sequence written and its hash (sequence 0 and the genesis hash when empty).</summary>
public sealed record AuditHead(long Sequence, string Hash)
{
    public static readonly AuditHead Empty = new(0, AuditChain.GenesisHash);

    public static AuditHead Of(AuditEntry entry) => new(entry.Sequence, entry.Hash);
}
