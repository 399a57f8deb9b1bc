using System.Security.Cryptography;
using Platform.Domain.Masking;

namespace Platform.Domain.Grants;

/// <summary>
/// Copies the approved fields of a provider's file into the authorized data library (M4.3 data minimisation: only
/// what was approved leaves the provider's area), streaming with bounded memory whatever the file size. In: CSV or
/// JSON Lines in UTF-8 or GB18030, as uploaded. Out: CSV in UTF-8 whose header is exactly the approved fields in the
/// approved order; every other column is dropped unread. Rows that cannot be read are counted and left out.
/// The SHA-256 and byte count are of the output as written.
/// </summary>
public static class LibraryCopier
{
    /// <summary>The longest record read; longer ones are counted as malformed.</summary>
    public const int MaxRecordLength = 1024 * 1024;

    /// <exception cref="MaskingInputException">The file is empty, binary, or its CSV header cannot be read.</exception>
    public static Task<LibraryCopyResult> CopyAsync(
        Stream input,
        DataFormat inputFormat,
        InputEncoding encoding,
        IReadOnlyList<string> approvedFields,
        Stream output,
        CancellationToken cancellationToken = default)
        => CopyAsync(input, inputFormat, encoding, approvedFields, approvedFields, (LibraryProjection?)null, output, cancellationToken);

    /// <summary>
    /// Reads <paramref name="approvedFields"/> of each record and writes the row <paramref name="project"/> makes of them under
    /// <paramref name="header"/> (issue 14 item 0: pseudonyms and derived attributes instead of raw identifiers); without a
    /// projection the fields are copied as they are.
    /// </summary>
    public static Task<LibraryCopyResult> CopyAsync(
        Stream input,
        DataFormat inputFormat,
        InputEncoding encoding,
        IReadOnlyList<string> approvedFields,
        IReadOnlyList<string> header,
        Func<string?[], string?[]>? project,
        Stream output,
        CancellationToken cancellationToken = default)
        => CopyAsync(input, inputFormat, encoding, approvedFields, header, project is null ? null : new LibraryProjection(() => project), output, cancellationToken);

    /// <summary>
    /// As above, with the projection made by <paramref name="projection"/>: blocks of rows are projected side by side, each
    /// worker with its own projector, and written in input order (issue 18.3); the output is the same whatever the
    /// parallelism.
    /// </summary>
    public static async Task<LibraryCopyResult> CopyAsync(
        Stream input,
        DataFormat inputFormat,
        InputEncoding encoding,
        IReadOnlyList<string> approvedFields,
        IReadOnlyList<string> header,
        LibraryProjection? projection,
        Stream output,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(approvedFields);
        ArgumentNullException.ThrowIfNull(output);
        if (approvedFields.Count == 0)
        {
            throw new ArgumentException("At least one approved field is required.", nameof(approvedFields));
        }

        ArgumentNullException.ThrowIfNull(header);
        await using var hashing = new HashingWriteStream(output);
        using var source = await DecodingCharSource.OpenAsync(input, encoding, cancellationToken).ConfigureAwait(false);
        var writer = new ProjectingWriter(new CsvRecordWriter(hashing, header, utf8Bom: false), projection, approvedFields.Count, cancellationToken);
        var (rows, malformed) = inputFormat == DataFormat.Csv
            ? await CopyCsvAsync(source, approvedFields, writer, cancellationToken).ConfigureAwait(false)
            : await CopyJsonLinesAsync(source, approvedFields, writer, cancellationToken).ConfigureAwait(false);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new LibraryCopyResult(hashing.Sha256Hex(), hashing.BytesWritten, rows, malformed);
    }

    private static async Task<(long Rows, long Malformed)> CopyCsvAsync(DecodingCharSource source, IReadOnlyList<string> fields, ProjectingWriter writer, CancellationToken cancellationToken)
    {
        var reader = new CsvRecordReader(source, MaxRecordLength);
        var outcome = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (outcome == RecordOutcome.End)
        {
            throw new MaskingInputException(MaskingFailureCodes.EmptyInput, "The file has no header row.");
        }

        if (outcome == RecordOutcome.Malformed)
        {
            throw new MaskingInputException(MaskingFailureCodes.HeaderMismatch, $"The header row (line {reader.RecordLine}) cannot be read: {reader.MalformedReason}.");
        }

        var wanted = fields.Select((name, index) => (name, index)).ToDictionary(f => f.name.Trim(), f => f.index, StringComparer.OrdinalIgnoreCase);
        var header = reader.Values.ToArray().Select(name => name?.Trim() ?? "").ToArray();
        // For each column of the file, the output position of the field it holds, or -1 for a column that is not copied.
        var map = header.Select(name => wanted.TryGetValue(name, out var index) ? index : -1).ToArray();
        reader.ExpectedFieldCount = header.Length;
        reader.CaptureOnly(map.Select(index => index >= 0).ToArray());

        var row = new CellValue[fields.Count];
        long rows = 0, malformed = 0;
        while ((outcome = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) != RecordOutcome.End)
        {
            if (outcome == RecordOutcome.Malformed)
            {
                malformed++;
                continue;
            }

            Array.Fill(row, CellValue.Null);
            var values = reader.Values;
            for (var column = 0; column < map.Length; column++)
            {
                if (map[column] >= 0)
                {
                    row[map[column]] = CellValue.String(values[column]);
                }
            }

            writer.Write(row);
            rows++;
            await writer.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }

        return (rows, malformed);
    }

    private static async Task<(long Rows, long Malformed)> CopyJsonLinesAsync(DecodingCharSource source, IReadOnlyList<string> fields, ProjectingWriter writer, CancellationToken cancellationToken)
    {
        var reader = new JsonLinesRecordReader(source, fields, MaxRecordLength, maxDroppedNames: 0);
        long rows = 0, malformed = 0;
        RecordOutcome outcome;
        while ((outcome = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) != RecordOutcome.End)
        {
            if (outcome == RecordOutcome.Malformed)
            {
                malformed++;
                continue;
            }

            writer.Write(reader.Values);
            rows++;
            await writer.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }

        return (rows, malformed);
    }

    /// <summary>
    /// Writes each record as read, or the row the projection makes of its values: on this thread when the projection's
    /// parallelism is 1, else in blocks projected side by side and written in input order.
    /// </summary>
    private sealed class ProjectingWriter
    {
        private readonly CsvRecordWriter inner;
        private readonly LibraryProjection? projection;
        private readonly Func<string?[], string?[]>[] projectors;
        private readonly string?[] texts;
        private readonly CancellationToken cancellationToken;
        private readonly Queue<Task<string?[][]>> inFlight = new();
        private List<string?[]>? block;
        private long blocksDispatched;

        public ProjectingWriter(CsvRecordWriter inner, LibraryProjection? projection, int width, CancellationToken cancellationToken)
        {
            this.inner = inner;
            this.projection = projection;
            this.cancellationToken = cancellationToken;
            texts = new string?[width];
            projectors = projection is null ? [] : Enumerable.Range(0, projection.Parallelism).Select(_ => projection.Create()).ToArray();
        }

        public void Write(ReadOnlySpan<CellValue> row)
        {
            if (projection is null)
            {
                inner.Write(row);
                return;
            }

            if (projectors.Length == 1)
            {
                for (var i = 0; i < texts.Length; i++)
                {
                    texts[i] = row[i].Text;
                }

                WriteProjected(projectors[0](texts));
                return;
            }

            var values = new string?[texts.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = row[i].Text;
            }

            (block ??= new List<string?[]>(projection.BlockRows)).Add(values);
        }

        public async ValueTask FlushIfFullAsync(CancellationToken token)
        {
            if (block is { Count: var count } && count >= projection!.BlockRows)
            {
                await DispatchAsync().ConfigureAwait(false);
            }

            await inner.FlushIfFullAsync(token).ConfigureAwait(false);
        }

        public async ValueTask FlushAsync(CancellationToken token)
        {
            if (block is { Count: > 0 })
            {
                await DispatchAsync().ConfigureAwait(false);
            }

            while (inFlight.Count > 0)
            {
                await WriteOldestAsync().ConfigureAwait(false);
            }

            await inner.FlushAsync(token).ConfigureAwait(false);
        }

        private async Task DispatchAsync()
        {
            if (inFlight.Count == projectors.Length)
            {
                await WriteOldestAsync().ConfigureAwait(false);
            }

            // Round robin: the block that used this projector before is at least as many blocks older, so it is written.
            var project = projectors[blocksDispatched++ % projectors.Length];
            var rows = block!;
            block = null;
            inFlight.Enqueue(Task.Run(() => rows.Select(values => project(values)).ToArray(), cancellationToken));
        }

        private async Task WriteOldestAsync()
        {
            foreach (var projected in await inFlight.Dequeue().ConfigureAwait(false))
            {
                WriteProjected(projected);
                await inner.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private void WriteProjected(string?[] projected)
        {
            projection!.Observe?.Invoke(projected);
            inner.Write(projected.Select(CellValue.String).ToArray());
        }
    }

    /// <summary>Passes writes through to the library blob while hashing and counting them; leaves the inner stream open.</summary>
    private sealed class HashingWriteStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public long BytesWritten { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => BytesWritten;

        public override long Position
        {
            get => BytesWritten;
            set => throw new NotSupportedException();
        }

        public string Sha256Hex() => Convert.ToHexStringLower(_hash.GetCurrentHash());

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            BytesWritten += buffer.Length;
            inner.Write(buffer);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _hash.AppendData(buffer.Span);
            BytesWritten += buffer.Length;
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>
/// How the library copier makes each output row (issue 14 item 0, issue 18.3). <paramref name="Create"/> makes one
/// projector per worker (keyed-hash state is not shared between threads); <paramref name="Observe"/> sees every output row
/// in input order, on one thread.
/// </summary>
public sealed record LibraryProjection(Func<Func<string?[], string?[]>> Create, Action<string?[]>? Observe = null, int Parallelism = 1, int BlockRows = 2048);
