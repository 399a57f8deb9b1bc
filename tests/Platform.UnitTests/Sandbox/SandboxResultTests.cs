using System.Security.Cryptography;
using System.Text;
using Platform.Domain.Catalog;
using Platform.Domain.Sandbox;
using Xunit;
using static Platform.UnitTests.Sandbox.SandboxTestData;

namespace Platform.UnitTests.Sandbox;

public class SandboxResultTests
{
    [Fact]
    public async Task Run_ChineseText_RoundTrips()
    {
        var table = Table("地区表", [Field("地区"), Field("说明")], "地区,说明\n湖北省武汉市,\"含逗号,和\"\"引号\"\"\"\n");

        var result = await Run("SELECT 地区, 说明, '数据可用不可见' AS 口号 FROM 地区表", tables: table);

        Assert.Equal(SandboxStatus.Released, result.Status);
        Assert.Equal(["地区", "说明", "口号"], result.Columns.Select(c => c.Name));
        Assert.Equal(["湖北省武汉市", "含逗号,和\"引号\"", "数据可用不可见"], result.Rows.Single());
    }

    [Fact]
    public async Task Run_DeclaredTypes_LoadedTypedAndFormattedInvariantly()
    {
        var table = Table(
            "t",
            [
                Field("i", type: FieldType.Integer), Field("d", type: FieldType.Decimal), Field("day", type: FieldType.Date),
                Field("ts", type: FieldType.DateTime), Field("ok", type: FieldType.Boolean),
            ],
            "i,d,day,ts,ok\n42,1.25,2024-02-29,2024-03-01T08:30:00+08:00,true\n,,,,\n");

        var result = await Run("SELECT i, d, day, ts, ok, i * 2 AS twice FROM t ORDER BY i NULLS LAST", tables: table);

        Assert.True(result.Released, result.Detail);
        Assert.Equal(["BIGINT", "DOUBLE", "DATE", "TIMESTAMP WITH TIME ZONE", "BOOLEAN", "BIGINT"], result.Columns.Select(c => c.Type));
        Assert.Equal(["42", "1.25", "2024-02-29", "2024-03-01T00:30:00Z", "true", "84"], result.Rows[0]);
        Assert.All(result.Rows[1], Assert.Null);
        Assert.Empty(result.LoadNotes);
    }

    [Fact]
    public async Task Run_ValueBreaksDeclaredType_KeptAsTextWithNote()
    {
        // A masked sample generalises birth dates to the year.
        var table = Table("t", [Field("born", type: FieldType.Date)], "born\n1990\n1985\n");

        var result = await Run("SELECT born FROM t ORDER BY born", tables: table);

        Assert.Equal("VARCHAR", result.Columns.Single().Type);
        Assert.Equal(["1985", "1990"], result.Rows.Select(r => r[0]));
        Assert.Contains(result.LoadNotes, note => note.Contains("t.born", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_GrantedFieldMissingFromData_NotLoadedWithNote()
    {
        var table = Table("t", [Field("a"), Field("b")], "a\nx\n");

        var result = await Run("SELECT * FROM t", tables: table);

        Assert.Equal(["a"], result.Columns.Select(c => c.Name));
        Assert.Contains(result.LoadNotes, note => note.Contains("t.b", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_HeaderCaseDiffers_MatchedIgnoringCaseUnderGrantedName()
    {
        var table = Table("t", [Field("Region")], "REGION\n武汉\n");

        var result = await Run("SELECT Region FROM t", tables: table);

        Assert.Equal("Region", result.Columns.Single().Name);
        Assert.Equal("武汉", result.Rows.Single()[0]);
    }

    [Fact]
    public async Task Run_EmptyData_LoadFailed()
    {
        var table = Table("t", [Field("a")], string.Empty);

        var result = await Run("SELECT * FROM t", tables: table);

        Assert.Equal(SandboxStatus.Failed, result.Status);
        Assert.Equal(SandboxCodes.LoadFailed, result.Code);
    }

    [Fact]
    public async Task Run_RowStartingWithHash_Loaded()
    {
        var table = Table("t", [Field("code"), Field("n", type: FieldType.Integer)], "code,n\n#1,1\n2,\n\"\",3\n");

        var result = await Run("SELECT code, n FROM t ORDER BY n NULLS LAST", tables: table);

        Assert.Equal([["#1", "1"], [string.Empty, "3"], ["2", null]], result.Rows.Select(r => r.ToArray()));
        Assert.Equal("BIGINT", result.Columns[1].Type);
    }

    [Fact]
    public async Task Full_MalformedData_LoadFailedWithoutQuotingTheData()
    {
        // Past the engine's dialect-sniffing sample, so that its error message would quote the bad line.
        var csv = "a,b\n" + string.Concat(Enumerable.Range(0, 30_000).Select(i => $"{i},x\n")) + "1,秘密,extra\n";
        var table = Table("t", [Field("a"), Field("b")], csv);

        var result = await Run("SELECT count(*) FROM t", SandboxMode.Full, tables: table);

        Assert.Equal(SandboxCodes.LoadFailed, result.Code);
        Assert.Contains("'t'", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("秘密", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_MalformedData_LoadFailedWithTheEngineMessage()
    {
        var csv = "a,b\n" + string.Concat(Enumerable.Range(0, 30_000).Select(i => $"{i},x\n")) + "1,样本,extra\n";

        var result = await Run("SELECT count(*) FROM t", tables: Table("t", [Field("a"), Field("b")], csv));

        Assert.Equal(SandboxCodes.LoadFailed, result.Code);
        Assert.Contains("30002", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DecimalResult_TypeCarriesPrecision()
    {
        var result = await Run("SELECT 1.50::DECIMAL(9,2) AS price");

        Assert.Equal("DECIMAL(9,2)", result.Columns.Single().Type);
        Assert.Equal("1.50", result.Rows.Single()[0]);
    }

    [Fact]
    public async Task Run_SameQueryTwice_SameResultHash()
    {
        const string sql = "SELECT region, count(*) AS n FROM people GROUP BY region ORDER BY region";

        var first = await Run(sql);
        var second = await Run(sql);

        Assert.NotNull(first.ResultHash);
        Assert.Equal(64, first.ResultHash!.Length);
        Assert.Equal(first.ResultHash, second.ResultHash);
        Assert.Equal(first.ResultHash, Convert.ToHexStringLower(SHA256.HashData(ResultCsv.ToBytes(first.Columns, first.Rows))));
    }

    [Fact]
    public void ResultCsv_NullsQuotesAndLineBreaks_CanonicalRfc4180()
    {
        SandboxColumn[] columns = [new("a", "VARCHAR"), new("b", "VARCHAR")];
        string?[][] rows = [["x,y", "say \"hi\""], [null, string.Empty], ["第一行\n第二行", "plain"]];

        var text = Encoding.UTF8.GetString(ResultCsv.ToBytes(columns, rows));

        Assert.Equal("a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n,\"\"\r\n\"第一行\n第二行\",plain\r\n", text);
    }

    [Fact]
    public void ResultCsvHash_KnownInput_KnownDigest()
    {
        SandboxColumn[] columns = [new("region", "VARCHAR"), new("n", "BIGINT")];
        string?[][] rows = [["武汉", "12"]];

        var hash = ResultCsv.Hash(columns, rows);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("region,n\r\n武汉,12\r\n"))), hash);
    }

    [Fact]
    public async Task ResultCsvWrite_WithBom_BomThenCanonicalBytes()
    {
        SandboxColumn[] columns = [new("地区", "VARCHAR")];
        string?[][] rows = [["武汉"]];
        using var buffer = new MemoryStream();

        await ResultCsv.WriteAsync(buffer, columns, rows, utf8Bom: true, CancellationToken.None);

        Assert.Equal([0xEF, 0xBB, 0xBF, .. ResultCsv.ToBytes(columns, rows)], buffer.ToArray());
    }
}
