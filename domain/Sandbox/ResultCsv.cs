using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Domain.Sandbox;

/// <summary>
/// The canonical CSV of a sandbox result (RFC 4180: comma, CRLF after every record, a field quoted when it holds
/// a comma, quote, CR or LF, or is empty text; UTF-8 without BOM; a header of the column names). NULL is an empty
/// unquoted field and empty text is <c>""</c>, so the two stay apart. The audit hash is SHA-256 over exactly these
/// bytes (M5.3: the audit log carries the hash of the output).
/// </summary>
public static class ResultCsv
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <param name="utf8Bom">
    /// For downloads that spreadsheet programs open as UTF-8 (Chinese text otherwise shows garbled in some);
    /// the hash is always over the canonical bytes without it.
    /// </param>
    public static async Task WriteAsync(
        Stream output,
        IReadOnlyList<SandboxColumn> columns,
        IReadOnlyList<IReadOnlyList<string?>> rows,
        bool utf8Bom,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (utf8Bom)
        {
            await output.WriteAsync(Bom, cancellationToken);
        }

        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        var line = new StringBuilder();
        AppendRecord(line, columns.Select(c => (string?)c.Name).ToList());
        await writer.WriteAsync(line, cancellationToken);
        foreach (var row in rows)
        {
            line.Clear();
            AppendRecord(line, row);
            await writer.WriteAsync(line, cancellationToken);
        }

        await writer.FlushAsync(cancellationToken);
    }

    public static byte[] ToBytes(IReadOnlyList<SandboxColumn> columns, IReadOnlyList<IReadOnlyList<string?>> rows)
    {
        using var buffer = new MemoryStream();
        WriteAsync(buffer, columns, rows, utf8Bom: false, CancellationToken.None).GetAwaiter().GetResult();
        return buffer.ToArray();
    }

    /// <summary>Lower-case hex SHA-256 of the canonical CSV.</summary>
    public static string Hash(IReadOnlyList<SandboxColumn> columns, IReadOnlyList<IReadOnlyList<string?>> rows)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var encoding = new UTF8Encoding(false);
        var line = new StringBuilder();
        AppendRecord(line, columns.Select(c => (string?)c.Name).ToList());
        hash.AppendData(encoding.GetBytes(line.ToString()));
        foreach (var row in rows)
        {
            line.Clear();
            AppendRecord(line, row);
            hash.AppendData(encoding.GetBytes(line.ToString()));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void AppendRecord(StringBuilder line, IReadOnlyList<string?> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            var value = fields[i];
            if (value is null)
            {
                continue;
            }

            if (value.Length == 0 || value.AsSpan().ContainsAny(NeedsQuotes))
            {
                line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                line.Append(value);
            }
        }

        line.Append("\r\n");
    }
}
