using System.Text;
using DuckDB.NET.Data;
using Platform.Adapters.Grants;
using Platform.Domain.Catalog;
using Platform.Domain.Grants;
using Platform.Domain.Sandbox;
using Xunit;
using static Platform.UnitTests.Sandbox.SandboxTestData;

namespace Platform.UnitTests.Sandbox;

/// <summary>Issue 18.1: the columnar library copy, and the sandbox loading it as it loads a CSV copy.</summary>
public sealed class LibraryParquetTests : IDisposable
{
    private static readonly IReadOnlyList<FieldDefinition> Fields =
    [
        Field("region"),
        Field("name", FieldClassification.Personal),
        Field("income", FieldClassification.SensitivePersonal, FieldType.Decimal),
        Field("age", FieldClassification.Internal, FieldType.Integer),
        Field("born", FieldClassification.Personal, FieldType.Date),
        Field("seen", FieldClassification.Internal, FieldType.DateTime),
        Field("active", FieldClassification.Internal, FieldType.Boolean),
    ];

    // Chinese text, a quoted comma, a quoted empty string, unquoted empty values (null) in every type, a '#' at a row's start.
    private const string Csv =
        "region,name,income,age,born,seen,active\n" +
        "武汉市,\"张三, 李四\",1000.5,31,1990-01-02,2024-05-01T08:00:00Z,true\n" +
        "宜昌市,\"\",,,,,\n" +
        ",王五,-2.25,0,2000-12-31,2024-05-01 10:30:00+08:00,false\n" +
        "#襄阳市,赵六,3,45,1979-06-30,2023-01-01T00:00:00Z,true\n";

    private readonly string _directory = Directory.CreateTempSubdirectory("library-parquet-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void CsvToParquet_CatalogueTypes_ColumnsTypedAndRowsCounted()
    {
        var parquet = ToParquet(Csv, Fields);

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var described = LibraryParquet.Describe(connection, LibraryParquet.ParquetSource(parquet));

        Assert.Equal(Fields.Select(f => (f.Name, LibraryParquet.DescribedType(f.Type))), described);
        Assert.Equal("PAR1", Encoding.ASCII.GetString(File.ReadAllBytes(parquet)[..4]));
    }

    [Fact]
    public async Task Load_ParquetCopy_SameTableAsTheCsvCopy()
    {
        var parquet = ToParquet(Csv, Fields);
        const string Sql = "SELECT region, name, income, age, born, seen, active, name IS NULL AS name_null, income IS NULL AS income_null FROM t ORDER BY age NULLS LAST";

        var fromCsv = await Run(Sql, SandboxMode.Sample, null, 10, Table("t", Fields, Csv));
        var fromParquet = await Run(Sql, SandboxMode.Sample, null, 10, ParquetTable("t", Fields, parquet));

        Assert.True(fromParquet.Released, fromParquet.Detail);
        Assert.Equal(fromCsv.Columns, fromParquet.Columns);
        Assert.Equal(fromCsv.Rows, fromParquet.Rows);
        Assert.Equal(4, fromParquet.Rows.Count);
        Assert.Equal(["武汉市", "张三, 李四"], fromParquet.Rows[1].Take(2));
        Assert.Equal("", fromParquet.Rows[3][1]);
        Assert.Null(fromParquet.Rows[3][2]);
        Assert.Equal("#襄阳市", fromParquet.Rows[2][0]);
        Assert.Equal(fromCsv.ResultHash, fromParquet.ResultHash);
    }

    [Fact]
    public async Task Load_ParquetCopyWithValueNotOfItsType_KeptAsTextWithTheCsvNote()
    {
        var csv = "region,income\n武汉市,12.5\n宜昌市,约三千\n";
        IReadOnlyList<FieldDefinition> fields = [Field("region"), Field("income", FieldClassification.Internal, FieldType.Decimal)];
        var parquet = ToParquet(csv, fields);

        var fromCsv = await Run("SELECT * FROM t ORDER BY region", SandboxMode.Sample, null, 10, Table("t", fields, csv));
        var fromParquet = await Run("SELECT * FROM t ORDER BY region", SandboxMode.Sample, null, 10, ParquetTable("t", fields, parquet));

        Assert.Equal(["t.income: 1 value(s) are not decimal; loaded as text."], fromParquet.LoadNotes);
        Assert.Equal(fromCsv.LoadNotes, fromParquet.LoadNotes);
        Assert.Equal(fromCsv.Rows, fromParquet.Rows);
        Assert.Equal("约三千", fromParquet.Rows[0][1]);
    }

    [Fact]
    public void ParquetToCsv_ParquetCopy_ChineseTextAndNullsRoundTrip()
    {
        var parquet = ToParquet(Csv, Fields);
        var csv = Path.Combine(_directory, "back.csv");

        var rows = LibraryParquet.ParquetToCsv(parquet, csv);

        var lines = File.ReadAllLines(csv, Encoding.UTF8);
        Assert.Equal(4, rows);
        Assert.Equal("region,name,income,age,born,seen,active", lines[0]);
        Assert.Equal("武汉市,\"张三, 李四\",1000.5,31,1990-01-02,2024-05-01 08:00:00+00,true", lines[1]);
        Assert.Equal("宜昌市,\"\",,,,,", lines[2]);
    }

    [Theory]
    [InlineData("req-1/res-1.csv", "req-1/res-1.parquet")]
    [InlineData("req-1/res-1", "req-1/res-1.parquet")]
    public void ParquetPathFor_CsvPath_ParquetBesideIt(string csv, string expected)
    {
        Assert.Equal(expected, LibraryParquet.ParquetPathFor(csv));
    }

    private string ToParquet(string csv, IReadOnlyList<FieldDefinition> fields)
    {
        var csvPath = Path.Combine(_directory, $"{Guid.NewGuid():N}.csv");
        var parquet = Path.ChangeExtension(csvPath, ".parquet");
        File.WriteAllText(csvPath, csv, new UTF8Encoding(false));
        var rows = LibraryParquet.CsvToParquet(csvPath, parquet, fields, threads: 1);
        Assert.Equal(csv.Count(c => c == '\n') - 1, rows);
        return parquet;
    }

    private static SandboxTable ParquetTable(string name, IReadOnlyList<FieldDefinition> fields, string parquet) =>
        new(name, fields, _ => Task.FromResult<Stream>(new MemoryStream(File.ReadAllBytes(parquet)))) { Format = LibraryFormat.Parquet };
}
