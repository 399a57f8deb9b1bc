using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Platform.Domain.Masking;

/// <summary>Writes records into a byte buffer that is flushed to the output stream asynchronously in large blocks.</summary>
internal abstract class RecordWriter
{
    private const int FlushThreshold = 64 * 1024;

    private readonly Stream output;

    protected RecordWriter(Stream output)
    {
        this.output = output;
    }

    protected ArrayBufferWriter<byte> Buffer { get; } = new(FlushThreshold * 2);

    public static RecordWriter Create(DataFormat format, Stream output, IReadOnlyList<string> columns, bool utf8Bom) =>
        format == DataFormat.Csv ? new CsvRecordWriter(output, columns, utf8Bom) : new JsonLinesRecordWriter(output, columns);

    /// <summary>A writer of records into its own buffer, without header, to be copied with <see cref="WriteEncoded"/> (a block of rows).</summary>
    public static RecordWriter CreateFragment(DataFormat format, IReadOnlyList<string> columns) =>
        format == DataFormat.Csv ? new CsvRecordWriter(Stream.Null, columns: null, utf8Bom: false) : new JsonLinesRecordWriter(Stream.Null, columns);

    public abstract void Write(ReadOnlySpan<CellValue> record);

    /// <summary>Appends what <paramref name="fragment"/> has written.</summary>
    public void WriteEncoded(RecordWriter fragment) => Buffer.Write(fragment.Buffer.WrittenSpan);

    /// <summary>Forgets what was written (a fragment, once copied).</summary>
    public void Clear() => Buffer.ResetWrittenCount();

    public ValueTask FlushIfFullAsync(CancellationToken cancellationToken) =>
        Buffer.WrittenCount >= FlushThreshold ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (Buffer.WrittenCount > 0)
        {
            await output.WriteAsync(Buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            Buffer.ResetWrittenCount();
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    protected void WriteText(ReadOnlySpan<char> text)
    {
        var span = Buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        Buffer.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}

/// <summary>RFC 4180 CSV in UTF-8: a header row, CRLF line ends, fields quoted only when they contain a comma, quote or line break.</summary>
internal sealed class CsvRecordWriter : RecordWriter
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");

    /// <param name="columns">The header; null writes none (a fragment).</param>
    public CsvRecordWriter(Stream output, IReadOnlyList<string>? columns, bool utf8Bom)
        : base(output)
    {
        if (columns is null)
        {
            return;
        }

        if (utf8Bom)
        {
            Buffer.Write((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]);
        }

        for (var i = 0; i < columns.Count; i++)
        {
            if (i > 0)
            {
                Buffer.Write(","u8);
            }

            WriteField(columns[i]);
        }

        Buffer.Write("\r\n"u8);
    }

    public override void Write(ReadOnlySpan<CellValue> record)
    {
        for (var i = 0; i < record.Length; i++)
        {
            if (i > 0)
            {
                Buffer.Write(","u8);
            }

            WriteField(record[i].Text);
        }

        Buffer.Write("\r\n"u8);
    }

    private void WriteField(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var text = value.AsSpan();
        if (text.IndexOfAny(NeedsQuotes) < 0)
        {
            WriteText(text);
            return;
        }

        Buffer.Write("\""u8);
        while (true)
        {
            var quote = text.IndexOf('"');
            if (quote < 0)
            {
                WriteText(text);
                break;
            }

            WriteText(text[..(quote + 1)]);
            Buffer.Write("\""u8);
            text = text[(quote + 1)..];
        }

        Buffer.Write("\""u8);
    }
}

/// <summary>JSON Lines in UTF-8 (Chinese unescaped): one object per record, properties in declared order, LF line ends.</summary>
internal sealed class JsonLinesRecordWriter : RecordWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = true,
    };

    private readonly JsonEncodedText[] names;
    private readonly Utf8JsonWriter json;

    public JsonLinesRecordWriter(Stream output, IReadOnlyList<string> columns)
        : base(output)
    {
        names = columns.Select(name => JsonEncodedText.Encode(name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)).ToArray();
        json = new Utf8JsonWriter(Buffer, WriterOptions);
    }

    public override void Write(ReadOnlySpan<CellValue> record)
    {
        json.Reset(Buffer);
        json.WriteStartObject();
        for (var i = 0; i < record.Length; i++)
        {
            json.WritePropertyName(names[i]);
            var cell = record[i];
            switch (cell.Kind)
            {
                case CellKind.Null:
                    json.WriteNullValue();
                    break;
                case CellKind.Number:
                    json.WriteRawValue(cell.Text!, skipInputValidation: true);
                    break;
                case CellKind.Boolean:
                    json.WriteBooleanValue(cell.Text == "true");
                    break;
                default:
                    json.WriteStringValue(cell.Text);
                    break;
            }
        }

        json.WriteEndObject();
        json.Flush();
        Buffer.Write("\n"u8);
    }
}
