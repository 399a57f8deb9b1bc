using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Platform.Adapters.Grants;
using Platform.Adapters.Sandbox;
using Platform.Domain.Catalog;
using Platform.Domain.Sandbox;

namespace Platform.UnitTests.Sandbox;

/// <summary>
/// Issue 14 "Show": generated <c>full</c> statements over a register with personal fields, run on real data in the real
/// engine. (1) Attack statements — random nesting of aggregates, CASE, FILTER, casts, string functions, arithmetic,
/// subqueries and windows over every column — never release a cell that shows a personal value or one subject's
/// income. (2) Statements inside the grammar — filtered aggregates of dimensions and measures — release only cells whose
/// contributing records, recomputed here from the data, hold at least k distinct subjects (2k for quantiles), with
/// counts on the rounding base.
/// </summary>
public sealed class ReleasePropertyTests
{
    public const int K = 5;

    [Property(Arbitrary = [typeof(ReleaseArbitraries)], MaxTest = 150)]
    public bool Attack_Released_NoCellShowsAPersonalValue(AttackStatement attack)
    {
        var result = Run(attack.Sql);
        if (!result.Released)
        {
            return result.Rows.Count == 0 && !Register.People.Any(p => (result.Detail ?? "").Contains(p.Name, StringComparison.Ordinal));
        }

        foreach (var cell in result.Rows.SelectMany(row => row).OfType<string>())
        {
            if (Register.People.Any(p => cell.Contains(p.Name, StringComparison.Ordinal) || cell.Contains(p.IdNumber, StringComparison.Ordinal)))
            {
                return false;
            }

            // No released number equals one subject's income (or a simple function of it: itself, negated, doubled).
            if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                && Register.People.Any(p => new[] { p.Income, -p.Income, 2 * p.Income }.Any(v => Math.Abs(v - number) < 1e-6)))
            {
                return false;
            }
        }

        return true;
    }

    [Property(Arbitrary = [typeof(ReleaseArbitraries)], MaxTest = 150)]
    public bool Legitimate_Released_EveryCellHasKSubjectsAndRoundedCounts(LegitStatement statement)
    {
        // As provisioning records it: one person has at most 3 records, so the cheap record-count bounds are used where they decide.
        return EveryCellHasKSubjects(statement, Run(statement.Sql, Register.Table() with { MaxRecordsPerSubject = 3 }));
    }

    [Property(Arbitrary = [typeof(ReleaseArbitraries)], MaxTest = 100)]
    public bool Legitimate_SubjectIndexedCopyWithItsTail_EveryCellHasKSubjectsAndRoundedCounts(LegitStatement statement)
    {
        // The copy as provisioning writes it (Parquet, subject index on the ID number, statistics): subjects are counted
        // as records less the tail's records plus the tail's distinct subjects wherever the output tells groups apart.
        return EveryCellHasKSubjects(statement, Run(statement.Sql, Register.IndexedCopy.Value));
    }

    private static bool EveryCellHasKSubjects(LegitStatement statement, SandboxResult result)
    {
        if (!result.Released)
        {
            // Within the grammar a statement is refused only for a dimension-free, aggregate-free select: never here.
            return false;
        }

        foreach (var row in result.Rows)
        {
            var group = Register.Records.Where(r => statement.Where.Eval(r) && (!statement.ByRegion || r.Region == row[0])).ToList();
            if (group.Select(r => r.IdNumber).Distinct().Count() < K)
            {
                return false;
            }

            for (var i = 0; i < statement.Aggregates.Count; i++)
            {
                var cell = row[i + (statement.ByRegion ? 1 : 0)];
                if (cell is null)
                {
                    continue;
                }

                var aggregate = statement.Aggregates[i];
                var subjects = group.Where(aggregate.Filter.Eval).Select(r => r.IdNumber).Distinct().Count();
                if (subjects < (aggregate.Function == "median" ? 2 * K : K))
                {
                    return false;
                }

                if (aggregate.Function.StartsWith("count", StringComparison.Ordinal) && long.Parse(cell, CultureInfo.InvariantCulture) % 5 != 0)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static SandboxResult Run(string sql, SandboxTable? table = null) =>
        new SandboxEngine().RunAsync(
            new SandboxRequest([table ?? Register.Table()], sql, SandboxMode.Full, SandboxTestData.Limits, new OutputCheckPolicy(K)),
            CancellationToken.None).GetAwaiter().GetResult();
}

/// <summary>One record of the register: a person (several records per person), a public region, an internal score and a sensitive income.</summary>
public sealed record RegisterRecord(string IdNumber, string Name, string Region, string Grade, int Score, double Income);

public static class Register
{
    public static readonly string[] Regions = ["武昌区", "江岸区", "洪山区", "蔡甸区"];

    public static readonly IReadOnlyList<RegisterRecord> People = BuildPeople();

    /// <summary>Each person has 1–3 records: counting records instead of people would be visible.</summary>
    public static readonly IReadOnlyList<RegisterRecord> Records = People.SelectMany((p, i) => Enumerable.Repeat(p, 1 + (i % 3))).ToList();

    public static readonly IReadOnlyList<FieldDefinition> Fields =
    [
        new("idn", FieldType.String, FieldClassification.SensitivePersonal, FieldGrade.General, IdentifierKind.IdNumber, false),
        new("name", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Name, false),
        new("region", FieldType.String, FieldClassification.Public, FieldGrade.General, null, true),
        new("grade", FieldType.String, FieldClassification.Internal, FieldGrade.General, null, false),
        new("score", FieldType.Integer, FieldClassification.Internal, FieldGrade.General, null, false),
        new("income", FieldType.Decimal, FieldClassification.SensitivePersonal, FieldGrade.General, null, false),
    ];

    /// <summary>The register as a Parquet library copy with the subject index on the ID number and the copy's statistics.</summary>
    public static readonly Lazy<SandboxTable> IndexedCopy = new(() =>
    {
        var directory = Directory.CreateTempSubdirectory("release-property-").FullName;
        var csvPath = Path.Combine(directory, "people.csv");
        var parquet = Path.Combine(directory, "people.parquet");
        File.WriteAllText(csvPath, Csv(), new UTF8Encoding(false));
        LibraryParquet.CsvToParquet(csvPath, parquet, Fields, threads: 1);
        var subjects = LibraryParquet.IndexSubjects(parquet, "idn", threads: 1)!;
        var statistics = LibraryParquet.ColumnStatistics(parquet, threads: 1);
        var bytes = File.ReadAllBytes(parquet);
        Directory.Delete(directory, recursive: true);
        return new SandboxTable("people", Fields, _ => Task.FromResult<Stream>(new MemoryStream(bytes)))
        {
            Format = Platform.Domain.Grants.LibraryFormat.Parquet,
            SubjectIndexed = true,
            MaxRecordsPerSubject = subjects.MostPerSubject,
            RecordsWithoutUniqueSubject = subjects.RecordsWithoutUniqueSubject,
            NullFreeFields = statistics.NullFree,
            FieldMagnitudes = statistics.Magnitudes,
            NonNegativeFields = statistics.NonNegative,
        };
    });

    public static SandboxTable Table() => SandboxTestData.Table("people", Fields, Csv());

    private static string Csv()
    {
        var csv = new StringBuilder("idn,name,region,grade,score,income\n");
        foreach (var r in Records)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{r.IdNumber},{r.Name},{r.Region},{r.Grade},{r.Score},{r.Income.ToString("R", CultureInfo.InvariantCulture)}\n");
        }

        return csv.ToString();
    }

    private static List<RegisterRecord> BuildPeople()
    {
        // 武昌区 30 people, 江岸区 12, 洪山区 4, 蔡甸区 1: groups on both sides of k.
        int[] sizes = [30, 12, 4, 1];
        var people = new List<RegisterRecord>();
        for (var region = 0; region < sizes.Length; region++)
        {
            for (var i = 0; i < sizes[region]; i++)
            {
                var n = people.Count;
                people.Add(new RegisterRecord($"idn_{n:000}", $"居民{(char)(0x4E00 + (n * 37 % 2000))}{n}", Regions[region], n % 4 == 0 ? "A" : "B", 20 + (n * 7 % 50), 3000 + (n * 97.13)));
            }
        }

        return people;
    }
}

/// <summary>A predicate the generator writes both as SQL and as a function over a record.</summary>
public sealed record Predicate(string Sql, Func<RegisterRecord, bool> Eval)
{
    public static readonly Predicate True = new("true", _ => true);
}

public sealed record LegitAggregate(string Function, string Argument, Predicate Filter)
{
    public string Sql => Function switch
    {
        "count_star" => $"count(*) FILTER (WHERE {Filter.Sql})",
        "count_distinct" => $"count(DISTINCT {Argument}) FILTER (WHERE {Filter.Sql})",
        _ => $"{Function}({Argument}) FILTER (WHERE {Filter.Sql})",
    };
}

public sealed record LegitStatement(bool ByRegion, IReadOnlyList<LegitAggregate> Aggregates, Predicate Where)
{
    public string Sql =>
        $"SELECT {(ByRegion ? "region, " : "")}{string.Join(", ", Aggregates.Select(a => a.Sql))} FROM people WHERE {Where.Sql}{(ByRegion ? " GROUP BY region" : "")}";

    public override string ToString() => Sql;
}

public sealed record AttackStatement(string Sql)
{
    public override string ToString() => Sql;
}

public static class ReleaseArbitraries
{
    private static readonly string[] AllColumns = ["idn", "name", "region", "grade", "score", "income", "p.name", "people.income", "main.people.idn", "#1", "rowid"];

    public static Arbitrary<LegitStatement> Legit() =>
        (from byRegion in Gen.Elements(true, false)
         from count in Gen.Choose(1, 4)
         from aggregates in Gen.ArrayOf(LegitAggregateGen(), count)
         from condition in Gen.OneOf(Gen.Constant(Predicate.True), PredicateGen())
         select new LegitStatement(byRegion, aggregates, condition)).ToArbitrary();

    public static Arbitrary<AttackStatement> Attacks() =>
        (from item in Gen.Sized(size => Expression(Math.Min(size, 4)))
         from grouping in Gen.Elements("", " GROUP BY region", " GROUP BY ALL", " GROUP BY 1", " GROUP BY name", " GROUP BY region, grade")
         from condition in Gen.Elements("", " WHERE name LIKE '居民%'", " WHERE income > 3500", " WHERE region = '蔡甸区'", " WHERE score BETWEEN 20 AND 40", " WHERE idn = 'idn_046'")
         from lead in Gen.Elements("", "region, ", "grade, ")
         select new AttackStatement($"SELECT {lead}{item} AS v FROM people p{condition}{grouping}")).ToArbitrary();

    private static Gen<LegitAggregate> LegitAggregateGen() =>
        from function in Gen.Elements("count_star", "count_distinct", "sum", "avg", "max", "min", "median", "stddev_samp", "count")
        from argument in function == "count_distinct" ? Gen.Elements("idn", "name", "grade") : Gen.Constant("score")
        from filter in Gen.OneOf(Gen.Constant(Predicate.True), PredicateGen())
        select new LegitAggregate(function, argument, filter);

    private static Gen<Predicate> PredicateGen() =>
        Gen.OneOf(
            Gen.Choose(20, 70).Select(c => new Predicate($"score > {c}", r => r.Score > c)),
            Gen.Choose(20, 70).Select(c => new Predicate($"score <= {c}", r => r.Score <= c)),
            Gen.Elements(Register.Regions).Select(g => new Predicate($"region = '{g}'", r => r.Region == g)),
            Gen.Elements("A", "B").Select(g => new Predicate($"grade <> '{g}'", r => r.Grade != g)),
            Gen.Choose(20, 70).Select(c => new Predicate($"NOT (score BETWEEN {c} AND {c + 5})", r => !(r.Score >= c && r.Score <= c + 5))),
            Gen.Choose(20, 70).Select(c => new Predicate($"(grade = 'A' OR score = {c})", r => r.Grade == "A" || r.Score == c)));

    /// <summary>Random expressions over every column, personal ones included.</summary>
    private static Gen<string> Expression(int depth)
    {
        var leaf = Gen.OneOf(
            Gen.Elements(AllColumns).Select(c => c == "#1" ? "#1" : c),
            Gen.Elements("1", "0", "'x'", "3333.13", "NULL"));
        if (depth <= 0)
        {
            return leaf;
        }

        var sub = Expression(depth - 1);
        return Gen.OneOf(
            leaf,
            from f in Gen.Elements("sum", "avg", "max", "min", "count", "median", "list", "string_agg", "stddev_samp", "first", "arg_max", "mode", "any_value", "bit_or")
            from a in sub
            from distinct in Gen.Elements("", "DISTINCT ")
            select f is "string_agg" or "arg_max" ? $"{f}({a}, {a})" : $"{f}({distinct}{a})",
            from f in Gen.Elements("sum", "count", "max", "avg")
            from a in sub
            from c in sub
            select $"{f}({a}) FILTER (WHERE {c} = {c})",
            from c in sub
            from a in sub
            from b in sub
            select $"CASE WHEN {c} = 'idn_046' THEN {a} ELSE {b} END",
            from a in sub
            from t in Gen.Elements("INTEGER", "VARCHAR", "DOUBLE", "DATE")
            select $"CAST({a} AS {t})",
            from a in sub
            from f in Gen.Elements("substr({0}, 1, 1)", "length({0})", "upper({0})", "{0}::VARCHAR || ''", "ascii({0})", "hash({0})")
            select string.Format(CultureInfo.InvariantCulture, f, a),
            from a in sub
            from b in sub
            from op in Gen.Elements("+", "-", "*", "/", "%")
            select $"({a} {op} {b})",
            from a in sub
            select $"(SELECT max({a}) FROM people)",
            from a in sub
            from w in Gen.Elements("OVER ()", "OVER (PARTITION BY name)", "OVER (ORDER BY income ROWS 1 PRECEDING)")
            select $"sum({a}) {w}",
            from a in sub
            select $"count(DISTINCT {a})");
    }
}
