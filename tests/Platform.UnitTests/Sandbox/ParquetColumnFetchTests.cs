using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Platform.Adapters.Grants;
using Platform.Adapters.Sandbox;
using Platform.Domain.Catalog;
using Platform.Domain.Grants;
using Platform.Domain.Sandbox;
using Xunit;
using static Platform.UnitTests.Sandbox.SandboxTestData;

namespace Platform.UnitTests.Sandbox;

/// <summary>
/// Issue 18 (column pruning): a full job reads only the footer and the column chunks its rewritten statement can touch from
/// a Parquet copy, the job's view reads that sparse file, and the released result is the one a whole copy gives.
/// </summary>
public sealed class ParquetColumnFetchTests : IDisposable
{
    private static readonly IReadOnlyList<FieldDefinition> Fields =
    [
        Field("region"),
        Field("industry"),
        Field("amount", FieldClassification.Internal, FieldType.Decimal),
        Field("employees", FieldClassification.Internal, FieldType.Integer),
        Field("registered_on", FieldClassification.Public, FieldType.Date),
        new("mobile", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Mobile, false),
        Field("note", FieldClassification.Internal),
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("parquet-fetch-").FullName;
    private readonly string _staging = Directory.CreateTempSubdirectory("parquet-staging-").FullName;

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
        Directory.Delete(_staging, recursive: true);
    }

    public static TheoryData<string> Statements => new()
    {
        "SELECT region, count(*) AS n, sum(amount) AS total, avg(amount) AS mean FROM t GROUP BY region ORDER BY region",
        "SELECT region, industry, count(*) AS n, avg(employees) AS e, max(amount) AS top FROM t WHERE registered_on >= DATE '2020-01-01' AND amount > 50 GROUP BY region, industry ORDER BY region, industry",
        "SELECT industry, count(*) AS n, quantile_cont(amount, 0.5) AS median, median(employees) AS m FROM t GROUP BY industry ORDER BY industry",
        "SELECT count(DISTINCT mobile) AS people, count(*) AS n FROM t WHERE region = '武汉市'",
    };

    [Theory]
    [MemberData(nameof(Statements))]
    public async Task Full_RangedReadOfParquetCopy_SameResultAsWholeCopy(string sql)
    {
        var parquet = WriteCopy(60_000);
        var fetched = new ConcurrentBag<(long Offset, long Length)>();

        var whole = await RunFull(sql, Whole(parquet), long.MaxValue);
        var ranged = await RunFull(sql, Ranged(parquet, fetched), 0);

        Assert.True(whole.Released, whole.Detail);
        Assert.True(ranged.Released, ranged.Detail);
        Assert.Equal(whole.Columns, ranged.Columns);
        Assert.Equal(whole.Rows, ranged.Rows);
        Assert.NotEmpty(ranged.Rows);
        Assert.True(fetched.Sum(r => r.Length) < new FileInfo(parquet).Length, "a ranged read fetched the whole copy");
    }

    [Fact]
    public async Task Full_RangedReadOfParquetCopy_FetchesNoChunkOfAColumnNotRead()
    {
        var parquet = WriteCopy(120_000, rowGroupRows: 40_000);
        var fetched = new ConcurrentBag<(long Offset, long Length)>();

        var result = await RunFull("SELECT region, count(*) AS n, sum(amount) AS total FROM t GROUP BY region", Ranged(parquet, fetched), 0);

        Assert.True(result.Released, result.Detail);
        var chunks = Chunks(parquet);
        // Chunks of unread columns between read ones may come along when they are smaller than the gap worth a request of
        // its own; the large ones (the free-text notes here) must not.
        Assert.True(chunks.Count(c => c.Column == "note" && c.Length > 256 * 1024) >= 2, "the test copy should have several large chunks of an unread column");
        // The footer is read as the file's last 64 KiB, which may hold the end of the last chunk.
        var length = new FileInfo(parquet).Length;
        var requested = fetched.Where(r => r.Offset + r.Length < length).ToList();
        foreach (var chunk in chunks.Where(c => c.Column is "note"))
        {
            Assert.DoesNotContain(requested, r => r.Offset < chunk.Offset + chunk.Length && chunk.Offset < r.Offset + r.Length);
        }

        foreach (var chunk in chunks.Where(c => c.Column is "region" or "amount"))
        {
            Assert.Contains(fetched, r => r.Offset <= chunk.Offset && chunk.Offset + chunk.Length <= r.Offset + r.Length);
        }
    }

    [Fact]
    public async Task Full_StatementRefusedByTheAnalysis_LoadsNothing()
    {
        var touched = 0;
        var table = new SandboxTable("t", Fields, _ => { Interlocked.Increment(ref touched); throw new InvalidOperationException("loaded"); })
        {
            Format = LibraryFormat.Parquet,
            Ranges = new SandboxTableRanges(_ => { Interlocked.Increment(ref touched); return Task.FromResult(1L << 30); }, (_, _, _, _) => throw new InvalidOperationException("loaded")),
        };

        var result = await RunFull("SELECT mobile, count(*) AS n FROM t GROUP BY mobile", table, 0);

        Assert.Equal(SandboxStatus.Withheld, result.Status);
        Assert.Equal(0, touched);
        Assert.Equal(TimeSpan.Zero, result.LoadElapsed);
    }

    [Fact]
    public async Task Full_ParquetCopyReadThroughAView_StagedFileGoneAfterTheJob()
    {
        var parquet = WriteCopy(5_000);

        var result = await RunFull("SELECT region, count(*) AS n FROM t GROUP BY region", Ranged(parquet, []), 0);

        Assert.True(result.Released, result.Detail);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }

    [Fact]
    public void Merge_NearbyRangesAndFooter_OneRequestPerRunCutAtTheFooter()
    {
        var merged = ParquetColumnFetch.Merge([(1000, 100), (0, 500), (600, 100), (10_000_000, 100), (19_999_000, 5_000)], 20_000_000);

        Assert.Equal([(0L, 1100L), (10_000_000L, 100L), (19_999_000L, 1000L)], merged);
    }

    public static TheoryData<string> SubjectStatements => new()
    {
        "SELECT region, count(*) AS n, sum(amount) AS total FROM t GROUP BY region ORDER BY region",
        "SELECT industry, count(*) AS n, avg(amount) FILTER (WHERE amount > 500) AS big FROM t WHERE registered_on < DATE '2010-03-01' GROUP BY industry ORDER BY industry",
        "SELECT region, industry, count(*) AS n, max(employees) AS most FROM t WHERE employees < 40 GROUP BY region, industry ORDER BY region, industry",
        "SELECT count(DISTINCT mobile) AS people, count(employees) AS with_staff FROM t WHERE amount < 20",
        "SELECT count(*) AS n, region FROM t WHERE employees < 3 GROUP BY ALL ORDER BY 2",
        "SELECT industry, region, count(*) FILTER (WHERE employees < 5) AS few, sum(amount) AS total FROM t GROUP BY 2, 1",
        "SELECT region, count(*) AS n FROM t WHERE employees < 5 GROUP BY region, industry",
        // Grouped by date (99 days, under the 100 rows a result may have): days hold about 12 records each, around k = 10.
        "SELECT registered_on, count(*) AS n FROM t WHERE registered_on < DATE '2010-04-10' GROUP BY registered_on",
    };

    [Theory]
    [MemberData(nameof(SubjectStatements))]
    public async Task Full_SubjectIndexedCopy_SameCellsAndSubjectCountsAsDistinctPseudonyms(string sql)
    {
        var plain = WriteCopy(60_000, repeatedSubjects: true);
        var indexed = WriteCopy(60_000, repeatedSubjects: true);
        var summary = LibraryParquet.IndexSubjects(indexed, "mobile", threads: 1, rowGroupRows: 10_000)!;
        var policy = new OutputCheckPolicy(10) { RoundingBase = 1 };
        var table = Whole(indexed) with { SubjectIndexed = true, MaxRecordsPerSubject = summary.MostPerSubject };

        var byPseudonym = await RunFull(sql, Whole(plain), long.MaxValue, policy);
        var byIndex = await RunFull(sql, table, long.MaxValue, policy);
        var byTail = await RunFull(sql, table with { RecordsWithoutUniqueSubject = summary.RecordsWithoutUniqueSubject }, long.MaxValue, policy);
        // A tail said to be larger is counted by the engine's grouping instead of record by record.
        var byGroupedTail = await RunFull(sql, table with { RecordsWithoutUniqueSubject = ReleaseAnalysis.SubjectTailRowsMaxRecords + 1 }, long.MaxValue, policy);

        // 200 people with 5 records each (row 5 has none, as every 997th row), and 61 rows without a subject.
        Assert.Equal(new SubjectIndexSummary(5, 999 + 61), summary);
        Assert.Equal(SandboxStatus.Released, byIndex.Status);
        Assert.NotEmpty(byIndex.ReleasedCells);
        // The indexed copy stores the records of repeated subjects last: row order and the last digits of a sum may differ.
        foreach (var result in new[] { byIndex, byTail, byGroupedTail })
        {
            Assert.Equal(byPseudonym.Status, result.Status);
            Assert.Equal(Comparable(byPseudonym.Rows), Comparable(result.Rows));
            Assert.Equal(byPseudonym.Checks?.Failures.Select(f => f.Rule), result.Checks?.Failures.Select(f => f.Rule));
            Assert.Equal(Sorted(byPseudonym.ReleasedCells), Sorted(result.ReleasedCells));
        }

        Assert.Equal(byIndex.Rows, byTail.Rows);
        Assert.Equal(byIndex.ReleasedCells, byTail.ReleasedCells);
        Assert.Equal(byTail.Rows, byGroupedTail.Rows);
        Assert.Equal(byTail.ReleasedCells, byGroupedTail.ReleasedCells);
    }

    /// <summary>A parse tree as the engine writes it back.</summary>
    private static string WrittenBack(string tree)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT json_deserialize_sql(CAST($1 AS JSON))";
        command.Parameters.Add(new DuckDBParameter(tree));
        return (string)command.ExecuteScalar()!;
    }

    private static List<ReleasedCell> Sorted(IEnumerable<ReleasedCell> cells) =>
        [.. cells.OrderBy(c => c.Group, StringComparer.Ordinal).ThenBy(c => c.Family, StringComparer.Ordinal).ThenBy(c => c.Subjects)];

    /// <summary>Rows in a fixed order, numbers to 9 significant digits.</summary>
    private static List<string> Comparable(IEnumerable<IReadOnlyList<string?>> rows) =>
        [.. rows.Select(row => string.Join("|", row.Select(cell => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number.ToString("G9", CultureInfo.InvariantCulture)
            : cell ?? "null"))).Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData("SELECT region, count(*) AS n, sum(amount) AS total FROM t GROUP BY region", true)]
    [InlineData("SELECT count(*) AS n, region FROM t GROUP BY ALL", true)]
    [InlineData("SELECT count(*) AS n FROM t WHERE amount > 5", true)]
    [InlineData("SELECT region, count(*) AS n FROM t GROUP BY region, industry", false)]
    public void Analyse_FewRecordsWithoutUniqueSubject_TailStatementOnlyWhenTheOutputTellsGroupsApart(string sql, bool tail)
    {
        var table = Whole("unused.parquet") with { SubjectIndexed = true, RecordsWithoutUniqueSubject = ReleaseAnalysis.SubjectTailRowsMaxRecords + 1 };

        var plan = Analyse(sql, table);

        Assert.Equal(tail, plan.SubjectTail is not null);
        if (tail)
        {
            // The cheap statement counts records; the distinct count of indexes is only in the exact and the tail statements.
            Assert.DoesNotContain("\"distinct\":true", plan.CheapStatement!, StringComparison.Ordinal);
            Assert.Contains("\"distinct\":true", plan.SubjectTail!.Statement, StringComparison.Ordinal);
            Assert.Contains("COMPARE_NOTEQUAL", plan.SubjectTail.Statement, StringComparison.Ordinal);
            Assert.Null(plan.SubjectTail.Records);
            Assert.Contains("\"distinct\":true", plan.Statement, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("SELECT region, count(*) AS n, sum(amount) AS total FROM t GROUP BY region ORDER BY region", 1)]
    [InlineData("SELECT count(*) AS n, region FROM t GROUP BY ALL", 0)]
    [InlineData("SELECT region, count(*) FILTER (WHERE employees < 5) AS few, count(employees) AS staffed, count(*) AS n FROM t GROUP BY region", 2)]
    public void Analyse_SmallTailOfOneTable_TailStatementGivesOneRowPerRecordWithItsConditions(string sql, int conditions)
    {
        var table = Whole("unused.parquet") with { SubjectIndexed = true, RecordsWithoutUniqueSubject = ReleaseAnalysis.SubjectTailRowsMaxRecords };

        var tail = Analyse(sql, table).SubjectTail!;
        var written = WrittenBack(tail.Statement);

        Assert.NotNull(tail.Records);
        Assert.Empty(tail.Corrections);
        Assert.DoesNotContain("GROUP BY", written, StringComparison.Ordinal);
        Assert.DoesNotContain("ORDER BY", written, StringComparison.Ordinal);
        Assert.DoesNotContain("count", written, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"{SubjectIndex.Column} != 0", written, StringComparison.Ordinal);
        Assert.Equal(conditions, tail.Records.Feeds.Values.Where(column => column is not null).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(SubjectStatements))]
    public async Task Full_CopyWhoseSubjectsAreAllUnique_NoTailStatementSameCellsAndSubjectCounts(string sql)
    {
        var plain = WriteCopy(30_000);
        var indexed = WriteCopy(30_000);
        var summary = LibraryParquet.IndexSubjects(indexed, "mobile", threads: 1, rowGroupRows: 10_000)!;
        var policy = new OutputCheckPolicy(10) { RoundingBase = 1 };
        var table = Whole(indexed) with { SubjectIndexed = true, MaxRecordsPerSubject = summary.MostPerSubject, RecordsWithoutUniqueSubject = summary.RecordsWithoutUniqueSubject };

        var byPseudonym = await RunFull(sql, Whole(plain), long.MaxValue, policy);
        var withoutTail = await RunFull(sql, table, long.MaxValue, policy);
        var withMagnitudes = await RunFull(sql, table with { FieldMagnitudes = LibraryParquet.ColumnStatistics(indexed, threads: 1).Magnitudes }, long.MaxValue, policy);

        Assert.Equal(new SubjectIndexSummary(1, 0), summary);
        Assert.Null(Analyse(sql, table).SubjectTail);
        foreach (var result in new[] { withoutTail, withMagnitudes })
        {
            Assert.Equal(byPseudonym.Status, result.Status);
            Assert.Equal(Comparable(byPseudonym.Rows), Comparable(result.Rows));
            Assert.Equal(Sorted(byPseudonym.ReleasedCells), Sorted(result.ReleasedCells));
        }
    }

    [Fact]
    public void Analyse_EmptyTail_CheapStatementCountsRecordsAndNoTailStatement()
    {
        var table = Whole("unused.parquet") with { SubjectIndexed = true, MaxRecordsPerSubject = 1, RecordsWithoutUniqueSubject = 0 };

        var plan = Analyse("SELECT region, count(*) AS n, sum(amount) AS total FROM t GROUP BY region", table);

        Assert.Null(plan.SubjectTail);
        Assert.True(plan.CheapIsExact);
        Assert.DoesNotContain("\"distinct\":true", plan.CheapStatement!, StringComparison.Ordinal);
        Assert.DoesNotContain(SubjectIndex.Column, plan.CheapStatement!, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyse_TooManyRecordsWithoutUniqueSubject_NoTailStatement()
    {
        var table = Whole("unused.parquet") with { SubjectIndexed = true, RecordsWithoutUniqueSubject = ReleaseAnalysis.SubjectTailMaxRecords + 1 };

        Assert.Null(Analyse("SELECT region, count(*) AS n FROM t GROUP BY region", table).SubjectTail);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Full_NonNegativeFieldsKnown_SameCellsAndDominanceAsAbsoluteTotals(bool oneDominantFirm)
    {
        var parquet = WriteCopy(30_000, repeatedSubjects: true, dominantAmount: oneDominantFirm ? 1e9 : null);
        var summary = LibraryParquet.IndexSubjects(parquet, "mobile", threads: 1, rowGroupRows: 10_000)!;
        var statistics = LibraryParquet.ColumnStatistics(parquet, threads: 1);
        const string Sql = "SELECT region, count(*) AS n, sum(amount) AS total, avg(amount) FILTER (WHERE employees < 400) AS mean, avg(employees) AS staff, max(employees) AS most FROM t GROUP BY region ORDER BY region";
        var policy = new OutputCheckPolicy(10) { RoundingBase = 1 };
        var table = Whole(parquet) with { SubjectIndexed = true, RecordsWithoutUniqueSubject = summary.RecordsWithoutUniqueSubject, NullFreeFields = statistics.NullFree };

        var absolute = await RunFull(Sql, table, long.MaxValue, policy);
        var plain = await RunFull(Sql, table with { NonNegativeFields = statistics.NonNegative }, long.MaxValue, policy);

        Assert.Contains("amount", statistics.NonNegative);
        Assert.Contains("employees", statistics.NonNegative);
        Assert.DoesNotContain(SubjectIndex.Column, statistics.NonNegative);
        Assert.Equal(absolute.Status, plain.Status);
        Assert.Equal(absolute.Rows, plain.Rows);
        Assert.Equal(absolute.ReleasedCells, plain.ReleasedCells);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(absolute.Checks), System.Text.Json.JsonSerializer.Serialize(plain.Checks));
        Assert.Equal(oneDominantFirm, plain.Rows.Any(row => row[2] is null));
        Assert.Equal(oneDominantFirm, plain.Rows.Any(row => row[3] is null));
        Assert.All(plain.Rows, row => Assert.NotNull(row[4]));
    }

    [Fact]
    public void ColumnStatistics_NegativeValue_NotListedAsNonNegative()
    {
        var csvPath = Path.Combine(_directory, "signed.csv");
        File.WriteAllText(csvPath, "region,amount,employees\n武汉市,-0.5,3\n宜昌市,2.5,0\n", new UTF8Encoding(false));
        var parquet = Path.Combine(_directory, "signed.parquet");
        LibraryParquet.CsvToParquet(csvPath, parquet, [Field("region"), Fields[2], Fields[3]], threads: 1);

        var statistics = LibraryParquet.ColumnStatistics(parquet, threads: 1);

        Assert.Equal(["employees"], statistics.NonNegative);
    }

    [Fact]
    public async Task Full_SubjectIndexedCopy_PseudonymsNotFetched()
    {
        var parquet = WriteCopy(120_000, rowGroupRows: 40_000, repeatedSubjects: true);
        LibraryParquet.IndexSubjects(parquet, "mobile", threads: 1, rowGroupRows: 40_000);
        var fetched = new ConcurrentBag<(long Offset, long Length)>();

        var result = await RunFull("SELECT region, count(*) AS n, avg(amount) AS mean FROM t GROUP BY region", Ranged(parquet, fetched) with { SubjectIndexed = true }, 0);

        Assert.True(result.Released, result.Detail);
        var length = new FileInfo(parquet).Length;
        var requested = fetched.Where(r => r.Offset + r.Length < length).ToList();
        foreach (var chunk in Chunks(parquet).Where(c => c.Column == "mobile"))
        {
            Assert.DoesNotContain(requested, r => r.Offset < chunk.Offset + chunk.Length && chunk.Offset < r.Offset + r.Length);
        }
    }

    [Fact]
    public async Task Full_NullFreeFieldsKnown_FewerCompanionsSameCells()
    {
        var parquet = WriteCopy(30_000, repeatedSubjects: true);
        LibraryParquet.IndexSubjects(parquet, "mobile", threads: 1, rowGroupRows: 10_000);
        var nullFree = LibraryParquet.ColumnStatistics(parquet, threads: 1).NullFree;
        const string Sql = "SELECT region, count(*) AS n, sum(amount) AS total, avg(employees) AS staff FROM t GROUP BY region ORDER BY region";
        var policy = new OutputCheckPolicy(10) { RoundingBase = 1 };
        var table = Whole(parquet) with { SubjectIndexed = true };

        var tested = await RunFull(Sql, table, long.MaxValue, policy);
        var known = await RunFull(Sql, table with { NullFreeFields = nullFree }, long.MaxValue, policy);

        // The test data has no empty amount or staff count, but records without a subject: mobile is not null-free.
        Assert.Contains("amount", nullFree);
        Assert.Contains("employees", nullFree);
        Assert.DoesNotContain("mobile", nullFree);
        Assert.DoesNotContain(SubjectIndex.Column, nullFree);
        Assert.True(known.Released, known.Detail);
        Assert.Equal(tested.Rows, known.Rows);
        Assert.Equal(tested.ReleasedCells, known.ReleasedCells);
        Assert.True(Companions(Sql, table with { NullFreeFields = nullFree }) < Companions(Sql, table), "known null-free fields should save the per-cell subject companions");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Full_FieldMagnitudesKnown_SameCellsAndDominanceAsTheTopAggregates(bool oneDominantFirm)
    {
        var parquet = WriteCopy(30_000, repeatedSubjects: true, dominantAmount: oneDominantFirm ? 1e9 : null);
        var summary = LibraryParquet.IndexSubjects(parquet, "mobile", threads: 1, rowGroupRows: 10_000)!;
        var magnitudes = LibraryParquet.ColumnStatistics(parquet, threads: 1).Magnitudes;
        const string Sql = "SELECT region, count(*) AS n, sum(amount) AS total, avg(amount) AS mean, max(employees) AS most FROM t GROUP BY region ORDER BY region";
        var policy = new OutputCheckPolicy(10) { RoundingBase = 1 };
        var table = Whole(parquet) with { SubjectIndexed = true, NullFreeFields = LibraryParquet.ColumnStatistics(parquet, threads: 1).NullFree };

        var computed = await RunFull(Sql, table, long.MaxValue, policy);
        var bounded = await RunFull(Sql, table with { FieldMagnitudes = magnitudes }, long.MaxValue, policy);
        // With the copy's tail, a cell the bound does not settle is decided by the top-n with subjects counted through the tail.
        var tailCounted = await RunFull(Sql, table with { FieldMagnitudes = magnitudes, RecordsWithoutUniqueSubject = summary.RecordsWithoutUniqueSubject }, long.MaxValue, policy);
        Assert.Equal(computed.Rows, tailCounted.Rows);
        Assert.Equal(computed.ReleasedCells, tailCounted.ReleasedCells);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(computed.Checks), System.Text.Json.JsonSerializer.Serialize(tailCounted.Checks));

        Assert.InRange(magnitudes["amount"], oneDominantFirm ? 1e9 : 990, oneDominantFirm ? 1e9 : 1000);
        Assert.DoesNotContain("region", magnitudes.Keys);
        Assert.True(bounded.Released, bounded.Detail);
        Assert.Equal(computed.Rows, bounded.Rows);
        Assert.Equal(computed.ReleasedCells, bounded.ReleasedCells);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(computed.Checks), System.Text.Json.JsonSerializer.Serialize(bounded.Checks));
        // The dominant firm's region has its amount cells suppressed either way (the bound sends it to the exact statement).
        Assert.Equal(oneDominantFirm, bounded.Rows.Any(row => row[2] is null));
    }

    [Fact]
    public void Analyse_FieldMagnitudesKnown_CheapStatementWithoutTheTopAggregates()
    {
        var table = Whole("unused.parquet") with { SubjectIndexed = true, FieldMagnitudes = new Dictionary<string, double> { ["amount"] = 500 } };

        var plan = Analyse("SELECT region, sum(amount) AS total, max(employees) AS most FROM t GROUP BY region", table);

        var top = Assert.Single(plan.TopBounds);
        Assert.Equal(1000, top.Value);
        Assert.Equal(plan.Items[1].TopColumn, top.Key);
        Assert.False(plan.CheapIsExact);
        Assert.Contains("\"max\"", plan.Statement, StringComparison.Ordinal);
        Assert.NotNull(plan.CheapStatement);
        Assert.NotEqual(plan.Statement, plan.CheapStatement);
    }

    [Theory]
    [InlineData("SELECT region, count(*) AS n FROM t WHERE __subject > 0 GROUP BY region")]
    [InlineData("SELECT region, count(DISTINCT __subject) AS people FROM t GROUP BY region")]
    [InlineData("SELECT region, sum(__subject) AS s FROM t GROUP BY region")]
    [InlineData("SELECT region, count(*) AS n FROM t WHERE rowid < 5 GROUP BY region")]
    [InlineData("SELECT count(*) AS n FROM read_parquet('/tmp/*.parquet')")]
    public async Task Full_StatementUsingThePlatformsColumnsOrTheStagedFile_NotReleased(string sql)
    {
        var parquet = WriteCopy(5_000, repeatedSubjects: true);
        LibraryParquet.IndexSubjects(parquet, "mobile", threads: 1, rowGroupRows: 10_000);

        var result = await RunFull(sql, Ranged(parquet, []) with { SubjectIndexed = true }, 0);

        // The index and the row number are columns of the job's view, but no granted field: the analysis or the gate refuses.
        Assert.Contains(result.Status, new[] { SandboxStatus.Withheld, SandboxStatus.Refused });
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void IndexSubjects_RepeatedSingleAndMissingSubjects_IndexedUniqueSubjectsFirstAndHiddenFromCsv()
    {
        var csvPath = Path.Combine(_directory, "subjects.csv");
        File.WriteAllText(csvPath, "region,mobile\n武汉市,mob_b\n宜昌市,mob_a\n襄阳市,\n武汉市,mob_b\n宜昌市,mob_c\n武汉市,mob_a\n武汉市,mob_b\n", new UTF8Encoding(false));
        var parquet = Path.Combine(_directory, "subjects.parquet");
        IReadOnlyList<FieldDefinition> fields = [Field("region"), Fields[5]];
        LibraryParquet.CsvToParquet(csvPath, parquet, fields, threads: 1);

        var summary = LibraryParquet.IndexSubjects(parquet, "mobile", threads: 1);

        Assert.Equal(new SubjectIndexSummary(3, 6), summary);
        using (var connection = new DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT region, mobile, {SubjectIndex.Column} FROM read_parquet({LibraryParquet.Literal(parquet)})";
            using var reader = command.ExecuteReader();
            var rows = new List<string>();
            while (reader.Read())
            {
                rows.Add($"{reader.GetString(0)}|{(reader.IsDBNull(1) ? "" : reader.GetString(1))}|{(reader.IsDBNull(2) ? "null" : reader.GetInt64(2).ToString(CultureInfo.InvariantCulture))}");
            }

            // mob_a (2 records) is 1 and mob_b (3) is 2 in pseudonym order; mob_c has one record and comes first; the empty
            // one has no subject. The records with an index other than 0 follow in their order.
            Assert.Equal(["宜昌市|mob_c|0", "武汉市|mob_b|2", "宜昌市|mob_a|1", "襄阳市||-1", "武汉市|mob_b|2", "武汉市|mob_a|1", "武汉市|mob_b|2"], rows);
        }

        var back = Path.Combine(_directory, "back.csv");
        LibraryParquet.ParquetToCsv(parquet, back, threads: 1);
        Assert.StartsWith("region,mobile\n", File.ReadAllText(back).ReplaceLineEndings("\n"));
        Assert.DoesNotContain(SubjectIndex.Column, File.ReadAllText(back));
    }

    private Task<SandboxResult> RunFull(string sql, SandboxTable table, long rangedReadMinBytes, OutputCheckPolicy? policy = null) =>
        new SandboxEngine(_staging, rangedReadMinBytes).RunAsync(new SandboxRequest([table], sql, SandboxMode.Full, Limits, policy ?? new OutputCheckPolicy(10)), CancellationToken.None);

    private static SandboxTable Whole(string parquet) =>
        new("t", Fields, _ => Task.FromResult<Stream>(new MemoryStream(File.ReadAllBytes(parquet)))) { Format = LibraryFormat.Parquet };

    private static SandboxTable Ranged(string parquet, ConcurrentBag<(long, long)> fetched) => Whole(parquet) with
    {
        Ranges = new SandboxTableRanges(
            _ => Task.FromResult(new FileInfo(parquet).Length),
            async (offset, length, destination, token) =>
            {
                fetched.Add((offset, length));
                var bytes = new byte[length];
                await using var file = File.OpenRead(parquet);
                file.Position = offset;
                await file.ReadExactlyAsync(bytes, token);
                await destination.WriteAsync(bytes, token);
            }),
    };

    /// <summary>A copy as provisioning writes it (row groups of 10,000 rows here, so that it has several).</summary>
    /// <param name="repeatedSubjects">The first 1,000 rows belong to 200 people with 5 records each, and every 997th row has no subject.</param>
    /// <param name="dominantAmount">When set, one firm (row 7, in 襄阳市) has this amount.</param>
    private string WriteCopy(int rows, int rowGroupRows = 10_000, bool repeatedSubjects = false, double? dominantAmount = null)
    {
        var csv = new StringBuilder("region,industry,amount,employees,registered_on,mobile,note\n");
        string[] regions = ["武汉市", "宜昌市", "襄阳市"];
        string[] industries = ["制造业", "建筑业", "信息技术"];
        var random = new Random(7);
        for (var i = 0; i < rows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{regions[i % 3]},{industries[(i / 3) % 3]},{(i == 7 && dominantAmount is { } dominant ? dominant : random.Next(1, 100_000) / 100.0)},{random.Next(1, 500)},{new DateOnly(2010, 1, 1).AddDays(random.Next(5000)):yyyy-MM-dd},{Mobile(i, random.NextInt64(), repeatedSubjects)},备注{random.NextInt64():x16}{random.Next()}\n");
        }

        var csvPath = Path.Combine(_directory, $"{Guid.NewGuid():N}.csv");
        var parquet = Path.ChangeExtension(csvPath, ".parquet");
        File.WriteAllText(csvPath, csv.ToString(), new UTF8Encoding(false));
        LibraryParquet.CsvToParquet(csvPath, parquet, Fields, threads: 1, rowGroupRows: rowGroupRows);
        return parquet;
    }

    private static ReleasePlan Analyse(string sql, SandboxTable table)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT json_serialize_sql(CAST($1 AS VARCHAR))";
        command.Parameters.Add(new DuckDBParameter(sql));
        return ReleaseAnalysis.Analyse((string)command.ExecuteScalar()!, [table], 2).Plan!;
    }

    private static int Companions(string sql, SandboxTable table)
    {
        var plan = Analyse(sql, table);
        return plan.ColumnCount - plan.Items.Count;
    }

    private static string Mobile(int row, long random, bool repeated) => !repeated ? $"mob_{random:x16}"
        : row % 997 == 5 ? string.Empty
        : row < 1000 ? $"mob_person{row % 200:000}"
        : $"mob_{random:x16}";

    private static List<(string Column, long Offset, long Length)> Chunks(string parquet)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT path_in_schema, coalesce(nullif(dictionary_page_offset, 0), data_page_offset), total_compressed_size FROM parquet_metadata({LibraryParquet.Literal(parquet)})";
        using var reader = command.ExecuteReader();
        var chunks = new List<(string, long, long)>();
        while (reader.Read())
        {
            chunks.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return chunks;
    }
}
