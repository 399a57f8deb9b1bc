using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using DuckDB.NET.Data;
using Platform.Adapters.Grants;
using Platform.Domain.Catalog;
using Platform.Domain.Sandbox;
using Platform.IntegrationTests.Infrastructure;
using Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Issue 7 "Measure": a generated register of firms granted through the real flow on the local stack (organisations,
/// agreement, upload, sample, review, scenario, data request, approval, provisioning, cleared staff, all over HTTP),
/// then three typical aggregate queries as <c>full</c> sandbox jobs, each timed from <c>POST /api/sandbox/jobs</c> until
/// the released result has been fetched; and in the same run the same queries in plain DuckDB over the same CSV, both
/// with the load and over an already loaded table.
/// </summary>
internal static class SandboxBenchmark
{
    private const string PlainTable = "firms";
    private static readonly TimeSpan StatusPoll = TimeSpan.FromMilliseconds(20);
    private static int _failedPolls;

    private static readonly string[] Regions =
        ["武汉市", "黄石市", "十堰市", "宜昌市", "襄阳市", "鄂州市", "荆门市", "孝感市", "荆州市", "黄冈市", "咸宁市", "随州市", "恩施州", "仙桃市", "潜江市", "天门市", "神农架林区"];

    private static readonly string[] Industries =
        ["制造业", "批发零售业", "建筑业", "信息技术", "住宿餐饮", "交通物流", "农林牧渔", "商务服务", "科技服务", "文化娱乐", "居民服务", "房地产业"];

    private static readonly string[] Surnames = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "欧阳", "司马"];
    private static readonly string[] GivenNames = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇"];

    /// <summary>The three queries, over the table name <c>{0}</c>. Every group holds far more than k = 10 firms.</summary>
    private static readonly (string Name, string Sql)[] Queries =
    [
        ("Q1 GROUP BY region: count, sum, avg",
            "SELECT region, count(*) AS firms, sum(amount) AS total_amount, avg(amount) AS mean_amount FROM {0} GROUP BY region ORDER BY region"),
        ("Q2 filtered GROUP BY region, industry",
            "SELECT region, industry, count(*) AS firms, avg(employees) AS mean_employees, max(amount) AS max_amount FROM {0} " +
            "WHERE registered_on >= DATE '2020-01-01' AND amount > 500 GROUP BY region, industry ORDER BY region, industry"),
        ("Q3 quantiles per industry",
            "SELECT industry, count(*) AS firms, quantile_cont(amount, 0.5) AS median_amount, quantile_cont(amount, 0.9) AS p90_amount, " +
            "quantile_cont(employees, 0.5) AS median_employees FROM {0} GROUP BY industry ORDER BY industry"),
    ];

    public static async Task RunAsync(int rows, int repetitions)
    {
        var csvPath = Path.Combine(Path.GetTempPath(), $"sandbox-bench-{rows}.csv");
        var generated = Stopwatch.StartNew();
        var csv = Generate(rows);
        await File.WriteAllBytesAsync(csvPath, csv);
        var load = File.ReadAllText("/proc/loadavg").Split(' ').Take(3);
        Console.WriteLine($"# Sandbox benchmark {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {Environment.OSVersion}; load average {string.Join(" ", load)}");
        Console.WriteLine($"Generated {rows:N0} rows, {csv.Length / 1048576.0:F1} MiB in {generated.Elapsed.TotalSeconds:F1} s.");

        await using var platform = new BenchmarkPlatform();
        await platform.InitializeAsync(csv.Length);
        var granting = Stopwatch.StartNew();
        var setup = await SandboxScenario.GrantedAsync(platform.Fixture, Dataset(csv), TimeSpan.FromMinutes(10));
        Console.WriteLine($"Granted through the API (upload, sample, review, scenario, request, approval, provisioning, staff) in {granting.Elapsed.TotalSeconds:F1} s; table '{setup.TableName}'.");
        Console.WriteLine($"{repetitions} repetitions per query after one warm-up; p50 (median) in ms; DuckDB threads = 2 in both (Sandbox:MaxThreads default).");

        // What the worker pays and plain DuckDB does not: reading the library copy out of blob storage into a private file.
        var grant = (await new TableGrantStore(new TableServiceClient(platform.Fixture.StorageConnectionString)).GetAsync(setup.GrantId))!.Value.Tables[0];
        var library = new BlobAuthorizedDataLibrary(new BlobServiceClient(platform.Fixture.StorageConnectionString));
        var sequential = new List<double>();
        var ranged = new List<double>();
        var blob = new BlobServiceClient(platform.Fixture.StorageConnectionString).GetBlobContainerClient(grant.Container).GetBlobClient(grant.BlobPath);
        for (var i = 0; i <= repetitions; i++)
        {
            var copy = Path.Combine(Path.GetTempPath(), $"sandbox-bench-copy-{Guid.NewGuid():N}{Path.GetExtension(grant.BlobPath)}");
            var watch = Stopwatch.StartNew();
            await using (var input = await blob.OpenReadAsync())
            await using (var file = File.Create(copy))
            {
                await input.CopyToAsync(file);
            }

            var one = watch.Elapsed.TotalMilliseconds;
            File.Delete(copy);
            watch.Restart();
            await using (var file = File.Create(copy))
            {
                await library.CopyToAsync(grant.Container, grant.BlobPath, file);
            }

            if (i > 0)
            {
                (sequential, ranged) = ([.. sequential, one], [.. ranged, watch.Elapsed.TotalMilliseconds]);
            }

            File.Delete(copy);
        }

        // Issue 18: the second baseline is plain DuckDB over the same library copy as a local file (read_parquet + the query).
        var localCopy = Path.Combine(Path.GetTempPath(), $"sandbox-bench-copy-{rows}{Path.GetExtension(grant.BlobPath)}");
        await using (var file = File.Create(localCopy))
        {
            await library.CopyToAsync(grant.Container, grant.BlobPath, file);
        }

        var parquetCopy = grant.Format == Platform.Domain.Grants.LibraryFormat.Parquet;
        Console.WriteLine($"Library copy: {grant.RowCount:N0} rows, {grant.Format.ToString().ToLowerInvariant()}, {new FileInfo(localCopy).Length / 1048576.0:F1} MiB, subject index {(grant.SubjectIndexed ? "yes" : "no")}, most records of one subject {grant.MaxRecordsPerSubject?.ToString(CultureInfo.InvariantCulture) ?? "-"}, records without a unique subject (the tail) {grant.RecordsWithoutUniqueSubject?.ToString("N0", CultureInfo.InvariantCulture) ?? "-"}, non-negative fields {string.Join(" ", grant.NonNegativeFields ?? [])}; reading it from blob storage into a file, p50: one sequential stream {Median(sequential):F0} ms, ranges side by side (what the worker does) {Median(ranged):F0} ms.");
        Console.WriteLine();

        using var staff = SandboxScenario.StaffClient(platform.Fixture, setup);
        staff.Timeout = TimeSpan.FromMinutes(5);
        Console.WriteLine("| query | sandbox end-to-end | queue wait | load | query + checks | rest of worker | HTTP + polling | plain DuckDB load+query (CSV) | plain DuckDB read_parquet+query | plain DuckDB query only (warm, over the copy) | sandbox − read_parquet+query | sandbox ÷ read_parquet+query | goal (issue 18) | checks: analysis + SDC (job) | checks: companions in engine | checks ÷ query (warm) | goal ≤ 20 % | job's engine: query without checks | job's engine: query with checks | checks ÷ query (job's engine) | goal ≤ 20 % | steady state (after 80 pairs): without checks | with checks | checks ÷ query | goal ≤ 20 % |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        var engineTable = EngineTable(localCopy, grant);
        var hostRows = new List<(string Name, string PlainSql, string Columns)>();
        foreach (var (name, template) in Queries)
        {
            var sandboxSql = string.Format(CultureInfo.InvariantCulture, template, setup.TableName);
            var plainSql = string.Format(CultureInfo.InvariantCulture, template, PlainTable);
            await RunJobAsync(staff, setup, sandboxSql);
            var jobs = new List<JobTiming>();
            for (var i = 0; i < repetitions; i++)
            {
                jobs.Add(await RunJobAsync(staff, setup, sandboxSql));
            }

            var loadAndQuery = new List<double>();
            var parquetAndQuery = new List<double>();
            var queryOnly = new List<double>();
            List<string> plainRows = [];
            await PlainLoadAndQueryAsync(csvPath, plainSql);
            for (var i = 0; i < repetitions; i++)
            {
                (var elapsed, plainRows) = await PlainLoadAndQueryAsync(csvPath, plainSql);
                loadAndQuery.Add(elapsed);
            }

            if (parquetCopy)
            {
                await PlainParquetQueryAsync(localCopy, plainSql);
                for (var i = 0; i < repetitions; i++)
                {
                    var (elapsed, parquetRows) = await PlainParquetQueryAsync(localCopy, plainSql);
                    parquetAndQuery.Add(elapsed);
                    if (!parquetRows.Select(row => Key(row, 2)).SequenceEqual(plainRows.Select(row => Key(row, 2))))
                    {
                        throw new InvalidOperationException($"{name}: plain DuckDB over the Parquet copy grouped differently from the CSV.");
                    }
                }
            }

            // Issue 14: the same statement as the worker runs it (with the platform's companion aggregates), read as the worker
            // reads it since issue 18 (a view over the Parquet copy), beside the user's own statement on the same connection.
            var rewrittenOnly = new List<double>();
            await using (var viewed = await PlainViewConnectionAsync(parquetCopy ? localCopy : null, csvPath))
            {
                var rewrittenSql = Rewrite(viewed, plainSql, grant);
                await QueryAsync(viewed, plainSql);
                await RewrittenAsync(viewed, rewrittenSql);
                // Differences of a few ms: four times the job repetitions, interleaved, so the medians hold still.
                for (var i = 0; i < 4 * repetitions; i++)
                {
                    var watch = Stopwatch.StartNew();
                    await QueryAsync(viewed, plainSql);
                    queryOnly.Add(watch.Elapsed.TotalMilliseconds);
                    watch.Restart();
                    await RewrittenAsync(viewed, rewrittenSql);
                    rewrittenOnly.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            // The benchmark must measure the same answer: the released rows are the plain engine's rows minus the groups under k.
            var last = jobs[^1];
            // Groups are compared by their key columns: released counts are rounded (issue 14), plain DuckDB's are exact.
            var keyColumns = name.StartsWith("Q2", StringComparison.Ordinal) ? 2 : 1;
            if (last.Rows.Count + last.Suppressed != plainRows.Count || last.Rows.Select(row => Key(row, keyColumns)).Except(plainRows.Select(row => Key(row, keyColumns))).Any())
            {
                throw new InvalidOperationException($"{name}: the sandbox released {last.Rows.Count} rows and suppressed {last.Suppressed}, plain DuckDB computed {plainRows.Count}; not the same result.");
            }

            var checkCpu = Median(jobs.Select(j => j.Check));
            var companions = Math.Max(0, Median(rewrittenOnly) - Median(queryOnly));
            var checkShare = (checkCpu + companions) / Median(queryOnly);
            var sandbox = Median(jobs.Select(j => j.EndToEnd));
            var csvBaseline = Median(loadAndQuery);
            var baseline = parquetCopy ? Median(parquetAndQuery) : csvBaseline;
            // Issue 18, Measure: at 1,000,000 rows within 300 ms of plain read_parquet + query; at 10,000,000 within 1.5× of it.
            var goal = rows >= 10_000_000 ? baseline * 1.5 : baseline + 300;
            hostRows.Add((name, plainSql,
                $"| {name} | {sandbox:F0} | {Median(jobs.Select(j => j.QueueWait)):F0} | {Median(jobs.Select(j => j.Load)):F0} | {Median(jobs.Select(j => j.Query)):F0} | " +
                $"{Median(jobs.Select(j => j.Worker - j.Load - j.Query)):F0} | {Median(jobs.Select(j => j.EndToEnd - j.QueueWait - j.Worker)):F0} | " +
                $"{csvBaseline:F0} | {(parquetCopy ? Median(parquetAndQuery).ToString("F0", CultureInfo.InvariantCulture) : "-")} | {Median(queryOnly):F0} | {sandbox - baseline:+0;-0} | {sandbox / baseline:F2}× | {(sandbox <= goal ? "met" : "missed")} (≤ {goal:F0}) | " +
                $"{checkCpu:F1} | {companions:F0} | {checkShare:P0} | {(checkShare <= 0.2 ? "met" : "missed")} | "));
        }

        // The job's-engine A/B needs no platform: it runs after the host has stopped, so the host's queue and timer polling do
        // not fall into differences of a few ms.
        await platform.DisposeAsync();
        foreach (var (name, plainSql, hostColumns) in hostRows)
        {
            // Issue 14, Measure, in the words of the issue — the checks' share of a job's query time — measured in the job's own
            // engine: a fresh database per run over the staged Parquet copy, the statement with its checks (full) against the same
            // statement without them (sample mode runs it as written), interleaved, each first in every other pair (whatever a run
            // leaves behind, a deleted staged copy or garbage, falls on both alike). Loading is outside both.
            // The first 40 pairs after one warm-up, then 40 more after 80 in all: a worker that has run some jobs (steady state).
            var withoutChecks = new List<double>();
            var withChecks = new List<double>();
            var steadyWithout = new List<double>();
            var steadyWith = new List<double>();
            var pairs = 8 * repetitions;
            for (var i = 0; i <= 2 * pairs + pairs; i++)
            {
                SandboxResult plainRun, checkedRun;
                if (i % 2 == 0)
                {
                    plainRun = await EngineRunAsync(engineTable, plainSql, SandboxMode.Sample);
                    checkedRun = await EngineRunAsync(engineTable, plainSql, SandboxMode.Full);
                }
                else
                {
                    checkedRun = await EngineRunAsync(engineTable, plainSql, SandboxMode.Full);
                    plainRun = await EngineRunAsync(engineTable, plainSql, SandboxMode.Sample);
                }

                if (checkedRun.Rows.Count + (checkedRun.Checks?.SuppressedRows ?? 0) != plainRun.Rows.Count)
                {
                    throw new InvalidOperationException($"{name}: in the job's engine the checks released {checkedRun.Rows.Count} rows and suppressed {checkedRun.Checks?.SuppressedRows}, of {plainRun.Rows.Count}.");
                }

                if (i > 0 && i <= pairs)
                {
                    withoutChecks.Add(plainRun.Elapsed.TotalMilliseconds);
                    withChecks.Add(checkedRun.Elapsed.TotalMilliseconds);
                }
                else if (i > 2 * pairs)
                {
                    steadyWithout.Add(plainRun.Elapsed.TotalMilliseconds);
                    steadyWith.Add(checkedRun.Elapsed.TotalMilliseconds);
                }
            }

            var engineShare = (Median(withChecks) - Median(withoutChecks)) / Median(withoutChecks);
            var steadyShare = (Median(steadyWith) - Median(steadyWithout)) / Median(steadyWithout);
            Console.WriteLine(hostColumns +
                $"{Median(withoutChecks):F1} | {Median(withChecks):F1} | {engineShare:P0} | {(engineShare <= 0.2 ? "met" : "missed")} | " +
                $"{Median(steadyWithout):F1} | {Median(steadyWith):F1} | {steadyShare:P0} | {(steadyShare <= 0.2 ? "met" : "missed")} |");
        }

        File.Delete(csvPath);
        File.Delete(localCopy);
        if (_failedPolls > 0)
        {
            Console.WriteLine($"({_failedPolls} status poll(s) answered 5xx and were repeated.)");
        }
    }

    private static string Key(string row, int columns) => string.Join(",", row.Split(',').Take(columns));

    private static async Task<JobTiming> RunJobAsync(HttpClient staff, SandboxSetup setup, string sql)
    {
        var watch = Stopwatch.StartNew();
        var submitted = await SandboxScenario.SubmitAsync(staff, setup, "full", sql);
        if ((int)submitted.StatusCode != 202)
        {
            throw new InvalidOperationException($"Submission answered {(int)submitted.StatusCode}: {await submitted.Content.ReadAsStringAsync()}");
        }

        var url = submitted.Headers.Location!.ToString();
        JsonElement job;
        while (true)
        {
            using var response = await staff.GetAsync(url);
            if ((int)response.StatusCode >= 500)
            {
                // Azurite, shared with other work on this machine, sometimes fails a read under load; the next poll looks again.
                Interlocked.Increment(ref _failedPolls);
                await Task.Delay(StatusPoll);
                continue;
            }

            response.EnsureSuccessStatusCode();
            job = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (job.GetProperty("status").GetString() is not ("queued" or "running"))
            {
                break;
            }

            await Task.Delay(StatusPoll);
        }

        if (job.GetProperty("status").GetString() != "released")
        {
            throw new InvalidOperationException($"The job was not released: {job}");
        }

        var result = await staff.GetStringAsync(job.GetProperty("result").GetString());
        var endToEnd = watch.Elapsed.TotalMilliseconds;
        var timings = job.GetProperty("timings");
        var started = timings.GetProperty("startedAt").GetDateTimeOffset();
        var queueWait = (started - timings.GetProperty("submittedAt").GetDateTimeOffset()).TotalMilliseconds;
        var worker = (timings.GetProperty("finishedAt").GetDateTimeOffset() - started).TotalMilliseconds;
        var rows = result.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        var suppressed = job.GetProperty("checks").GetProperty("suppressedRows").GetInt64();
        return new JobTiming(endToEnd, queueWait, worker, timings.GetProperty("loadMilliseconds").GetDouble(), timings.GetProperty("queryMilliseconds").GetDouble(), rows, suppressed,
            timings.GetProperty("checkMilliseconds").GetDouble());
    }

    /// <summary>What anyone would do with plain DuckDB: a connection, the CSV read with type detection, the query.</summary>
    /// <summary>As the worker runs them: the first pass, and the subject tail's statement beside it on a second connection.</summary>
    /// <summary>The copy as the worker hands a <c>full</c> job's table to the engine (fields, policies, the copy's facts), read from the local file.</summary>
    private static SandboxTable EngineTable(string localCopy, Platform.Domain.Grants.GrantTable grant) =>
        new SandboxTable(PlainTable, SandboxGrantTables.FieldsOf(grant), _ => Task.FromResult<Stream>(File.OpenRead(localCopy)))
        {
            Format = grant.Format,
            Policies = SandboxGrantTables.PoliciesOf(grant),
        }.WithCopyFacts(grant, grant.Format == Platform.Domain.Grants.LibraryFormat.Parquet);

    private static async Task<SandboxResult> EngineRunAsync(SandboxTable table, string sql, SandboxMode mode)
    {
        var options = new SandboxJobOptions();
        var result = await new Platform.Adapters.Sandbox.SandboxEngine().RunAsync(new SandboxRequest([table], sql, mode, options.ToLimits(), options.ToPolicy()), CancellationToken.None);
        return result.Released ? result : throw new InvalidOperationException($"The job's engine did not release {mode} '{sql}': {result.Code} {result.Detail}");
    }

    private static async Task RewrittenAsync(DuckDBConnection connection, List<string> statements)
    {
        if (statements.Count < 2)
        {
            await QueryAsync(connection, statements[0]);
            return;
        }

        await using var second = connection.Duplicate();
        await second.OpenAsync();
        var tail = Task.Run(() => QueryAsync(second, statements[1]));
        await QueryAsync(connection, statements[0]);
        await tail;
    }

    private static async Task<(double Elapsed, List<string> Rows)> PlainLoadAndQueryAsync(string csvPath, string sql)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = await PlainConnectionAsync(csvPath);
        var rows = await QueryAsync(connection, sql);
        return (watch.Elapsed.TotalMilliseconds, rows);
    }

    /// <summary>Plain DuckDB over the library's Parquet copy as a local file: a new connection, the query over read_parquet.</summary>
    private static async Task<(double Elapsed, List<string> Rows)> PlainParquetQueryAsync(string parquetPath, string sql)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = await PlainAsync($"CREATE VIEW {PlainTable} AS SELECT * FROM read_parquet('{parquetPath}')");
        var rows = await QueryAsync(connection, sql);
        return (watch.Elapsed.TotalMilliseconds, rows);
    }

    /// <summary>A warm connection with the table as the worker sees it: a view over the Parquet copy (else the CSV loaded).</summary>
    private static Task<DuckDBConnection> PlainViewConnectionAsync(string? parquetPath, string csvPath) =>
        parquetPath is null ? PlainConnectionAsync(csvPath) : PlainAsync($"CREATE VIEW {PlainTable} AS SELECT * FROM read_parquet('{parquetPath}')");

    private static Task<DuckDBConnection> PlainConnectionAsync(string csvPath) =>
        PlainAsync($"CREATE TABLE {PlainTable} AS SELECT * FROM read_csv('{csvPath}', header = true)");

    /// <summary>A new connection of plain DuckDB with the sandbox's thread count, and the benchmark table made by <paramref name="createTable"/>.</summary>
    private static async Task<DuckDBConnection> PlainAsync(string createTable)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SET threads = 2";
        await command.ExecuteNonQueryAsync();
        command.CommandText = createTable;
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task<List<string>> QueryAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join(",", Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    private static SandboxDataset Dataset(byte[] csv) => new(
        "湖北省市场主体登记信息",
        [
            new { name = "region", type = "string", classification = "public", grade = "general", quasiIdentifier = true },
            new { name = "industry", type = "string", classification = "public", grade = "general" },
            new { name = "registered_on", type = "date", classification = "public", grade = "general" },
            new { name = "amount", type = "decimal", classification = "internal", grade = "general" },
            new { name = "employees", type = "integer", classification = "internal", grade = "general" },
            new { name = "legal_rep", type = "string", classification = "personal", grade = "general", identifierKind = "name" },
            new { name = "mobile", type = "string", classification = "personal", grade = "general", identifierKind = "mobile" },
        ],
        ["region", "industry", "registered_on", "amount", "employees", "legal_rep", "mobile"],
        csv);

    /// <summary>Firms: region and industry skewed like real registers, registration dates 2000-2026, registered capital in 10k CNY.</summary>
    private static byte[] Generate(int rows)
    {
        var random = new Random(20261127);
        var text = new StringBuilder(rows * 72);
        text.Append("region,industry,registered_on,amount,employees,legal_rep,mobile\r\n");
        var start = new DateOnly(2000, 1, 1);
        for (var i = 0; i < rows; i++)
        {
            // Wuhan holds about a third of the firms; the rest spread unevenly.
            var region = random.Next(3) == 0 ? Regions[0] : Regions[1 + (int)(Math.Pow(random.NextDouble(), 1.5) * (Regions.Length - 1))];
            var industry = Industries[(int)(Math.Pow(random.NextDouble(), 1.3) * Industries.Length)];
            var registered = start.AddDays(random.Next(9800));
            var amount = Math.Round(Math.Exp(random.NextDouble() * 9), 2);
            var employees = (int)Math.Exp(random.NextDouble() * 7);
            var name = Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)] + GivenNames[random.Next(GivenNames.Length)];
            var mobile = $"1{"3456789"[random.Next(7)]}{random.NextInt64(1_000_000_000):D9}";
            text.Append(region).Append(',').Append(industry).Append(',').Append(registered.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                .Append(amount.ToString("0.##", CultureInfo.InvariantCulture)).Append(',').Append(employees.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(name).Append(',').Append(mobile).Append("\r\n");
        }

        return new UTF8Encoding(false).GetBytes(text.ToString());
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <param name="QueueWait">Submission to the worker's start, by the job's own clock.</param>
    /// <param name="Worker">The worker's start to the job's finish (checks, load, query, output checks, result writes).</param>
    /// <param name="Check">The job's own check time outside the engine: analysis, rewrite and disclosure control of the rows.</param>
    private sealed record JobTiming(double EndToEnd, double QueueWait, double Worker, double Load, double Query, List<string> Rows, long Suppressed, double Check);

    /// <summary>The benchmark table's fields as the grant classifies them.</summary>
    private static readonly FieldDefinition[] PlainFields =
    [
        new("region", FieldType.String, FieldClassification.Public, FieldGrade.General, null, true),
        new("industry", FieldType.String, FieldClassification.Public, FieldGrade.General, null, false),
        new("registered_on", FieldType.Date, FieldClassification.Public, FieldGrade.General, null, false),
        new("amount", FieldType.Decimal, FieldClassification.Internal, FieldGrade.General, null, false),
        new("employees", FieldType.Integer, FieldClassification.Internal, FieldGrade.General, null, false),
        new("legal_rep", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Name, false),
        new("mobile", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Mobile, false),
    ];

    /// <summary>
    /// The statements the worker runs for <paramref name="sql"/> when the first pass decides: the release analysis' rewrite
    /// (its cheap form when there is one) and the subject tail's statement, written back by the engine.
    /// </summary>
    private static List<string> Rewrite(DuckDBConnection connection, string sql, Platform.Domain.Grants.GrantTable grant)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT json_serialize_sql(CAST($1 AS VARCHAR))";
        command.Parameters.Add(new DuckDBParameter(sql));
        var ast = (string)command.ExecuteScalar()!;
        // The copy's facts as the worker passes them to the engine.
        var table = new SandboxTable(PlainTable, PlainFields, _ => throw new NotSupportedException())
            .WithCopyFacts(grant, grant.Format == Platform.Domain.Grants.LibraryFormat.Parquet);
        var plan = ReleaseAnalysis.Analyse(ast, [table], OutputCheckPolicy.DefaultDominanceContributors).Plan
            ?? throw new InvalidOperationException($"The release analysis refused a benchmark query: {sql}");
        var statements = new List<string>();
        foreach (var tree in new[] { plan.CheapStatement ?? plan.Statement, plan.SubjectTail?.Statement })
        {
            if (tree is null)
            {
                continue;
            }

            command.Parameters.Clear();
            command.CommandText = "SELECT json_deserialize_sql(CAST($1 AS JSON))";
            command.Parameters.Add(new DuckDBParameter(tree));
            statements.Add((string)command.ExecuteScalar()!);
        }

        return statements;
    }

    /// <summary>The end-to-end tests' platform host (local host on Azurite), started and stopped by the benchmark.</summary>
    private sealed class BenchmarkPlatform : IAsyncDisposable
    {
        public PlatformHostFixture Fixture { get; } = new();

        public Task InitializeAsync(long uploadBytes)
        {
            // The local sample settings cap uploads at 16 MiB; the platform's own default (256 MiB) holds the benchmark's file.
            Fixture.Settings["Resources__MaxUploadBytes"] = Math.Max(256L * 1024 * 1024, uploadBytes + (1024 * 1024)).ToString(CultureInfo.InvariantCulture);
            return Fixture.InitializeAsync();
        }

        private bool disposed;

        public async ValueTask DisposeAsync()
        {
            if (!disposed)
            {
                disposed = true;
                await Fixture.DisposeAsync();
            }
        }
    }
}
