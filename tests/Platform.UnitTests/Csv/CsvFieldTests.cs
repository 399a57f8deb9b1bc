using System.Text;
using Platform.Domain.Csv;
using Platform.Domain.Disclosure;
using Platform.Domain.Sandbox;
using Xunit;

namespace Platform.UnitTests.Csv;

public sealed class CsvFieldTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")]
    [InlineData("+1+cmd|' /C calc'!A0", "\"'+1+cmd|' /C calc'!A0\"")]
    [InlineData("-2+3", "\"'-2+3\"")]
    [InlineData("@SUM(A1:A9)", "\"'@SUM(A1:A9)\"")]
    [InlineData("\t=1", "\"'\t=1\"")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("-12.5", "-12.5")]
    [InlineData("+3", "+3")]
    [InlineData("-1e5", "-1e5")]
    [InlineData("武汉=江城", "武汉=江城")]
    [InlineData("a,b", "\"a,b\"")]
    public void Format_FormulaLikeCell_QuotedWithApostropheAndNumbersLeftAlone(string value, string expected)
        => Assert.Equal(expected, CsvField.Format(value));

    [Fact]
    public void Format_EmptyText_QuotedOnlyWhenAsked()
    {
        Assert.Equal("", CsvField.Format(""));
        Assert.Equal("\"\"", CsvField.Format("", quoteEmpty: true));
    }

    [Fact]
    public void ResultCsvAndDisclosureCsv_FormulaCell_WrittenTheSameNeutralisedWay()
    {
        var columns = new List<SandboxColumn> { new("f", "VARCHAR") };
        var rows = new List<IReadOnlyList<string?>> { new[] { "=1+1" }, new[] { "-7" }, new string?[] { null } };

        var csv = Encoding.UTF8.GetString(ResultCsv.ToBytes(columns, rows));

        Assert.Equal("f\r\n\"'=1+1\"\r\n-7\r\n\r\n", csv);
        Assert.Equal("\"'=1+1\"", DisclosureCsv.Quote("=1+1"));
    }
}
