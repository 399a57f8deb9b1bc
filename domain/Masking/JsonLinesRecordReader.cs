using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Platform.Domain.Masking;

/// <summary>
/// A streaming JSON Lines reader: one JSON object per line whose values are strings, numbers, booleans or null.
/// Properties are matched to the declared columns ignoring case; others are collected as dropped. Blank lines
/// are skipped. A line that is not such an object (invalid JSON, an array, a nested value, a repeated property,
/// longer than the limit) is reported with its line number and skipped.
/// </summary>
internal sealed class JsonLinesRecordReader
{
    private const int ChunkChars = 32 * 1024;

    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow };

    private readonly DecodingCharSource source;
    private readonly int maxLineLength;
    private readonly int maxDroppedNames;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> columnLookup;
    private readonly HashSet<string> droppedNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly bool[] seen;
    private readonly char[] chunk = new char[ChunkChars];
    private int position;
    private int length;
    private bool sourceEnded;
    private char[] lineBuffer = new char[1024];
    private int lineLength;
    private bool lineTooLong;
    private byte[] utf8 = new byte[4096];
    private long line;

    public JsonLinesRecordReader(DecodingCharSource source, IReadOnlyList<string> columns, int maxLineLength, int maxDroppedNames)
    {
        this.source = source;
        this.maxLineLength = maxLineLength;
        this.maxDroppedNames = maxDroppedNames;
        var indexes = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < columns.Count; i++)
        {
            indexes[columns[i]] = i;
        }

        columnLookup = indexes.GetAlternateLookup<ReadOnlySpan<char>>();
        seen = new bool[columns.Count];
        Values = new CellValue[columns.Count];
    }

    public long RecordLine { get; private set; }

    public string? MalformedReason { get; private set; }

    /// <summary>The values of the last record by declared column; absent properties are null.</summary>
    public CellValue[] Values { get; }

    /// <summary>How many declared columns the last record had as properties.</summary>
    public int MatchedColumns { get; private set; }

    /// <summary>Property names that are not declared columns (at most the configured number).</summary>
    public IReadOnlyCollection<string> DroppedNames => droppedNames;

    public async ValueTask<RecordOutcome> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var complete = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (!complete)
            {
                return RecordOutcome.End;
            }

            RecordLine = line;
            if (lineTooLong)
            {
                MalformedReason = $"the line is longer than {maxLineLength} characters";
                return RecordOutcome.Malformed;
            }

            var text = lineBuffer.AsSpan(0, lineLength);
            if (text.IsWhiteSpace())
            {
                continue;
            }

            return Parse(text);
        }
    }

    /// <summary>Reads the next physical line into <see cref="lineBuffer"/> (without its CR LF); false at the end of the file.</summary>
    private async ValueTask<bool> ReadLineAsync(CancellationToken cancellationToken)
    {
        lineLength = 0;
        lineTooLong = false;
        var any = false;
        while (true)
        {
            if (position == length)
            {
                if (!sourceEnded)
                {
                    length = await source.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
                    position = 0;
                    sourceEnded = length == 0;
                    continue;
                }

                if (!any)
                {
                    return false;
                }

                line++;
                return true;
            }

            any = true;
            var rest = chunk.AsSpan(position, length - position);
            var newline = rest.IndexOf('\n');
            var run = newline < 0 ? rest : rest[..newline];
            position += newline < 0 ? run.Length : run.Length + 1;
            AppendToLine(run);
            if (newline >= 0)
            {
                line++;
                if (lineLength > 0 && lineBuffer[lineLength - 1] == '\r')
                {
                    lineLength--;
                }

                return true;
            }
        }
    }

    private void AppendToLine(ReadOnlySpan<char> run)
    {
        if (lineTooLong)
        {
            return;
        }

        if (lineLength + run.Length > maxLineLength + 1)
        {
            lineTooLong = true;
            return;
        }

        if (lineLength + run.Length > lineBuffer.Length)
        {
            Array.Resize(ref lineBuffer, Math.Max(lineBuffer.Length * 2, lineLength + run.Length));
        }

        run.CopyTo(lineBuffer.AsSpan(lineLength));
        lineLength += run.Length;
    }

    private RecordOutcome Parse(ReadOnlySpan<char> text)
    {
        MalformedReason = null;
        MatchedColumns = 0;
        Array.Fill(Values, CellValue.Null);
        Array.Clear(seen);

        var byteCount = Encoding.UTF8.GetByteCount(text);
        if (byteCount > utf8.Length)
        {
            utf8 = new byte[Math.Max(byteCount, utf8.Length * 2)];
        }

        var bytes = utf8.AsSpan(0, Encoding.UTF8.GetBytes(text, utf8));
        try
        {
            return ParseObject(bytes);
        }
        catch (JsonException exception)
        {
            MalformedReason = $"invalid JSON at byte {exception.BytePositionInLine + 1} of the line";
            return RecordOutcome.Malformed;
        }
    }

    private RecordOutcome ParseObject(ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes, isFinalBlock: true, new JsonReaderState(ReaderOptions));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return Malformed("the line is not a JSON object");
        }

        Span<char> nameBuffer = stackalloc char[256];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.HasValueSequence || reader.ValueSpan.Length > nameBuffer.Length / 2
                ? reader.GetString().AsSpan()
                : nameBuffer[..reader.CopyString(nameBuffer)];
            var found = columnLookup.TryGetValue(name, out var index);

            reader.Read();
            CellValue value;
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    value = new CellValue(reader.GetString(), CellKind.String);
                    break;
                case JsonTokenType.Number:
                    value = new CellValue(Encoding.UTF8.GetString(reader.ValueSpan), CellKind.Number);
                    break;
                case JsonTokenType.True:
                    value = new CellValue("true", CellKind.Boolean);
                    break;
                case JsonTokenType.False:
                    value = new CellValue("false", CellKind.Boolean);
                    break;
                case JsonTokenType.Null:
                    value = CellValue.Null;
                    break;
                default:
                    return Malformed($"property '{name}' holds an {(reader.TokenType == JsonTokenType.StartArray ? "array" : "object")}; only strings, numbers, booleans and null are read");
            }

            if (!found)
            {
                if (droppedNames.Count < maxDroppedNames)
                {
                    droppedNames.Add(name.ToString());
                }

                continue;
            }

            if (seen[index])
            {
                return Malformed($"property '{name}' appears twice");
            }

            seen[index] = true;
            MatchedColumns++;
            Values[index] = value;
        }

        // Anything after the object (a second value) makes the reader throw; running it to the end checks that.
        while (reader.Read())
        {
        }

        return RecordOutcome.Record;
    }

    private RecordOutcome Malformed(string reason)
    {
        MalformedReason = reason;
        return RecordOutcome.Malformed;
    }
}
