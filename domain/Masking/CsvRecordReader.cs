using System.Buffers;

namespace Platform.Domain.Masking;

internal enum RecordOutcome
{
    Record,
    Malformed,
    End,
}

/// <summary>
/// A streaming RFC 4180 reader: comma separator, fields optionally in double quotes with <c>""</c> for a quote
/// and embedded commas and line breaks, records ended by CRLF, LF or CR. Blank lines are skipped. Memory is
/// bounded by <c>maxRecordLength</c>. A malformed record (quote inside an unquoted field, text after a closing
/// quote, unterminated quote, too long, wrong field count) is reported with the line it starts on and skipped to
/// the end of the physical line, so that one bad row never stops the file.
/// </summary>
internal sealed class CsvRecordReader
{
    private const int ChunkChars = 32 * 1024;

    private static readonly SearchValues<char> UnquotedStops = SearchValues.Create(",\"\r\n");
    private static readonly SearchValues<char> QuotedStops = SearchValues.Create("\"\r\n");

    private enum State
    {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
        SkipLine,
    }

    private readonly DecodingCharSource source;
    private readonly int maxRecordLength;
    private readonly char[] chunk = new char[ChunkChars];
    private int position;
    private int length;
    private bool sourceEnded;

    private State state;
    private bool recordStarted;
    private bool lastWasCarriageReturn;
    private long line = 1;
    private char[] field = new char[256];
    private int fieldLength;
    private int recordLength;
    private int column;
    private string?[] values = new string?[16];
    private bool[]? wanted;

    public CsvRecordReader(DecodingCharSource source, int maxRecordLength)
    {
        this.source = source;
        this.maxRecordLength = maxRecordLength;
    }

    /// <summary>The 1-based physical line the last record (or malformed record) started on.</summary>
    public long RecordLine { get; private set; }

    /// <summary>Why the last record was malformed.</summary>
    public string? MalformedReason { get; private set; }

    /// <summary>The number of fields of the last record.</summary>
    public int FieldCount => column;

    /// <summary>When positive, a record with another number of fields is malformed.</summary>
    public int ExpectedFieldCount { get; set; }

    /// <summary>The fields of the last record; after <see cref="CaptureOnly"/> unwanted ones are null.</summary>
    public ReadOnlySpan<string?> Values => values.AsSpan(0, Math.Min(column, values.Length));

    /// <summary>From now on materialise only the fields whose index is true; the others are counted, not copied.</summary>
    public void CaptureOnly(bool[] wantedColumns)
    {
        wanted = wantedColumns;
        values = new string?[wantedColumns.Length];
    }

    public async ValueTask<RecordOutcome> ReadAsync(CancellationToken cancellationToken)
    {
        BeginRecord();
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

                return Finish();
            }

            if (Scan() is { } outcome)
            {
                return outcome;
            }
        }
    }

    private void BeginRecord()
    {
        state = State.FieldStart;
        recordStarted = false;
        column = 0;
        fieldLength = 0;
        recordLength = 0;
        MalformedReason = null;
        Array.Clear(values);
    }

    /// <summary>Consumes the buffered characters; returns an outcome when a record ends, null when more input is needed.</summary>
    private RecordOutcome? Scan()
    {
        while (position < length)
        {
            var rest = chunk.AsSpan(position, length - position);
            switch (state)
            {
                case State.FieldStart:
                {
                    var c = rest[0];
                    if (c is '\r' or '\n')
                    {
                        position++;
                        CountLineBreak(c);
                        if (!recordStarted)
                        {
                            // A blank line, or the LF of a CRLF that ended the previous record.
                            continue;
                        }

                        EndField();
                        return CompleteRecord();
                    }

                    StartRecord();
                    if (c == '"')
                    {
                        position++;
                        lastWasCarriageReturn = false;
                        state = State.Quoted;
                    }
                    else if (c == ',')
                    {
                        position++;
                        lastWasCarriageReturn = false;
                        EndField();
                    }
                    else
                    {
                        state = State.Unquoted;
                    }

                    break;
                }

                case State.Unquoted:
                {
                    var stop = rest.IndexOfAny(UnquotedStops);
                    var run = stop < 0 ? rest : rest[..stop];
                    if (!Append(run))
                    {
                        break;
                    }

                    if (stop < 0)
                    {
                        return null;
                    }

                    var c = rest[stop];
                    position++;
                    if (c == ',')
                    {
                        lastWasCarriageReturn = false;
                        EndField();
                        state = State.FieldStart;
                    }
                    else if (c == '"')
                    {
                        lastWasCarriageReturn = false;
                        StartSkipping("a double quote inside an unquoted field (quote the whole field and double the quote)");
                    }
                    else
                    {
                        CountLineBreak(c);
                        EndField();
                        return CompleteRecord();
                    }

                    break;
                }

                case State.Quoted:
                {
                    var stop = rest.IndexOfAny(QuotedStops);
                    var run = stop < 0 ? rest : rest[..stop];
                    if (!Append(run))
                    {
                        break;
                    }

                    if (stop < 0)
                    {
                        return null;
                    }

                    var c = rest[stop];
                    if (c == '"')
                    {
                        position++;
                        lastWasCarriageReturn = false;
                        state = State.QuoteInQuoted;
                    }
                    else if (Append(rest.Slice(stop, 1)))
                    {
                        CountLineBreak(c);
                    }

                    break;
                }

                case State.QuoteInQuoted:
                {
                    var c = rest[0];
                    if (c == '"')
                    {
                        // The append consumes the second quote of the "" pair.
                        if (Append(rest[..1]))
                        {
                            state = State.Quoted;
                        }
                    }
                    else if (c == ',')
                    {
                        position++;
                        EndField();
                        state = State.FieldStart;
                    }
                    else if (c is '\r' or '\n')
                    {
                        position++;
                        CountLineBreak(c);
                        EndField();
                        return CompleteRecord();
                    }
                    else
                    {
                        StartSkipping("text after the closing quote of a field");
                    }

                    break;
                }

                case State.SkipLine:
                {
                    var stop = rest.IndexOfAny('\r', '\n');
                    if (stop < 0)
                    {
                        position = length;
                        lastWasCarriageReturn = false;
                        return null;
                    }

                    position += stop + 1;
                    CountLineBreak(rest[stop]);
                    return RecordOutcome.Malformed;
                }
            }
        }

        return null;
    }

    private RecordOutcome Finish()
    {
        switch (state)
        {
            case State.SkipLine:
                state = State.FieldStart;
                return RecordOutcome.Malformed;
            case State.Quoted:
                state = State.FieldStart;
                MalformedReason = "a quoted field is not closed before the end of the file";
                return RecordOutcome.Malformed;
            case State.FieldStart when !recordStarted:
                return RecordOutcome.End;
            default:
                EndField();
                state = State.FieldStart;
                return CompleteRecord();
        }
    }

    private RecordOutcome CompleteRecord()
    {
        if (ExpectedFieldCount > 0 && column != ExpectedFieldCount)
        {
            MalformedReason = $"expected {ExpectedFieldCount} fields, found {column}";
            return RecordOutcome.Malformed;
        }

        return RecordOutcome.Record;
    }

    private void StartRecord()
    {
        if (!recordStarted)
        {
            recordStarted = true;
            RecordLine = line;
        }
    }

    private void StartSkipping(string reason)
    {
        MalformedReason = reason;
        state = State.SkipLine;
    }

    private void CountLineBreak(char c)
    {
        if (c == '\r')
        {
            line++;
            lastWasCarriageReturn = true;
        }
        else
        {
            if (!lastWasCarriageReturn)
            {
                line++;
            }

            lastWasCarriageReturn = false;
        }
    }

    /// <summary>Appends <paramref name="run"/> (consumed from the chunk) to the current field; false when the record grew too long.</summary>
    private bool Append(ReadOnlySpan<char> run)
    {
        position += run.Length;
        if (run.IsEmpty)
        {
            return true;
        }

        if (run[^1] is not ('\r' or '\n'))
        {
            lastWasCarriageReturn = false;
        }

        recordLength += run.Length;
        if (recordLength > maxRecordLength)
        {
            // Count the line breaks skipped over so that later line numbers stay right.
            foreach (var c in run)
            {
                if (c is '\r' or '\n')
                {
                    CountLineBreak(c);
                }
            }

            StartSkipping($"the record is longer than {maxRecordLength} characters (a quote that is never closed?)");
            return false;
        }

        if (!Capturing)
        {
            return true;
        }

        if (fieldLength + run.Length > field.Length)
        {
            Array.Resize(ref field, Math.Max(field.Length * 2, fieldLength + run.Length));
        }

        run.CopyTo(field.AsSpan(fieldLength));
        fieldLength += run.Length;
        return true;
    }

    private bool Capturing => wanted is null || (column < wanted.Length && wanted[column]);

    private void EndField()
    {
        if (Capturing)
        {
            if (wanted is null && column == values.Length)
            {
                Array.Resize(ref values, values.Length * 2);
            }

            values[column] = fieldLength == 0 ? string.Empty : new string(field, 0, fieldLength);
        }

        column++;
        fieldLength = 0;
    }
}
