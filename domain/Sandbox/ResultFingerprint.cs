using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Platform.Domain.Masking;
using Platform.Domain.Secrets;

namespace Platform.Domain.Sandbox;

/// <summary>
/// The fingerprint of one released result file (issue 14 item 7; M5.3, M4.4): keyed with the grant's fingerprint key, so
/// nobody without the secret store can compute or forge one.
/// </summary>
/// <param name="Mac">HMAC-SHA256 of the released canonical CSV bytes: matches an unaltered copy of the file.</param>
/// <param name="ContentSignature">HMAC of the released cells, order-free and normalised (trimmed, numbers to 10 significant digits, a formula guard dropped): matches a copy re-saved by a spreadsheet or re-sorted.</param>
/// <param name="OrderSignature">HMAC of the rows' order: the platform orders the rows of a result without ORDER BY by a keyed per-job permutation, so two jobs with the same cells still differ.</param>
/// <param name="Reordered">True when the platform chose the row order (the statement had no ORDER BY).</param>
public sealed record ResultFingerprint(string Mac, string ContentSignature, string OrderSignature, bool Reordered);

/// <summary>How a leaked file matches a job's fingerprint: <c>exact</c> (the bytes), <c>content_and_order</c>, or <c>content</c> (same cells, order changed).</summary>
public static class FingerprintMatchKinds
{
    public const string Exact = "exact";
    public const string ContentAndOrder = "content_and_order";
    public const string Content = "content";
}

/// <summary>Pure functions of result fingerprints (issue 14 item 7). The key is per grant; see <see cref="ResultFingerprintKeys"/>.</summary>
public static class ResultFingerprints
{
    private const char CellSeparator = '\u001F';

    /// <summary>HKDF-SHA256 of the root key with info <c>"result-fingerprint:" + grantId</c>: one key per grant (14.7), independent of the pseudonymisation keys.</summary>
    public static byte[] DeriveKey(byte[] rootKey, string grantId)
    {
        ArgumentNullException.ThrowIfNull(rootKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(grantId);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, rootKey, 32, salt: [], info: Encoding.UTF8.GetBytes("result-fingerprint:" + grantId));
    }

    /// <summary>
    /// 14.7: the rows of a result whose statement fixes no order, ordered by a keyed per-job permutation (the HMAC of the job
    /// id and the row). The cells are unchanged; only the order, which the engine leaves undefined anyway, carries the mark.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string?>> Permute(byte[] key, string jobId, IReadOnlyList<IReadOnlyList<string?>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows
            .Select(row => (Row: row, Rank: Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("order:" + jobId + "\n" + Canonical(row))))))
            .OrderBy(r => r.Rank, StringComparer.Ordinal)
            .Select(r => r.Row)
            .ToList();
    }

    /// <summary>The fingerprint of released canonical CSV bytes (header and rows, as <see cref="ResultCsv"/> writes them).</summary>
    public static ResultFingerprint Compute(byte[] key, byte[] csv, bool reordered)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var (content, order) = Signatures(key, csv);
        return new ResultFingerprint(Mac(key, csv), content, order, reordered);
    }

    /// <summary>How <paramref name="leaked"/> (a CSV file, perhaps re-saved) matches <paramref name="fingerprint"/>; null when it does not.</summary>
    public static string? Match(byte[] key, ResultFingerprint fingerprint, byte[] leaked)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        ArgumentNullException.ThrowIfNull(leaked);
        if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(key, leaked)), Encoding.ASCII.GetBytes(fingerprint.Mac)))
        {
            return FingerprintMatchKinds.Exact;
        }

        var (content, order) = Signatures(key, leaked);
        if (content != fingerprint.ContentSignature)
        {
            return null;
        }

        return order == fingerprint.OrderSignature ? FingerprintMatchKinds.ContentAndOrder : FingerprintMatchKinds.Content;
    }

    private static string Mac(byte[] key, byte[] csv) => Convert.ToHexStringLower(HMACSHA256.HashData(key, WithoutBom(csv)));

    private static (string Content, string Order) Signatures(byte[] key, byte[] csv)
    {
        var records = ParseCsv(Encoding.UTF8.GetString(WithoutBom(csv)));
        var rows = records.Skip(1).Where(r => r.Any(c => c.Length > 0)).Select(r => string.Join(CellSeparator, r.Select(Normalise))).ToList();
        var ordered = "order\n" + string.Join('\n', rows);
        var content = "content\n" + string.Join('\n', rows.Order(StringComparer.Ordinal));
        return (Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(content))),
            Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(ordered))));
    }

    /// <summary>A cell as a spreadsheet may have re-saved it: trimmed, the formula guard dropped, numbers to 10 significant digits.</summary>
    public static string Normalise(string cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        var value = cell.Trim();
        if (value.StartsWith('\''))
        {
            value = value[1..];
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number.ToString("G10", CultureInfo.InvariantCulture)
            : value;
    }

    private static string Canonical(IReadOnlyList<string?> row) => string.Join(CellSeparator, row.Select(c => c ?? "\u0000"));

    private static byte[] WithoutBom(byte[] bytes)
        => bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? bytes[3..] : bytes;

    /// <summary>RFC 4180 records (comma, double-quote quoting, CRLF or LF); lenient, for files that left the platform.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> ParseCsv(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<IReadOnlyList<string>>();
        var record = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    record.Add(cell.ToString());
                    cell.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    record.Add(cell.ToString());
                    cell.Clear();
                    records.Add(record);
                    record = [];
                    break;
                default:
                    cell.Append(c);
                    break;
            }
        }

        if (cell.Length > 0 || record.Count > 0)
        {
            record.Add(cell.ToString());
            records.Add(record);
        }

        return records;
    }
}

/// <summary>The per-grant fingerprint key, derived from the root key in the secret store (as the pseudonymisation keys are).</summary>
public sealed class ResultFingerprintKeys(ISecretStore secrets)
{
    public async Task<byte[]> ForGrantAsync(string grantId, CancellationToken cancellationToken = default)
        => ResultFingerprints.DeriveKey(await new PseudonymisationRootKey(secrets).ReadAsync(cancellationToken), grantId);
}
