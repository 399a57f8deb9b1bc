using Platform.Domain.Catalog;
using Platform.Domain.Identifiers;

namespace Platform.Domain.Masking;

/// <summary>
/// Streams a CSV or JSON Lines file through the per-field masking rules (M4.4) into a masked file of
/// the declared fields, with bounded memory whatever the file size, and reports what it did.
/// </summary>
public static class MaskingEngine
{
    /// <summary>
    /// Reads <paramref name="input"/>, writes the masked (and sampled) rows to <paramref name="output"/> and returns
    /// the report. Columns that are not declared fields are dropped. A malformed row is counted, listed with its
    /// line number and skipped. Only the declared fields are written, in declared order.
    /// </summary>
    /// <param name="rowsProcessed">Receives the number of data records read so far, every <see cref="MaskingOptions.ProgressInterval"/> rows and at the end.</param>
    /// <exception cref="MaskingInputException">
    /// The file as a whole is unusable (empty, binary, UTF-16, header naming no declared field, no readable row).
    /// Part of the output may have been written: discard it.
    /// </exception>
    /// <exception cref="ArgumentException">Blank or repeated field names, or a pseudonymised field without a key.</exception>
    public static async Task<MaskingReport> RunAsync(
        Stream input,
        DataFormat inputFormat,
        IReadOnlyList<FieldDefinition> fields,
        MaskingOptions options,
        Stream output,
        IProgress<long>? rowsProcessed = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        options.Validate();
        CheckNames(fields);

        using var run = new MaskingRun(inputFormat, fields, options, output, rowsProcessed, cancellationToken);
        using var source = await DecodingCharSource.OpenAsync(input, options.Encoding, cancellationToken).ConfigureAwait(false);
        return await run.ExecuteAsync(source).ConfigureAwait(false);
    }

    private static void CheckNames(IReadOnlyList<FieldDefinition> fields)
    {
        if (fields.Count == 0)
        {
            throw new ArgumentException("At least one field is required.", nameof(fields));
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in fields)
        {
            ArgumentNullException.ThrowIfNull(field, nameof(fields));
            if (string.IsNullOrWhiteSpace(field.Name) || !names.Add(field.Name.Trim()))
            {
                throw new ArgumentException($"Field names must be non-blank and unique ignoring case: '{field.Name}'.", nameof(fields));
            }
        }
    }

    /// <summary>The state of one run.</summary>
    private sealed class MaskingRun : IDisposable
    {
        private const int CancellationCheckInterval = 256;

        private readonly DataFormat inputFormat;
        private readonly DataFormat outputFormat;
        private readonly IReadOnlyList<FieldDefinition> fields;
        private readonly MaskingOptions options;
        private readonly Stream output;
        private readonly IProgress<long>? progress;
        private readonly CancellationToken cancellationToken;

        private readonly FieldMasker[] maskers;

        // Issue 18.3: rows are scanned, masked and encoded in blocks; with Parallelism > 1 blocks run side by side, each by
        // its own set of maskers (their pseudonym memos are not shared), and are written in input order.
        private readonly FieldMasker[][] maskerSets;
        private readonly Queue<Task<Block>> inFlight = new();
        private readonly Stack<Block> freeBlocks = new();
        private Block? block;
        private long blocksDispatched;
        private readonly int[] scannedFields;
        private readonly IdentifierKinds[] suspectableKinds;
        private readonly long[] suspectCounts;
        private readonly IdentifierKinds[] suspectKinds;
        private readonly EquivalenceClassCounter? classes;
        private readonly SeededRandom random;
        private readonly CellValue[] masked;
        private readonly List<MalformedRow> malformedRows = [];

        private readonly CellValue[][] reservoir;
        private readonly long[] reservoirIndexes;
        private int reservoirCount;

        private RecordWriter? writer;
        private long rowsIn;
        private long validRows;
        private long rowsOut;
        private long malformedCount;
        private IReadOnlyList<string> droppedColumns = [];
        private IReadOnlyList<string> missingColumns = [];

        public MaskingRun(
            DataFormat inputFormat,
            IReadOnlyList<FieldDefinition> fields,
            MaskingOptions options,
            Stream output,
            IProgress<long>? progress,
            CancellationToken cancellationToken)
        {
            this.inputFormat = inputFormat;
            outputFormat = options.OutputFormat ?? inputFormat;
            this.fields = fields;
            this.options = options;
            this.output = output;
            this.progress = progress;
            this.cancellationToken = cancellationToken;

            maskerSets = new FieldMasker[options.Parallelism][];
            maskers = maskerSets[0] = new FieldMasker[fields.Count];
            try
            {
                for (var set = 0; set < maskerSets.Length; set++)
                {
                    maskerSets[set] ??= new FieldMasker[fields.Count];
                    for (var i = 0; i < fields.Count; i++)
                    {
                        maskerSets[set][i] = new FieldMasker(fields[i], options.Purpose, options.Key);
                    }
                }
            }
            catch
            {
                Dispose();
                throw;
            }

            // Fields declared as identifiers are masked by their kind; the scan looks for identifiers where none was declared.
            scannedFields = Enumerable.Range(0, fields.Count).Where(i => fields[i].IdentifierKind is null).ToArray();
            suspectableKinds = fields
                .Select(field => field.Type is FieldType.Date or FieldType.DateTime
                    ? ~IdentifierKinds.BirthDate // a date column holds dates; declare birth-date to have them generalised
                    : ~IdentifierKinds.None)
                .ToArray();
            suspectCounts = new long[fields.Count];
            suspectKinds = new IdentifierKinds[fields.Count];

            var quasiIdentifiers = Enumerable.Range(0, fields.Count).Where(i => fields[i].IsQuasiIdentifier).ToArray();
            classes = quasiIdentifiers.Length == 0 ? null : new EquivalenceClassCounter(quasiIdentifiers, options.MaxEquivalenceClasses);

            random = new SeededRandom(options.Seed);
            masked = new CellValue[fields.Count];
            var reservoirSize = options.Sampling.Mode == SamplingMode.RowCount ? options.Sampling.RowCount : 0;
            reservoir = new CellValue[reservoirSize][];
            reservoirIndexes = new long[reservoirSize];
        }

        public async Task<MaskingReport> ExecuteAsync(DecodingCharSource source)
        {
            var columnNames = fields.Select(field => field.Name).ToArray();
            try
            {
                if (inputFormat == DataFormat.Csv)
                {
                    await ReadCsvAsync(source, columnNames).ConfigureAwait(false);
                }
                else
                {
                    await ReadJsonLinesAsync(source, columnNames).ConfigureAwait(false);
                }

                await DispatchAsync(force: true).ConfigureAwait(false);
                while (inFlight.Count > 0)
                {
                    await WriteOldestAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                // A failed run still waits for the blocks being masked before its maskers are disposed.
                foreach (var pending in inFlight)
                {
                    await ((Task)pending).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
                }
            }

            await EmitReservoirAsync().ConfigureAwait(false);
            await Writer(columnNames).FlushAsync(cancellationToken).ConfigureAwait(false);
            progress?.Report(rowsIn);

            if (rowsIn > 0 && validRows == 0)
            {
                var first = string.Join("; ", malformedRows.Take(3).Select(row => $"line {row.Line}: {row.Reason}"));
                throw new MaskingInputException(
                    MaskingFailureCodes.NoValidRows,
                    $"None of the {rowsIn} rows could be read, so this is not a usable {inputFormat.ToWire()} file ({first}).");
            }

            return BuildReport(source.EncodingName);
        }

        public void Dispose()
        {
            foreach (var set in maskerSets)
            {
                foreach (var masker in set ?? [])
                {
                    masker?.Dispose();
                }
            }
        }

        private RecordWriter Writer(string[] columnNames) =>
            writer ??= RecordWriter.Create(outputFormat, output, columnNames, options.CsvUtf8Bom);

        private async Task ReadCsvAsync(DecodingCharSource source, string[] columnNames)
        {
            var reader = new CsvRecordReader(source, options.MaxRecordLength);
            var outcome = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (outcome == RecordOutcome.End)
            {
                throw new MaskingInputException(MaskingFailureCodes.EmptyInput, "The file has no header row.");
            }

            if (outcome == RecordOutcome.Malformed)
            {
                throw new MaskingInputException(
                    MaskingFailureCodes.HeaderMismatch,
                    $"The header row (line {reader.RecordLine}) cannot be read: {reader.MalformedReason}.");
            }

            var header = reader.Values.ToArray().Select(name => name!.Trim()).ToArray();
            var map = MapHeader(header, columnNames);
            reader.ExpectedFieldCount = header.Length;
            reader.CaptureOnly(map.Select(index => index >= 0).ToArray());
            var writer = Writer(columnNames);

            var row = new CellValue[fields.Count];
            while ((outcome = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) != RecordOutcome.End)
            {
                CountRow();
                if (outcome == RecordOutcome.Malformed)
                {
                    AddMalformed(reader.RecordLine, reader.MalformedReason!);
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

                Process(row);
                await writer.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
                await DispatchAsync(force: false).ConfigureAwait(false);
            }
        }

        /// <summary>For each header column, the index of the declared field it holds, or -1.</summary>
        private int[] MapHeader(string[] header, string[] columnNames)
        {
            var declared = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < columnNames.Length; i++)
            {
                declared[columnNames[i].Trim()] = i;
            }

            var map = new int[header.Length];
            var found = new bool[columnNames.Length];
            var dropped = new List<string>();
            for (var column = 0; column < header.Length; column++)
            {
                if (!declared.TryGetValue(header[column], out var index))
                {
                    map[column] = -1;
                    dropped.Add(header[column].Length == 0 ? $"(column {column + 1})" : header[column]);
                    continue;
                }

                if (found[index])
                {
                    throw new MaskingInputException(
                        MaskingFailureCodes.DuplicateColumn,
                        $"The header names field '{columnNames[index]}' twice (columns are matched ignoring case).");
                }

                found[index] = true;
                map[column] = index;
            }

            if (!found.Contains(true))
            {
                var hint = header.Length == 1 && header[0].AsSpan().IndexOfAny(";\t|") >= 0
                    ? " The header is a single column containing ';', tab or '|': only comma-separated files are read."
                    : string.Empty;
                throw new MaskingInputException(
                    MaskingFailureCodes.HeaderMismatch,
                    $"The header names none of the declared fields. Header: {Sample(header)}. Declared: {Sample(columnNames)}.{hint}");
            }

            droppedColumns = dropped;
            missingColumns = columnNames.Where((_, index) => !found[index]).ToArray();
            return map;
        }

        private async Task ReadJsonLinesAsync(DecodingCharSource source, string[] columnNames)
        {
            var reader = new JsonLinesRecordReader(source, columnNames, options.MaxRecordLength, maxDroppedNames: 100);
            var writer = Writer(columnNames);
            var anyDeclared = false;
            RecordOutcome outcome;
            while ((outcome = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) != RecordOutcome.End)
            {
                CountRow();
                if (outcome == RecordOutcome.Malformed)
                {
                    AddMalformed(reader.RecordLine, reader.MalformedReason!);
                    continue;
                }

                anyDeclared |= reader.MatchedColumns > 0;
                Process(reader.Values);
                await writer.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
                await DispatchAsync(force: false).ConfigureAwait(false);
            }

            droppedColumns = reader.DroppedNames.Order(StringComparer.Ordinal).ToArray();
            if (validRows > 0 && !anyDeclared)
            {
                throw new MaskingInputException(
                    MaskingFailureCodes.HeaderMismatch,
                    $"No object has a property named as a declared field. Properties: {Sample(droppedColumns)}. Declared: {Sample(columnNames)}.");
            }
        }

        private void CountRow()
        {
            rowsIn++;
            if (rowsIn % options.ProgressInterval == 0)
            {
                progress?.Report(rowsIn);
            }

            if (rowsIn % CancellationCheckInterval == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        private void AddMalformed(long line, string reason)
        {
            malformedCount++;
            if (malformedRows.Count < options.MaxMalformedRowsListed)
            {
                malformedRows.Add(new MalformedRow(line, reason));
            }
        }

        /// <summary>
        /// Adds a valid row to the current block. The sampling decision is taken here, in input order with the same random
        /// draws whatever <see cref="MaskingOptions.Parallelism"/>; scanning, masking and encoding happen per block
        /// (<see cref="MaskBlock"/>), on this thread or, with Parallelism above 1, in the block's task.
        /// </summary>
        private void Process(CellValue[] row)
        {
            var index = validRows++;
            var emit = options.Sampling.Mode switch
            {
                SamplingMode.None => true,
                SamplingMode.Fraction => random.NextDouble() < options.Sampling.Fraction,
                _ => false,
            };
            if (options.Sampling.Mode == SamplingMode.RowCount)
            {
                Offer(row, index);
            }

            block ??= freeBlocks.Count > 0 ? freeBlocks.Pop() : NewBlock();
            var n = block.Count++;
            var copy = block.Rows[n] is { } reused && reused.Length == row.Length ? reused : (block.Rows[n] = new CellValue[row.Length]);
            row.CopyTo(copy, 0);
            block.Emit[n] = emit;
        }

        private Block NewBlock() =>
            new(options.BlockRows, fields.Count, RecordWriter.CreateFragment(outputFormat, fields.Select(field => field.Name).ToArray()));

        /// <summary>Reservoir sampling (Vitter's algorithm R): after n rows each is in the reservoir with probability size/n.</summary>
        private void Offer(CellValue[] row, long index)
        {
            if (reservoirCount < reservoir.Length)
            {
                reservoir[reservoirCount] = (CellValue[])row.Clone();
                reservoirIndexes[reservoirCount++] = index;
                return;
            }

            var slot = random.NextBelow((ulong)index + 1);
            if (slot < (ulong)reservoir.Length)
            {
                reservoir[slot] = (CellValue[])row.Clone();
                reservoirIndexes[slot] = index;
            }
        }

        private async Task EmitReservoirAsync()
        {
            if (reservoirCount == 0)
            {
                return;
            }

            // Output keeps input order, so a sample reads like the file it comes from.
            var order = Enumerable.Range(0, reservoirCount).OrderBy(slot => reservoirIndexes[slot]).ToArray();
            var writer = Writer(fields.Select(field => field.Name).ToArray());
            foreach (var slot in order)
            {
                Emit(reservoir[slot]);
                await writer.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private void Emit(CellValue[] row)
        {
            for (var i = 0; i < row.Length; i++)
            {
                masked[i] = maskers[i].Apply(row[i]);
            }

            writer!.Write(masked);
            classes?.Add(masked);
            rowsOut++;
        }

        /// <summary>
        /// Masks a full block (or, at the end, the last one): on this thread, written at once, when Parallelism is 1; otherwise
        /// in a task, first writing the oldest block when as many are in flight as allowed.
        /// </summary>
        private async Task DispatchAsync(bool force)
        {
            if (block is null || block.Count == 0 || (block.Count < block.Rows.Length && !force))
            {
                return;
            }

            var full = block;
            block = null;
            if (maskerSets.Length == 1)
            {
                inFlight.Enqueue(Task.FromResult(MaskBlock(full, maskers)));
                await WriteOldestAsync().ConfigureAwait(false);
                return;
            }

            if (inFlight.Count == maskerSets.Length)
            {
                await WriteOldestAsync().ConfigureAwait(false);
            }

            // Round robin: the block that used this set before is at least Parallelism blocks older, so it has been written.
            var set = maskerSets[blocksDispatched++ % maskerSets.Length];
            inFlight.Enqueue(Task.Run(() => MaskBlock(full, set), cancellationToken));
        }

        /// <summary>
        /// Scans every row of the block for undeclared identifiers, masks the rows to be written column by column (so that
        /// pseudonyms are hashed eight at a time), encodes them in the output format and hashes their quasi-identifiers.
        /// Touches only the block and its set of maskers, so blocks run side by side.
        /// </summary>
        private Block MaskBlock(Block full, FieldMasker[] set)
        {
            Array.Clear(full.SuspectCounts);
            Array.Clear(full.SuspectKinds);
            for (var r = 0; r < full.Count; r++)
            {
                ScanForIdentifiers(full.Rows[r], full.SuspectCounts, full.SuspectKinds);
            }

            for (var i = 0; i < set.Length; i++)
            {
                set[i].ApplyToColumn(full.Rows, full.Count, full.Emit, i);
            }

            for (var r = 0; r < full.Count; r++)
            {
                if (full.Emit[r])
                {
                    full.Encoded.Write(full.Rows[r]);
                    if (classes is not null)
                    {
                        full.ClassHashes[r] = classes.HashOf(full.Rows[r]);
                    }
                }
            }

            return full;
        }

        /// <summary>Writes the oldest block in flight (in input order) and counts it into the report; its arrays are then reused.</summary>
        private async Task WriteOldestAsync()
        {
            var done = await inFlight.Dequeue().ConfigureAwait(false);
            for (var i = 0; i < fields.Count; i++)
            {
                suspectCounts[i] += done.SuspectCounts[i];
                suspectKinds[i] |= done.SuspectKinds[i];
            }

            for (var r = 0; r < done.Count; r++)
            {
                if (done.Emit[r])
                {
                    classes?.Add(done.ClassHashes[r]);
                    rowsOut++;
                }

                // The row arrays are reused; their strings must not outlive the block (nor be promoted by the GC with it).
                Array.Clear(done.Rows[r]);
            }

            writer!.WriteEncoded(done.Encoded);
            done.Encoded.Clear();
            done.Count = 0;
            freeBlocks.Push(done);
            await writer.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }

        private void ScanForIdentifiers(CellValue[] row, long[] counts, IdentifierKinds[] kindsFound)
        {
            foreach (var i in scannedFields)
            {
                var cell = row[i];
                if (cell.Kind is CellKind.Null or CellKind.Boolean || string.IsNullOrEmpty(cell.Text))
                {
                    continue;
                }

                var kinds = IdentifierRecognizer.Recognize(cell.Text, options.Today) & suspectableKinds[i];
                if (kinds != IdentifierKinds.None)
                {
                    counts[i]++;
                    kindsFound[i] |= kinds;
                }
            }
        }

        private MaskingReport BuildReport(string encoding)
        {
            var pseudonymised = maskers.Any(masker => masker.Rule.Technique == MaskingTechnique.Pseudonymise);
            return new MaskingReport
            {
                InputFormat = inputFormat,
                OutputFormat = outputFormat,
                Encoding = encoding,
                Purpose = options.Purpose,
                Sampling = options.Sampling,
                Seed = options.Seed,
                KeyFingerprint = pseudonymised ? options.Key!.Fingerprint : null,
                RowsIn = rowsIn,
                ValidRows = validRows,
                RowsOut = rowsOut,
                MalformedRowCount = malformedCount,
                MalformedRows = malformedRows,
                Fields = maskers
                    .Select(masker => new FieldRuleReport(masker.Field.Name, masker.Rule.Technique, masker.Rule.Name, masker.Rule.Description))
                    .ToArray(),
                SuspectedIdentifiers = scannedFields
                    .Where(i => suspectCounts[i] > 0)
                    .Select(i => new SuspectedIdentifierReport(fields[i].Name, suspectCounts[i], IdentifierKindNames.ToWireNames(suspectKinds[i])))
                    .ToArray(),
                KAnonymity = classes?.Report(fields.Where(field => field.IsQuasiIdentifier).Select(field => field.Name).ToArray()),
                DroppedColumns = droppedColumns,
                MissingColumns = missingColumns,
            };
        }

        /// <summary>A block of rows read in order, each marked whether it is written; masked in place and encoded by its task.</summary>
        private sealed class Block(int capacity, int fieldCount, RecordWriter encoded)
        {
            public CellValue[][] Rows { get; } = new CellValue[capacity][];

            public bool[] Emit { get; } = new bool[capacity];

            public int Count { get; set; }

            /// <summary>The written rows in the output format, without header.</summary>
            public RecordWriter Encoded { get; } = encoded;

            /// <summary>Per written row, the hash of its masked quasi-identifiers (k-anonymity), counted in input order.</summary>
            public ulong[] ClassHashes { get; } = new ulong[capacity];

            public long[] SuspectCounts { get; } = new long[fieldCount];

            public IdentifierKinds[] SuspectKinds { get; } = new IdentifierKinds[fieldCount];
        }

        private static string Sample(IReadOnlyList<string> names) =>
            names.Count == 0 ? "(none)" : string.Join(", ", names.Take(20)) + (names.Count > 20 ? $", … ({names.Count} in all)" : string.Empty);
    }
}
