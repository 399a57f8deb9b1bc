using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Platform.Adapters.Grants;
using Platform.Domain.Catalog;
using Platform.Domain.Grants;
using Platform.Domain.Sandbox;

namespace Platform.Adapters.Sandbox;

/// <summary>
/// Runs one user SQL statement over an in-memory DuckDB database that holds only the granted fields of the
/// grant's tables (M4.4 "data usable but not visible", M5.1). Each job gets a fresh database that is
/// discarded afterwards.
/// </summary>
/// <remarks>
/// Two layers keep the statement inside the grant. The lockdown (after loading, before the user's SQL):
/// memory limit, thread count, no spilling to disk, no extension auto-install/auto-load, no external access
/// (files, network, extensions), configuration locked. The statement gate (<see cref="StatementGate"/>): the
/// engine's own parser must see exactly one SELECT, with no file-reading table function, replacement scan or
/// engine-state function anywhere in it. The lockdown alone would still allow CREATE, DROP, some PRAGMAs and
/// <c>ATTACH ':memory:'</c>; the gate alone would miss what it cannot name. Time is enforced by interrupting the
/// running statement (the engine ignores command timeouts); rows by reading at most the cap plus one.
/// </remarks>
public sealed class SandboxEngine : ISandboxEngine
{
    private const string StagingTable = "__sandbox_staging";

    /// <summary>The engine writes a parse tree back as SQL.</summary>
    private const string DeserializeSql = "SELECT json_deserialize_sql(CAST($1 AS JSON))";

    // Error kinds whose messages speak of the statement and the schema only; others (conversion errors, error())
    // can quote data values and are not shown for full-mode jobs.
    private static readonly string[] SchemaOnlyErrorKinds = ["Parser Error", "Binder Error", "Catalog Error", "Not implemented Error", "Syntax Error"];

    /// <summary>Below this, a Parquet copy is read whole: one request beats the footer and chunk requests of a ranged read.</summary>
    public const long DefaultRangedReadMinBytes = 4 * 1024 * 1024;

    private readonly string stagingDirectory;
    private readonly long rangedReadMinBytes;

    /// <param name="stagingDirectory">
    /// Where a table's copy is staged for the engine to read (deleted when the job ends, or right after loading when it is
    /// copied into the job's database); the system temp directory by default.
    /// </param>
    /// <param name="rangedReadMinBytes">The size from which a Parquet copy is read by column chunks (issue 18).</param>
    public SandboxEngine(string? stagingDirectory = null, long rangedReadMinBytes = DefaultRangedReadMinBytes)
    {
        this.stagingDirectory = stagingDirectory ?? Path.GetTempPath();
        this.rangedReadMinBytes = rangedReadMinBytes;
    }

    public async Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken)
    {
        Validate(request);
        var mode = request.Mode;
        var limits = request.Limits;
        var notes = new List<string>();

        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync(cancellationToken);
        Execute(connection, $"SET threads = {limits.MaxThreads}");
        Execute(connection, $"SET memory_limit = '{limits.MemoryLimitMb}MiB'");
        // An empty temp directory keeps the memory limit hard: nothing is offloaded to disk.
        Execute(connection, "SET temp_directory = ''");
        Execute(connection, "SET TimeZone = 'UTC'");
        Execute(connection, "SET autoinstall_known_extensions = false");
        Execute(connection, "SET autoload_known_extensions = false");
        Execute(connection, "SET allow_community_extensions = false");

        // The statement is judged before any data is loaded: parsing needs no data, a refused statement costs no load, and a
        // full job then loads only the columns its rewritten statement can read (issue 18).
        var watch = Stopwatch.StartNew();
        var gate = StatementGate.PreCheck(request.Sql);
        if (gate.Allowed)
        {
            try
            {
                gate = StatementGate.Evaluate(SerializeSql(connection, request.Sql));
            }
            catch (DuckDBException e)
            {
                gate = StatementGateResult.Refuse($"The SQL could not be parsed: {FirstLine(e.Message)}");
            }
        }

        if (!gate.Allowed)
        {
            return SandboxResult.Unreleased(mode, SandboxStatus.Refused, gate.Code, gate.Detail!, watch.Elapsed, TimeSpan.Zero, notes);
        }

        ReleasePlan? plan = null;
        var analysed = Stopwatch.StartNew();
        if (mode == SandboxMode.Full)
        {
            var analysis = ReleaseAnalysis.Analyse(gate.Ast!, request.Tables, request.Policy.DominanceContributors);
            if (analysis.Plan is null)
            {
                var refused = DisclosureControl.Refused(analysis.Refusals, request.Policy);
                return SandboxResult.Unreleased(mode, SandboxStatus.Withheld, SandboxCodes.OutputWithheld, WithheldDetail(refused), watch.Elapsed, TimeSpan.Zero, notes, refused)
                    with { CheckElapsed = analysed.Elapsed };
            }

            plan = analysis.Plan;
            if (ReleaseNoise.Refusals(plan, request.Policy) is { Count: > 0 } uncalibrated)
            {
                var refused = DisclosureControl.Refused(uncalibrated, request.Policy);
                return SandboxResult.Unreleased(mode, SandboxStatus.Withheld, SandboxCodes.OutputWithheld, WithheldDetail(refused), watch.Elapsed, TimeSpan.Zero, notes, refused)
                    with { CheckElapsed = analysed.Elapsed };
            }
        }

        analysed.Stop();
        watch.Stop();

        // The engine writes back the statements the analysis checked (what runs is what was judged) on a second connection
        // while the tables load on this one: writing back reads no data, and the load leaves a core idle.
        var writtenBack = plan?.CheapStatement is not null ? WriteBackAsync(connection, plan) : null;
        var staged = new List<string>();
        try
        {
            var loadWatch = Stopwatch.StartNew();
            foreach (var table in request.Tables)
            {
                try
                {
                    await LoadTableAsync(connection, table, plan?.FieldsRead(table.Name), staged, notes, cancellationToken);
                }
                catch (DuckDBException e) when (IsOutOfMemory(e))
                {
                    return SandboxResult.Unreleased(mode, SandboxStatus.Failed, SandboxCodes.MemoryLimitExceeded, $"Loading table '{table.Name}' needed more than the memory limit of {limits.MemoryLimitMb} MiB.", TimeSpan.Zero, loadWatch.Elapsed, notes);
                }
                catch (Exception e) when (e is DuckDBException or SandboxLoadException or IOException or InvalidDataException)
                {
                    return SandboxResult.Unreleased(mode, SandboxStatus.Failed, SandboxCodes.LoadFailed, LoadErrorDetail(table, e, mode), TimeSpan.Zero, loadWatch.Elapsed, notes);
                }
            }

            var loadElapsed = loadWatch.Elapsed;
            LockDown(connection, staged);
            watch.Start();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(limits.Timeout);
            try
            {
                return plan is null
                    ? await RunSampleAsync(connection, request, watch, loadElapsed, notes, timeout.Token)
                    : await RunFullAsync(connection, request, plan, writtenBack, analysed.Elapsed, watch, loadElapsed, notes, timeout.Token);
            }
            catch (Exception e) when (IsInterruption(e) && !cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
            {
                return FailedOnData(mode, SandboxCodes.TimedOut, $"The query ran longer than the limit of {limits.Timeout.TotalSeconds:0.###} s and was stopped.", watch.Elapsed, loadElapsed, notes);
            }
            catch (Exception e) when (IsInterruption(e) && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The sandbox job was cancelled.", e, cancellationToken);
            }
            catch (DuckDBException e)
            {
                var message = FirstLine(e.Message);
                if (IsOutOfMemory(e))
                {
                    return FailedOnData(mode, SandboxCodes.MemoryLimitExceeded, $"The query needed more than the memory limit of {limits.MemoryLimitMb} MiB.", watch.Elapsed, loadElapsed, notes);
                }

                if (message.StartsWith("Permission Error", StringComparison.Ordinal))
                {
                    return SandboxResult.Unreleased(mode, SandboxStatus.Refused, SandboxCodes.StatementRefused, message, watch.Elapsed, loadElapsed, notes);
                }

                if (mode == SandboxMode.Full && !IsSchemaOnly(e.Message))
                {
                    return FailedOnData(mode, SandboxCodes.QueryFailed, FirstParagraph(e.Message), watch.Elapsed, loadElapsed, notes);
                }

                return SandboxResult.Unreleased(mode, SandboxStatus.Failed, SandboxCodes.QueryFailed, QueryErrorDetail(e.Message, mode), watch.Elapsed, loadElapsed, notes);
            }
        }
        finally
        {
            if (writtenBack is not null)
            {
                // A job that ends before it runs (a failed load) still lets the writing back end before the database goes.
                await writtenBack.ContinueWith(written => written.Exception, TaskScheduler.Default);
            }

            // The files the job's views read go with the job; the engine lets go of them first.
            await connection.CloseAsync();
            foreach (var file in staged)
            {
                File.Delete(file);
            }
        }
    }

    private static async Task<SandboxResult> RunSampleAsync(
        DuckDBConnection connection,
        SandboxRequest request,
        Stopwatch watch,
        TimeSpan loadElapsed,
        List<string> notes,
        CancellationToken token)
    {
        var maxRows = request.Limits.MaxResultRows;
        var (columns, rows, truncated) = await Task.Run(
            async () =>
            {
                await using var command = Command(connection, request.Sql);
                await using var _ = token.Register(command.Cancel);
                await using var reader = await command.ExecuteReaderAsync(token);
                var shape = Shape(reader, reader.FieldCount);
                var read = new List<IReadOnlyList<string?>>();
                var cut = false;
                while (await reader.ReadAsync(token))
                {
                    if (read.Count == maxRows)
                    {
                        cut = true;
                        break;
                    }

                    read.Add(ReadRow(reader, shape.Utc));
                }

                return (shape.Columns, read, cut);
            },
            CancellationToken.None);

        return new SandboxResult(request.Mode, SandboxStatus.Released, null, null, columns, rows, truncated, null, ResultCsv.Hash(columns, rows), watch.Elapsed, loadElapsed, notes);
    }

    private static async Task<SandboxResult> RunFullAsync(
        DuckDBConnection connection,
        SandboxRequest request,
        ReleasePlan plan,
        Task<WrittenBack>? writtenBack,
        TimeSpan analysisElapsed,
        Stopwatch watch,
        TimeSpan loadElapsed,
        List<string> notes,
        CancellationToken token)
    {
        var checks = Stopwatch.StartNew();

        // The tail statement runs on a second connection to the same database, started first: it reads a few rows beside the
        // run of the first pass, instead of adding its own round trip before it.
        var tailRead = writtenBack is not null && plan.SubjectTail is { } tailPlan ? ReadTailAsync(connection, tailPlan, writtenBack, token) : null;

        // The first pass as written back during the load, the platform's companion aggregates appended. The exact statement is
        // written back only when the first pass does not decide.
        string? cheap;
        try
        {
            cheap = writtenBack is null ? null : (await writtenBack).Cheap;
        }
        catch when (tailRead is not null)
        {
            await tailRead.ContinueWith(read => read.Exception, TaskScheduler.Default);
            throw;
        }

        checks.Stop();
        var maxRows = request.Limits.MaxResultRows;
        var (columns, rows, controlElapsed, control) = await Task.Run(
            async () =>
            {
                var controlWatch = new Stopwatch();
                Dictionary<string, Dictionary<int, TailCount>>? tailRows = null;

                // Issue 14, Measure: first the statement whose subject companions count records (cheap); its bounds decide
                // most results. Only when a cell's bound is short of k while its records are not does the exact one run.
                if (cheap is not null)
                {
                    ((IReadOnlyList<SandboxColumn> Columns, bool[] Utc) shape, List<object?[]> buffered, bool decided) first;
                    try
                    {
                        first = await BufferAsync(connection, cheap, plan.Items.Count, maxRows, token);
                    }
                    catch when (tailRead is not null)
                    {
                        // The tail statement ends before the job's files go; the first pass's failure is the one reported.
                        await tailRead.ContinueWith(read => read.Exception, TaskScheduler.Default);
                        throw;
                    }

                    var (shape, buffered, decided) = first;

                    if (tailRead is not null)
                    {
                        tailRows = await tailRead;
                        decided = decided && tailRows is not null && CorrectSubjectCounts(tailRows, plan.SubjectTail!, buffered);
                    }

                    controlWatch.Start();
                    decided = decided && DisclosureControl.AreDecidedByBounds(plan, buffered, plan.Multiplicity, request.Policy.MinRecordsPerRow, request.Policy.DominanceShare);
                    controlWatch.Stop();

                    if (decided)
                    {
                        controlWatch.Start();
                        var bounded = new DisclosureControl(plan, request.Policy, maxRows, plan.Multiplicity);
                        var fromBounds = Release(bounded, buffered, shape.Utc);
                        controlWatch.Stop();
                        return (shape.Columns, fromBounds, controlWatch.Elapsed, bounded);
                    }
                }

                // The bounds did not decide: the top-n computed, subjects still counted through the tail's rows already read.
                // A copy without a tail has nothing to correct: its records are its subjects.
                if (plan.TailCountedStatement is { } countedTree && (tailRows is not null || plan.SubjectTail is null))
                {
                    var counted = ScalarString(connection, DeserializeSql, countedTree);
                    var (shape, buffered, complete) = await BufferAsync(connection, counted, plan.Items.Count, maxRows, token);

                    if (complete && (plan.SubjectTail is null || CorrectSubjectCounts(tailRows!, plan.SubjectTail, buffered)))
                    {
                        controlWatch.Start();
                        var exactly = new DisclosureControl(plan, request.Policy, maxRows);
                        var released = Release(exactly, buffered, shape.Utc);
                        controlWatch.Stop();
                        return (shape.Columns, released, controlWatch.Elapsed, exactly);
                    }
                }

                {
                    controlWatch.Start();
                    var rewritten = ScalarString(connection, DeserializeSql, plan.Statement);
                    controlWatch.Stop();
                    await using var command = Command(connection, rewritten);
                    await using var _ = token.Register(command.Cancel);
                    await using var reader = await command.ExecuteReaderAsync(token);
                    var shape = Shape(reader, plan.Items.Count);
                    var exact = new DisclosureControl(plan, request.Policy, maxRows);
                    var released = new List<IReadOnlyList<string?>>();
                    while (await reader.ReadAsync(token))
                    {
                        var values = ReadValues(reader);
                        controlWatch.Start();
                        var row = exact.Admit(values, (ordinal, value) => value is null ? null : DuckDbCells.Format(value, shape.Utc[ordinal]));
                        controlWatch.Stop();
                        if (row is null)
                        {
                            continue;
                        }

                        if (exact.CapExceeded)
                        {
                            break;
                        }

                        released.Add(row);
                    }

                    return (shape.Columns, released, controlWatch.Elapsed, exact);
                }
            },
            CancellationToken.None);

        var checkElapsed = analysisElapsed + checks.Elapsed + controlElapsed;
        var outcome = control.Complete();
        if (!outcome.Passed)
        {
            return SandboxResult.Unreleased(request.Mode, SandboxStatus.Withheld, SandboxCodes.OutputWithheld, WithheldDetail(outcome), watch.Elapsed, loadElapsed, notes, outcome)
                with { CheckElapsed = checkElapsed };
        }

        return new SandboxResult(request.Mode, SandboxStatus.Released, null, null, columns, rows, false, outcome, ResultCsv.Hash(columns, rows), watch.Elapsed, loadElapsed, notes)
        {
            CheckElapsed = checkElapsed,
            UsedFields = plan.UsedFields,
            Ordered = plan.Ordered,
            ReleasedCells = control.Cells,
        };
    }

    /// <summary>
    /// Runs a statement whose rows the checks judge as a whole, keeping them: all of them (complete), or false once there are
    /// more than the release cap could ever need (the exact statement then streams them).
    /// </summary>
    private static async Task<((IReadOnlyList<SandboxColumn> Columns, bool[] Utc) Shape, List<object?[]> Rows, bool Complete)> BufferAsync(DuckDBConnection connection, string sql, int items, int maxRows, CancellationToken token)
    {
        await using var command = Command(connection, sql);
        await using var _ = token.Register(command.Cancel);
        await using var reader = await command.ExecuteReaderAsync(token);
        var shape = Shape(reader, items);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(token))
        {
            if (rows.Count >= (4 * maxRows) + 1000)
            {
                return (shape, rows, false);
            }

            rows.Add(ReadValues(reader));
        }

        return (shape, rows, true);
    }

    /// <summary>
    /// Issue 14, Measure (M5.1): per group, and in it per subject companion of the first pass, how many of the cell's records the
    /// copy's tail holds and how many distinct subjects they are. The tail statement reads only the copy's records without a
    /// unique subject: grouped as the user's statement, or one row per record that the engine counts here. Null when the rows
    /// cannot be told apart by their dimensions (the exact statement decides then).
    /// </summary>
    private static Task<Dictionary<string, Dictionary<int, TailCount>>?> ReadTailAsync(DuckDBConnection connection, SubjectTailPlan plan, Task<WrittenBack> writtenBack, CancellationToken token) =>
        Task.Run(
            async () =>
            {
                var tail = (await writtenBack).Tail!;
                await using var second = connection.Duplicate();
                await second.OpenAsync(token);
                await using var command = Command(second, tail);
                await using var _ = token.Register(command.Cancel);
                await using var reader = await command.ExecuteReaderAsync(token);
                return plan.Records is { } byRecord
                    ? await CountTailRecordsAsync(reader, plan.KeyColumns, byRecord, token)
                    : await ReadTailGroupsAsync(reader, plan, token);
            },
            CancellationToken.None);

    private static async Task<Dictionary<string, Dictionary<int, TailCount>>?> ReadTailGroupsAsync(DbDataReader reader, SubjectTailPlan plan, CancellationToken token)
    {
        var byGroup = new Dictionary<string, Dictionary<int, TailCount>>(StringComparer.Ordinal);
        while (await reader.ReadAsync(token))
        {
            var values = ReadValues(reader);
            var counts = new Dictionary<int, TailCount>();
            foreach (var (ordinal, columns) in plan.Corrections)
            {
                counts[ordinal] = new TailCount(
                    Convert.ToInt64(values[columns.Records] ?? 0L, CultureInfo.InvariantCulture),
                    Convert.ToInt64(values[columns.Subjects] ?? 0L, CultureInfo.InvariantCulture));
            }

            if (!byGroup.TryAdd(GroupKey(values, plan.KeyColumns), counts))
            {
                return null;
            }
        }

        return byGroup;
    }

    /// <summary>
    /// Counts the tail's records as the grouped tail statement would: per group of dimensions and per cell, the records whose
    /// condition holds and the distinct positive subject indexes among them. Groups are told apart by value as the first
    /// pass's rows are; dimensions are text, dates, times or booleans (numeric fields are measures), and a floating-point one,
    /// whose zeros and NaNs the engine may group otherwise, leaves the decision to the exact statement.
    /// </summary>
    private static async Task<Dictionary<string, Dictionary<int, TailCount>>?> CountTailRecordsAsync(DbDataReader reader, IReadOnlyList<int> keys, SubjectTailRecords plan, CancellationToken token)
    {
        if (keys.Any(ordinal => reader.GetFieldType(ordinal) is var type && (type == typeof(double) || type == typeof(float))))
        {
            return null;
        }

        var byGroup = new Dictionary<string, Dictionary<int, (long Records, HashSet<long> Subjects)>>(StringComparer.Ordinal);
        while (await reader.ReadAsync(token))
        {
            var values = ReadValues(reader);
            var group = GroupKey(values, keys);
            if (!byGroup.TryGetValue(group, out var cells))
            {
                cells = plan.Feeds.Keys.ToDictionary(ordinal => ordinal, _ => (0L, new HashSet<long>()));
                byGroup[group] = cells;
            }

            var index = Convert.ToInt64(values[plan.IndexColumn], CultureInfo.InvariantCulture);
            foreach (var (ordinal, condition) in plan.Feeds)
            {
                if (condition is { } column && values[column] is not true)
                {
                    continue;
                }

                var (records, subjects) = cells[ordinal];
                if (index > 0)
                {
                    subjects.Add(index);
                }

                cells[ordinal] = (records + 1, subjects);
            }
        }

        return byGroup.ToDictionary(
            group => group.Key,
            group => group.Value.ToDictionary(cell => cell.Key, cell => new TailCount(cell.Value.Records, cell.Value.Subjects.Count)),
            StringComparer.Ordinal);
    }

    /// <summary>
    /// Turns the first pass's record counts into exact subject counts: a cell's records, less its tail records, plus the tail's
    /// distinct subjects; a group the tail statement did not return has no tail records. False when two rows of the first pass
    /// have the same dimensions.
    /// </summary>
    private static bool CorrectSubjectCounts(Dictionary<string, Dictionary<int, TailCount>> byGroup, SubjectTailPlan plan, List<object?[]> rows)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var group = GroupKey(row, plan.KeyColumns);
            if (!seen.Add(group))
            {
                return false;
            }

            if (!byGroup.TryGetValue(group, out var tail))
            {
                continue;
            }

            foreach (var (ordinal, count) in tail)
            {
                var records = Convert.ToInt64(row[ordinal] ?? 0L, CultureInfo.InvariantCulture);
                row[ordinal] = records - count.Records + count.Subjects;
            }
        }

        return true;
    }

    /// <summary>
    /// Writes back the first pass and the tail statement of a plan on a connection of its own, which runs nothing else: the
    /// statements themselves run after the lockdown, whose settings hold for the whole database.
    /// </summary>
    private static Task<WrittenBack> WriteBackAsync(DuckDBConnection connection, ReleasePlan plan) =>
        Task.Run(
            async () =>
            {
                await using var side = connection.Duplicate();
                await side.OpenAsync();
                // One round trip for both statements.
                await using var command = Command(side, plan.SubjectTail is null
                    ? "SELECT json_deserialize_sql(CAST($1 AS JSON)), NULL"
                    : "SELECT json_deserialize_sql(CAST($1 AS JSON)), json_deserialize_sql(CAST($2 AS JSON))");
                command.Parameters.Add(new DuckDBParameter(plan.CheapStatement!));
                if (plan.SubjectTail is { } tailPlan)
                {
                    command.Parameters.Add(new DuckDBParameter(tailPlan.Statement));
                }

                await using var reader = await command.ExecuteReaderAsync();
                if (!await reader.ReadAsync())
                {
                    throw new InvalidOperationException("The engine wrote nothing back.");
                }

                return new WrittenBack(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
            },
            CancellationToken.None);

    /// <summary>The statements of a plan as the engine wrote them back: the first pass, and the tail statement when there is one.</summary>
    private sealed record WrittenBack(string Cheap, string? Tail);

    /// <summary>A cell's records in the copy's tail, and the distinct subjects among them.</summary>
    private readonly record struct TailCount(long Records, long Subjects);

    /// <summary>The values of a row's dimensions, told apart by type and with null distinct from every value.</summary>
    private static string GroupKey(object?[] values, IReadOnlyList<int> keys)
    {
        var key = new StringBuilder();
        foreach (var ordinal in keys)
        {
            var value = values[ordinal];
            var text = value switch
            {
                null => "\u0000",
                DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
                DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
                double number => number.ToString("R", CultureInfo.InvariantCulture),
                float number => number.ToString("R", CultureInfo.InvariantCulture),
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            };
            key.Append(value?.GetType().Name).Append(':').Append(text).Append('\u001f');
        }

        return key.ToString();
    }

    private static object?[] ReadValues(DbDataReader reader)
    {
        var values = new object?[reader.FieldCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        }

        return values;
    }

    /// <summary>The released rows of buffered values, up to the cap plus one (the control then says the cap was exceeded).</summary>
    private static List<IReadOnlyList<string?>> Release(DisclosureControl control, List<object?[]> rows, bool[] utc)
    {
        var released = new List<IReadOnlyList<string?>>();
        foreach (var values in rows)
        {
            var row = control.Admit(values, (ordinal, value) => value is null ? null : DuckDbCells.Format(value, utc[ordinal]));
            if (row is null)
            {
                continue;
            }

            if (control.CapExceeded)
            {
                break;
            }

            released.Add(row);
        }

        return released;
    }

    /// <param name="fieldsRead">The granted fields the statement can read (full mode), or null for all of them.</param>
    /// <param name="staged">Gets the files the job's views keep reading after the load (the lockdown allows only these).</param>
    private async Task LoadTableAsync(DuckDBConnection connection, SandboxTable table, IReadOnlyList<string>? fieldsRead, List<string> staged, List<string> notes, CancellationToken cancellationToken)
    {
        var parquet = table.Format == LibraryFormat.Parquet;
        var path = Path.Combine(stagingDirectory, $"sandbox-{Guid.NewGuid():N}{(parquet ? LibraryParquet.Extension : ".csv")}");
        var fields = fieldsRead is null ? table.Fields : table.Fields.Where(f => fieldsRead.Contains(f.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        var loaded = new List<FieldDefinition>();
        var keep = false;
        var indexColumn = string.Empty;
        try
        {
            // The platform's subject index (Grants.SubjectIndex) is read only by the release checks' companions.
            var index = parquet && fieldsRead is not null && fieldsRead.Contains(SubjectIndex.Column, StringComparer.Ordinal);
            await StageAsync(connection, table, fieldsRead is null || !parquet ? null : [.. fields.Select(f => f.Name), .. index ? [SubjectIndex.Column] : Array.Empty<string>()], path, cancellationToken);

            // Issue 18.1: a Parquet copy is read with the engine's Parquet reader, its columns already typed; a CSV copy in
            // the pinned RFC 4180 dialect, every value as text.
            var source = parquet ? LibraryParquet.ParquetSource(path) : LibraryParquet.CsvSource(path);
            var described = LibraryParquet.Describe(connection, source);
            if (!table.Fields.Any(field => described.Any(h => string.Equals(h.Name, field.Name, StringComparison.OrdinalIgnoreCase))))
            {
                throw new SandboxLoadException($"None of the granted fields of table '{table.Name}' are present in its data.");
            }

            var indexColumns = IndexColumn(index, described).ToList();
            indexColumn = string.Concat(indexColumns.Select(column => ", " + column));

            var columns = new List<(FieldDefinition Field, string Header, string Type)>();
            foreach (var field in fields)
            {
                var header = described.FirstOrDefault(h => string.Equals(h.Name, field.Name, StringComparison.OrdinalIgnoreCase));
                if (header.Name is null)
                {
                    notes.Add($"{table.Name}.{field.Name}: granted but not present in the data; not loaded.");
                    continue;
                }

                loaded.Add(field);
                columns.Add((field, header.Name, header.Type));
            }

            // Issue 18: a Parquet copy whose columns already have their declared types is not copied into the job's database
            // at all: a view reads the staged file (the only file the lockdown lets the engine open) straight into the query.
            // A table without a subject key counts records by row number (the release checks' rowid).
            if (parquet && columns.All(column => column.Type == LibraryParquet.DescribedType(column.Field.Type)))
            {
                var select = columns.Select(column => $"{Quote(column.Header)} AS {Quote(column.Field.Name)}").ToList();
                select.AddRange(indexColumns);
                var keyed = table.EffectiveSubjectKey is { } subject && table.Fields.Any(f => string.Equals(f.Name, subject, StringComparison.OrdinalIgnoreCase));
                if ((!keyed || select.Count == 0) && !loaded.Any(f => string.Equals(f.Name, "rowid", StringComparison.OrdinalIgnoreCase)))
                {
                    select.Add("file_row_number AS rowid");
                }

                Execute(connection, $"CREATE VIEW {Quote(table.Name)} AS SELECT {string.Join(", ", select)} FROM read_parquet({LibraryParquet.Literal(path)}, file_row_number = true)");
                staged.Add(path);
                keep = true;
                return;
            }

            if (loaded.Count == 0)
            {
                Execute(connection, $"CREATE TABLE {Quote(table.Name)} AS SELECT NULL::INTEGER AS \"__sdc_empty\" FROM {source}");
                return;
            }

            // Only the granted columns are ever copied out of the file. One pass casts every column to its declared type
            // (a Parquet column already of that type is taken as it is); when a value does not parse (masked data can break a
            // declared type), the table is loaded again through a text staging table that finds the columns to keep as
            // text. Both give the same table when every value parses.
            var typedInOnePass = columns.Select(column => column.Type == LibraryParquet.DescribedType(column.Field.Type)
                ? $"{Quote(column.Header)} AS {Quote(column.Field.Name)}"
                : $"CAST(NULLIF({AsText(column.Header, column.Type)}, '') AS {SqlType(column.Field.Type)}) AS {Quote(column.Field.Name)}")
                .Concat(indexColumns);
            try
            {
                Execute(connection, $"CREATE TABLE {Quote(table.Name)} AS SELECT {string.Join(", ", typedInOnePass)} FROM {source}");
                return;
            }
            catch (DuckDBException e) when (e.Message.StartsWith("Conversion Error", StringComparison.Ordinal))
            {
            }

            Execute(connection, $"CREATE TABLE {Quote(StagingTable)} AS SELECT {string.Join(", ", columns.Select(c => $"{AsText(c.Header, c.Type)} AS {Quote(c.Field.Name)}"))}{indexColumn} FROM {source}");
        }
        finally
        {
            if (!keep)
            {
                File.Delete(path);
            }
        }

        var typed = TypedColumns(connection, table, loaded, notes);
        var casts = loaded.Select(field => typed.Contains(field)
            ? $"CAST(NULLIF({Quote(field.Name)}, '') AS {SqlType(field.Type)}) AS {Quote(field.Name)}"
            : Quote(field.Name));
        Execute(connection, $"CREATE TABLE {Quote(table.Name)} AS SELECT {string.Join(", ", casts)}{indexColumn} FROM {Quote(StagingTable)}");
        Execute(connection, $"DROP TABLE {Quote(StagingTable)}");
    }

    /// <summary>
    /// Copies the table's data into <paramref name="path"/>: only the footer and the chunks of <paramref name="parquetColumns"/>
    /// when the copy is Parquet, the store reads ranges and the copy is large enough for that to pay (issue 18); else whole.
    /// </summary>
    private async Task StageAsync(DuckDBConnection connection, SandboxTable table, IReadOnlyList<string>? parquetColumns, string path, CancellationToken cancellationToken)
    {
        if (parquetColumns is not null && table.Ranges is { } ranges)
        {
            var length = await ranges.LengthAsync(cancellationToken);
            if (length >= rangedReadMinBytes)
            {
                await ParquetColumnFetch.FetchAsync(connection, ranges, length, path, parquetColumns, cancellationToken);
                return;
            }
        }

        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var file = new FileStream(path, options);
        if (table.CopyCsvToAsync is { } copy)
        {
            await copy(file, cancellationToken);
        }
        else
        {
            await using var input = await table.OpenCsv(cancellationToken);
            await input.CopyToAsync(file, cancellationToken);
        }
    }

    /// <summary>The subject index column when the checks read it and the copy has it (Grants.SubjectIndex).</summary>
    private static IEnumerable<string> IndexColumn(bool wanted, List<(string Name, string Type)> described) =>
        wanted && described.Any(h => h.Name == SubjectIndex.Column) ? [Quote(SubjectIndex.Column)] : [];

    /// <summary>A column as text (a CSV column already is).</summary>
    private static string AsText(string header, string type) => type == "VARCHAR" ? Quote(header) : $"CAST({Quote(header)} AS VARCHAR)";

    /// <summary>
    /// The fields whose every value parses as the declared type. Masked data can legitimately break a declared
    /// type (a birth date generalised to its year); such a column stays text and a note says so.
    /// </summary>
    private static HashSet<FieldDefinition> TypedColumns(DuckDBConnection connection, SandboxTable table, List<FieldDefinition> loaded, List<string> notes)
    {
        var candidates = loaded.Where(field => field.Type != FieldType.String).ToList();
        var typed = new HashSet<FieldDefinition>();
        if (candidates.Count == 0)
        {
            return typed;
        }

        var probes = candidates.Select(field =>
            $"count(*) FILTER (WHERE NULLIF({Quote(field.Name)}, '') IS NOT NULL AND TRY_CAST(NULLIF({Quote(field.Name)}, '') AS {SqlType(field.Type)}) IS NULL)");
        using var command = Command(connection, $"SELECT {string.Join(", ", probes)} FROM {Quote(StagingTable)}");
        using var reader = command.ExecuteReader();
        reader.Read();
        for (var i = 0; i < candidates.Count; i++)
        {
            var failures = reader.GetInt64(i);
            if (failures == 0)
            {
                typed.Add(candidates[i]);
            }
            else
            {
                notes.Add($"{table.Name}.{candidates[i].Name}: {failures} value(s) are not {candidates[i].Type.ToWire()}; loaded as text.");
            }
        }

        return typed;
    }

    private static string SqlType(FieldType type) => LibraryParquet.SqlType(type);

    private static void LockDown(DuckDBConnection connection, IReadOnlyList<string> staged)
    {
        if (staged.Count > 0)
        {
            // The job's own staged copies stay readable to its views; no other file.
            Execute(connection, $"SET allowed_paths = [{string.Join(", ", staged.Select(LibraryParquet.Literal))}]");
        }

        Execute(connection, "SET enable_external_access = false");
        Execute(connection, "SET lock_configuration = true");
    }

    private static (IReadOnlyList<SandboxColumn> Columns, bool[] Utc) Shape(DbDataReader reader, int count)
    {
        var schema = reader.GetSchemaTable();
        var columns = new SandboxColumn[count];
        var utc = new bool[count];
        for (var i = 0; i < count; i++)
        {
            columns[i] = new SandboxColumn(reader.GetName(i), DuckDbCells.TypeName(reader, i, schema));
            utc[i] = columns[i].Type == "TIMESTAMP WITH TIME ZONE";
        }

        return (columns, utc);
    }

    private static string?[] ReadRow(DbDataReader reader, bool[] utc)
    {
        var row = new string?[utc.Length];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = reader.IsDBNull(i) ? null : DuckDbCells.Format(reader.GetValue(i), utc[i]);
        }

        return row;
    }

    private static string SerializeSql(DuckDBConnection connection, string sql) =>
        ScalarString(connection, "SELECT json_serialize_sql(CAST($1 AS VARCHAR))", sql);

    private static string ScalarString(DuckDBConnection connection, string sql, string argument)
    {
        using var command = Command(connection, sql);
        command.Parameters.Add(new DuckDBParameter(argument));
        return command.ExecuteScalar() as string ?? throw new InvalidOperationException($"The engine returned no text for: {sql}");
    }

    private static DuckDBCommand Command(DuckDBConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.UseStreamingMode = true;
        return command;
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static bool IsOutOfMemory(DuckDBException e) => e.Message.StartsWith("Out of Memory Error", StringComparison.Ordinal);

    private static bool IsInterruption(Exception e) =>
        e is OperationCanceledException || (e is DuckDBException && e.Message.StartsWith("INTERRUPT", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Issue 14 item 4: a full job that fails while running over the data says nothing about the data — one code, one
    /// sentence, no engine text, no timings; the specific reason goes to the audit log only.
    /// </summary>
    private static SandboxResult FailedOnData(SandboxMode mode, string code, string specific, TimeSpan elapsed, TimeSpan loadElapsed, List<string> notes)
    {
        if (mode == SandboxMode.Sample)
        {
            return SandboxResult.Unreleased(mode, SandboxStatus.Failed, code, specific, elapsed, loadElapsed, notes);
        }

        return SandboxResult.Unreleased(mode, SandboxStatus.Failed, SandboxCodes.QueryFailed, GenericFailure, TimeSpan.Zero, loadElapsed, notes)
            with { AuditDetail = $"{code}: {specific}" };
    }

    /// <summary>What the submitter of a full job that failed on the data is told.</summary>
    public const string GenericFailure = "The query failed while running over the granted data. The reason is recorded for the authority; nothing about the data is reported.";

    private static bool IsSchemaOnly(string message) => SchemaOnlyErrorKinds.Contains(FirstParagraph(message).Split(':', 2)[0], StringComparer.Ordinal);

    private static string QueryErrorDetail(string message, SandboxMode mode)
    {
        if (mode == SandboxMode.Sample)
        {
            return message.Trim();
        }

        var first = FirstParagraph(message);
        var kind = first.Split(':', 2)[0];
        return SchemaOnlyErrorKinds.Contains(kind, StringComparer.Ordinal)
            ? first
            : $"{kind} (the engine's message is not shown for full-mode jobs, since it can quote data values).";
    }

    // The engine's CSV errors quote the offending line; raw full-mode data must not reach the user that way.
    private static string LoadErrorDetail(SandboxTable table, Exception e, SandboxMode mode) => e switch
    {
        SandboxLoadException => e.Message,
        _ when mode == SandboxMode.Sample => $"Table '{table.Name}' could not be loaded: {FirstParagraph(e.Message)}",
        _ => $"Table '{table.Name}' could not be loaded ({FirstLine(e.Message).Split(':', 2)[0]}; the engine's message is not shown for full-mode jobs, since it can quote data).",
    };

    private static string WithheldDetail(OutputCheckOutcome outcome) =>
        "The output failed the checks: " + string.Join(" ", outcome.Failures.Select(rule => $"[{rule.Rule}] {string.Join(" ", rule.Reasons)}"));

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    private static string FirstParagraph(string message)
    {
        var cut = message.IndexOf("\n\n", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).Trim();
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void Validate(SandboxRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Tables);
        ArgumentNullException.ThrowIfNull(request.Limits);
        ArgumentNullException.ThrowIfNull(request.Policy);
        if (request.Tables.Count == 0)
        {
            throw new ArgumentException("A sandbox job needs at least one granted table.", nameof(request));
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var table in request.Tables)
        {
            if (!SandboxTable.IsValidName(table.Name) || !names.Add(table.Name))
            {
                throw new ArgumentException($"Table name '{table.Name}' is not a plain identifier or is used twice.", nameof(request));
            }

            if (FieldDefinitionRules.Validate(table.Fields, $"tables.{table.Name}.fields") is { Count: > 0 } errors)
            {
                throw new ArgumentException($"Table '{table.Name}' has invalid fields: {string.Join("; ", errors.SelectMany(e => e.Value))}", nameof(request));
            }
        }

        if (request.Limits.Validate() is { Count: > 0 } limitErrors)
        {
            throw new ArgumentException("Sandbox limits: " + string.Join("; ", limitErrors.Select(e => $"{e.Key} {e.Value}")), nameof(request));
        }

        if (request.Policy.MinRecordsPerRow < 1)
        {
            throw new ArgumentException("The output-check k must be at least 1.", nameof(request));
        }

        if (request.Policy.Validate() is { Count: > 0 } policyErrors)
        {
            throw new ArgumentException("Output-check policy: " + string.Join("; ", policyErrors), nameof(request));
        }
    }

    private sealed class SandboxLoadException(string message) : Exception(message);
}
