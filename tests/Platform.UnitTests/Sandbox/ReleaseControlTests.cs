using System.Globalization;
using System.Text;
using Platform.Domain.Catalog;
using Platform.Domain.Sandbox;
using Xunit;
using static Platform.UnitTests.Sandbox.SandboxTestData;

namespace Platform.UnitTests.Sandbox;

/// <summary>Issue 14 items 1–4 on the real engine: column policies, per-cell subject counts, dominance, rounding, secondary suppression, no oracle.</summary>
public class ReleaseControlTests
{
    private static OutputRuleResult Rule(SandboxResult result, string rule) => result.Checks!.Rules.Single(r => r.Rule == rule);

    private static void AssertRefused(SandboxResult result, string rule, string subject)
    {
        Assert.Equal(SandboxStatus.Withheld, result.Status);
        Assert.Equal(SandboxCodes.OutputWithheld, result.Code);
        Assert.Empty(result.Rows);
        var failed = Rule(result, rule);
        Assert.Equal(OutputRuleStatus.Failed, failed.Status);
        Assert.Contains(failed.Reasons, reason => reason.Contains(subject, StringComparison.Ordinal));
        Assert.Equal(OutputRuleStatus.NotEvaluated, Rule(result, OutputRules.MinRecords).Status);
    }

    /// <summary>Single-record aggregates and derived values of an identifier: refused before running, naming the column and the rule.</summary>
    [Theory]
    [InlineData("SELECT region, sum(CASE WHEN name = '张3' THEN age ELSE 0 END) FROM people GROUP BY region", "people.name")]
    [InlineData("SELECT region, count(*) FILTER (WHERE name = '张3') FROM people GROUP BY region", "people.name")]
    [InlineData("SELECT region, sum(income) FROM people GROUP BY region", "people.income")]
    [InlineData("SELECT region, avg(CAST(substr(name, 2, 1) AS INTEGER)) FROM people GROUP BY region", "people.name")]
    [InlineData("SELECT region, count(*) FROM people WHERE income > 1500 GROUP BY region", "people.income")]
    [InlineData("SELECT region, count(name) FROM people GROUP BY region", "people.name")]
    [InlineData("SELECT region, string_agg(name, ',') FROM people GROUP BY region", "people.name")]
    [InlineData("SELECT region, list(born) FROM people GROUP BY region", "people.born")]
    [InlineData("SELECT region, sum(age) OVER (PARTITION BY name) FROM people", "people.name")]
    [InlineData("SELECT p.region, count(*) FROM people p GROUP BY p.region ORDER BY max(p.income)", "p.income")]
    [InlineData("SELECT region, count(*) FROM people GROUP BY region ORDER BY main.people.name", "people.name")]
    [InlineData("SELECT p.region, count(*) FROM people p JOIN people q ON p.region = q.region WHERE q.born = DATE '1990-01-04' GROUP BY 1", "q.born")]
    [InlineData("SELECT region, max(age) FROM people GROUP BY region HAVING max(length(name)) > 2", "HAVING")]
    [InlineData("SELECT region, count(*) FROM people WHERE CASE WHEN name LIKE '张%' THEN error('yes') ELSE true END GROUP BY region", "people.name")]
    [InlineData("SELECT name, count(*) FROM people GROUP BY name", "name")]
    [InlineData("SELECT region, age FROM people GROUP BY region, age", "age")]
    [InlineData("SELECT region, sum(age) FROM people GROUP BY region ORDER BY 2", "#2")]
    [InlineData("SELECT region, sum(age) AS region_total FROM people GROUP BY region ORDER BY region_total", "region_total")]
    public async Task Full_ColumnOutsideItsPolicy_RefusedBeforeRunningNamingColumnAndRule(string sql, string subject)
    {
        var result = await Full(sql);

        Assert.Equal(SandboxStatus.Withheld, result.Status);
        Assert.Empty(result.Rows);
        var failed = result.Checks!.Failures.Single();
        Assert.Contains(failed.Rule, new[] { OutputRules.ColumnPolicy, OutputRules.PersonalFieldUnaggregated, OutputRules.UnsupportedQuery });
        Assert.Contains(failed.Reasons, reason => reason.Contains(subject, StringComparison.Ordinal));
        Assert.All(Enumerable.Range(0, 15), i => Assert.DoesNotContain($"张{i}", result.Detail!, StringComparison.Ordinal));
    }

    /// <summary>Shapes the analysis does not reason about are refused (fail closed), whatever they contain.</summary>
    [Theory]
    [InlineData("SELECT * FROM people")]
    [InlineData("SELECT COLUMNS('reg.*'), count(*) FROM people GROUP BY ALL")]
    [InlineData("SELECT people.region.x, count(*) FROM people GROUP BY 1")]
    [InlineData("SELECT region, count(*) FROM (SELECT * FROM people) GROUP BY region")]
    [InlineData("WITH p AS (SELECT region FROM people) SELECT region, count(*) FROM p GROUP BY region")]
    [InlineData("SELECT region, count(*) FROM people GROUP BY region UNION ALL SELECT 'x', 1")]
    [InlineData("SELECT region, count(*) FROM people GROUP BY ROLLUP (region)")]
    [InlineData("SELECT region, count(*) FROM people GROUP BY region LIMIT 1")]
    [InlineData("SELECT region, count(*) FROM people, LATERAL (SELECT 1) GROUP BY region")]
    [InlineData("SELECT p.region, count(*) FROM people p POSITIONAL JOIN people q GROUP BY 1")]
    [InlineData("SELECT region, count(*) + 0 FROM people GROUP BY region")]
    [InlineData("SELECT region, sum(age * 1) FROM people GROUP BY region")]
    [InlineData("SELECT upper(region), count(*) FROM people GROUP BY 1")]
    [InlineData("SELECT region, count(*) FROM people WHERE length(region) > 1 GROUP BY region")]
    [InlineData("SELECT region, count(*) AS __sdc_g9 FROM people GROUP BY region")]
    [InlineData("SELECT rowid, count(*) FROM people GROUP BY 1")]
    [InlineData("SELECT count(*) FROM range(100)")]
    public async Task Full_ShapeOutsideTheGrammar_Refused(string sql)
    {
        var result = await Full(sql);

        Assert.Equal(SandboxStatus.Withheld, result.Status);
        Assert.Empty(result.Rows);
        Assert.NotEmpty(result.Checks!.Failures);
    }

    [Fact]
    public async Task Full_FilteredCountOfFewSubjects_CellSuppressedRowReleased()
    {
        // 武汉 has 12 people, but only 2 of them are over 32: that cell is fed by 2 subjects.
        var result = await Full(Unrounded, "SELECT region, count(*) AS n, count(*) FILTER (WHERE age > 32) AS old FROM people GROUP BY region ORDER BY region");

        Assert.Equal(SandboxStatus.Released, result.Status);
        var row = Assert.Single(result.Rows);
        Assert.Equal("武汉", row[0]);
        // The row total would give the suppressed cell away (12 − released = 2): it is suppressed too.
        Assert.Null(row[2]);
        Assert.Null(row[1]);
        Assert.Equal(1L, result.Checks!.SuppressedCells[OutputRules.MinRecords]);
        Assert.Equal(1L, result.Checks.SuppressedCells[OutputRules.SecondarySuppression]);
        Assert.Equal(1L, result.Checks.SuppressedRows);
    }

    [Fact]
    public async Task Full_MeasureFilteredToOneRecordThroughDimensions_Suppressed()
    {
        var result = await Full("SELECT region, sum(age) FILTER (WHERE age = 34) AS one, avg(age) AS mean FROM people GROUP BY region");

        // The row is released (12 people), the cell fed by one record is not; avg of the same measure could give it
        // back against the row's total, so it goes too.
        var row = Assert.Single(result.Rows);
        Assert.Equal("武汉", row[0]);
        Assert.Null(row[1]);
        Assert.Null(row[2]);
        Assert.Equal((1L, 1L), (result.Checks!.SuppressedCells[OutputRules.MinRecords], result.Checks.SuppressedCells[OutputRules.SecondarySuppression]));
    }

    [Fact]
    public async Task Full_QuantileUnderTwiceK_Suppressed()
    {
        var result = await Full("SELECT region, median(age) AS m, avg(age) AS a FROM people GROUP BY region");

        var row = Assert.Single(result.Rows);
        Assert.Null(row[1]);
        Assert.NotNull(row[2]);
    }

    [Fact]
    public async Task Full_OneContributorDominates_SumSuppressed()
    {
        var csv = new StringBuilder("g,v\n");
        for (var i = 0; i < 20; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"a,{(i == 0 ? 1_000_000 : 10)}\n");
            csv.Append(CultureInfo.InvariantCulture, $"b,{100 + i}\n");
        }

        var table = Table("t", [Field("g"), Field("v", FieldClassification.Internal, FieldType.Integer)], csv.ToString());

        var result = await Full(Unrounded, "SELECT g, sum(v) AS total, max(v) AS top, count(*) AS n FROM t GROUP BY g ORDER BY g", table);

        Assert.Equal(SandboxStatus.Released, result.Status);
        Assert.Equal(["a", null, null, "20"], result.Rows[0]);
        Assert.Equal("b", result.Rows[1][0]);
        Assert.Equal("2190", result.Rows[1][1]);
        Assert.Equal(2L, result.Checks!.SuppressedCells[OutputRules.Dominance]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Full_OneSubjectsRecordsTogetherDominate_SumSuppressedOnlyWhenTheyAreOneSubject(bool oneFirm)
    {
        // Group a: 20 firms of 10 each and three records of 1,000. As three firms, the two largest hold 62.5 % of 3,200; as
        // one firm (M5.1 counts contributors, not records), it and the next hold 94 %: past p = 85 %.
        var csv = new StringBuilder("g,firm,v\n");
        for (var i = 0; i < 20; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"a,firm_a{i},10\n");
            csv.Append(CultureInfo.InvariantCulture, $"b,firm_b{i},{100 + i}\n");
        }

        for (var i = 0; i < 3; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"a,{(oneFirm ? "firm_big" : $"firm_big{i}")},1000\n");
        }

        IReadOnlyList<FieldDefinition> fields =
        [
            Field("g"),
            new("firm", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.IdNumber, false),
            Field("v", FieldClassification.Internal, FieldType.Integer),
        ];
        var table = Table("t", fields, csv.ToString()) with { MaxRecordsPerSubject = oneFirm ? 3 : 1 };

        var result = await Full(Unrounded, "SELECT g, sum(v) AS total, count(*) AS n FROM t GROUP BY g ORDER BY g", table);

        Assert.Equal(SandboxStatus.Released, result.Status);
        Assert.Equal(oneFirm ? null : "3200", result.Rows[0][1]);
        Assert.Equal("2190", result.Rows[1][1]);
        Assert.Equal(oneFirm ? 1L : 0L, result.Checks!.SuppressedCells.GetValueOrDefault(OutputRules.Dominance));
    }

    [Fact]
    public async Task Full_Counts_RoundedToBaseFive()
    {
        var result = await Full("SELECT region, count(*) AS n, count(DISTINCT name) AS people, sum(age) AS s FROM people GROUP BY region");

        var row = Assert.Single(result.Rows);
        Assert.Equal(["武汉", "10", "10", "342"], row);
        Assert.Equal(5, result.Checks!.RoundingBase);
        Assert.Equal(OutputRuleStatus.Passed, Rule(result, OutputRules.Rounding).Status);
    }

    [Fact]
    public async Task Full_ManyRecordsOfOnePerson_CountOnce()
    {
        // One person with 30 records: 30 rows, one subject.
        var fields = new[]
        {
            new FieldDefinition("idn", FieldType.String, FieldClassification.SensitivePersonal, FieldGrade.General, IdentifierKind.IdNumber, false),
            Field("region"),
        };
        var csv = "idn,region\n" + string.Concat(Enumerable.Repeat("idn_same,武汉\n", 30)) + string.Concat(Enumerable.Range(0, 12).Select(i => $"idn_{i},宜昌\n"));
        var table = Table("visits", fields, csv);

        var result = await Full(Unrounded, "SELECT region, count(*) AS visits, count(DISTINCT idn) AS people FROM visits GROUP BY region", table);

        var row = Assert.Single(result.Rows);
        Assert.Equal(["宜昌", "12", "12"], row);
        Assert.Equal(1L, result.Checks!.SuppressedRows);
    }

    [Theory]
    [InlineData(30L)]
    [InlineData(1000L)]
    [InlineData(null)]
    public async Task Full_RecordCountBoundsKnownOrNot_SameReleaseAsExactCounting(long? maxRecordsPerSubject)
    {
        var fields = new[]
        {
            new FieldDefinition("idn", FieldType.String, FieldClassification.SensitivePersonal, FieldGrade.General, IdentifierKind.IdNumber, false),
            Field("region"),
        };
        var csv = "idn,region\n" + string.Concat(Enumerable.Repeat("idn_same,武汉\n", 30)) + string.Concat(Enumerable.Range(0, 12).Select(i => $"idn_{i},宜昌\n"))
            + string.Concat(Enumerable.Range(0, 400).Select(i => $"idn_x{i},荆州\n"));
        var table = Table("visits", fields, csv) with { MaxRecordsPerSubject = maxRecordsPerSubject };

        var result = await Full(Unrounded, "SELECT region, count(*) AS visits FROM visits GROUP BY region ORDER BY region", table);

        Assert.Equal([["宜昌", "12"], ["荆州", "400"]], result.Rows.Select(r => r.ToArray()));
        Assert.Equal(1L, result.Checks!.SuppressedRows);
    }

    [Fact]
    public async Task Full_JoinOnIdentifierKeys_CountsSubjectsOfBothSides()
    {
        var person = new FieldDefinition("idn", FieldType.String, FieldClassification.SensitivePersonal, FieldGrade.General, IdentifierKind.IdNumber, false);
        var people = Table("persons", [person, Field("region")], "idn,region\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"p{i},{(i < 15 ? "武汉" : "宜昌")}\n")));
        var visits = Table("visits", [person, Field("kind", FieldClassification.Internal)], "idn,kind\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"p{i % 20},{(i % 20 == 0 ? "急诊" : "门诊")}\n")));

        var result = await Full(Unrounded, "SELECT p.region, v.kind, count(*) AS n FROM persons p JOIN visits v ON p.idn = v.idn GROUP BY 1, 2 ORDER BY 1, 2", people, visits);

        Assert.Equal(SandboxStatus.Released, result.Status);
        Assert.Equal([["武汉", "门诊", "28"]], result.Rows.Select(r => r.ToArray()));
    }

    [Fact]
    public async Task Full_FailsOnData_GenericReasonSpecificOnlyForAudit()
    {
        var table = Table("t", [Field("g"), Field("v", FieldClassification.Internal, FieldType.Integer)], "g,v\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"a,{i}\n")));

        var result = await Full("SELECT g, sum(v) FROM t WHERE g = CAST('x' AS INTEGER) GROUP BY g", table);

        Assert.Equal(SandboxStatus.Failed, result.Status);
        Assert.Equal(SandboxCodes.QueryFailed, result.Code);
        Assert.Equal(Platform.Adapters.Sandbox.SandboxEngine.GenericFailure, result.Detail);
        Assert.Equal(TimeSpan.Zero, result.Elapsed);
        Assert.Contains("Conversion Error", result.AuditDetail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Full_ProviderTightensDimensionToIdentifier_Refused()
    {
        var table = People() with { Policies = new Dictionary<string, ColumnPolicy> { ["region"] = ColumnPolicy.Identifier } };

        var result = await Full("SELECT region, count(*) FROM people GROUP BY region", table);

        AssertRefused(result, OutputRules.PersonalFieldUnaggregated, "people.region");
    }

    [Fact]
    public async Task Full_GrantTriesToLoosenIdentifier_StaysIdentifier()
    {
        var table = People() with { Policies = new Dictionary<string, ColumnPolicy> { ["name"] = ColumnPolicy.Dimension } };

        var result = await Full("SELECT name, count(*) FROM people GROUP BY name", table);

        AssertRefused(result, OutputRules.PersonalFieldUnaggregated, "people.name");
    }

    /// <summary>Legitimate shapes: constants, aliases, positional and qualified names, IN/BETWEEN/LIKE/NOT, casts of constants, GROUP BY ALL.</summary>
    [Theory]
    [InlineData("SELECT p.region AS r, count(*) AS n FROM main.people AS p WHERE p.region IN ('武汉', '宜昌') AND NOT (age BETWEEN 0 AND 1) GROUP BY r ORDER BY r DESC")]
    [InlineData("SELECT region, count(DISTINCT name) AS people, avg(age) FILTER (WHERE age >= CAST('20' AS INTEGER)) AS mean FROM people WHERE region LIKE '武%' GROUP BY ALL")]
    [InlineData("SELECT memory.main.people.region, stddev_samp(age), var_pop(age), min(age), max(age), 'note' AS note FROM people GROUP BY 1")]
    [InlineData("SELECT region, count(age) FROM people WHERE age IS NOT NULL AND age > -5 GROUP BY region ORDER BY 1")]
    public async Task Full_LegitimateAggregate_Released(string sql)
    {
        var result = await Full(sql);

        Assert.True(result.Status == SandboxStatus.Released, result.Detail);
        var row = Assert.Single(result.Rows);
        Assert.Equal("武汉", row[0]);
        Assert.DoesNotContain(result.Columns, c => c.Name.StartsWith(ReleaseAnalysis.CompanionPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Full_TwoCountsDifferingByOnePerson_BothSuppressed()
    {
        // 武汉: 12 people, one aged 34. count(*) beside count(*) FILTER (WHERE age <> 34) would differ by that one person.
        var result = await Full(Unrounded, "SELECT region, count(*) AS everyone, count(*) FILTER (WHERE age <> 34) AS others, sum(age) AS s FROM people GROUP BY region");

        var row = Assert.Single(result.Rows);
        Assert.Equal(["武汉", null, null, "342"], row);
        Assert.Equal(2L, result.Checks!.SuppressedCells[OutputRules.Differencing]);
    }
}
