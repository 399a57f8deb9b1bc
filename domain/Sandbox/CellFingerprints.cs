using System.Security.Cryptography;
using System.Text;

namespace Platform.Domain.Sandbox;

/// <summary>One released aggregate cell: its group (dimension values), its family (function and column; every count is one) and its subjects.</summary>
public sealed record ReleasedCell(string Group, string Family, long Subjects);

/// <summary>A cell fingerprint kept per grant: the keyed hash of group and family, and the subjects behind the released cell.</summary>
public sealed record CellFingerprint(string Key, long Subjects);

/// <summary>
/// Issue 14 item 5 (M4.4, M5.1): differencing across results. Each released cell of a grant leaves a fingerprint (keyed hash
/// of its group and family → its subject count); a later result with a cell of the same group and family whose subjects
/// differ from an earlier one by 1 to k−1 would give away those few people, and is refused.
/// </summary>
public static class CellFingerprints
{
    public static IReadOnlyList<CellFingerprint> Of(byte[] key, IEnumerable<ReleasedCell> cells)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(cells);
        return cells
            .Select(c => new CellFingerprint(Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("cell:" + c.Family + "\n" + c.Group)))[..32], c.Subjects))
            .Distinct()
            .ToList();
    }

    /// <summary>M5.1: how many cells differ from an earlier released cell of the grant by more than 0 and fewer than k subjects.</summary>
    public static int Conflicts(IReadOnlyList<CellFingerprint> current, IEnumerable<CellFingerprint> earlier, int k)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(earlier);
        var known = earlier.ToLookup(e => e.Key, e => e.Subjects, StringComparer.Ordinal);
        return current.Count(cell => known[cell.Key].Any(subjects => Math.Abs(subjects - cell.Subjects) is > 0 and var gap && gap < k));
    }
}

/// <summary>The per-grant cell fingerprints of released results (Table storage, one row per cell and subject count).</summary>
public interface ISandboxCellFingerprintStore
{
    /// <summary>
    /// The grant's fingerprints of the cells with these keys (every subject count stored for each). Its cost follows the cells
    /// asked about, not the grant's history: a grant keeps a fingerprint of every cell it ever released.
    /// </summary>
    Task<IReadOnlyList<CellFingerprint>> ListAsync(string grantId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default);

    /// <summary>Adds the fingerprints (idempotent: the same key and count is stored once).</summary>
    Task AddAsync(string grantId, IReadOnlyList<CellFingerprint> cells, CancellationToken cancellationToken = default);
}
