using Platform.Domain.Catalog;
using Platform.Domain.Masking;
using Xunit;
using static Platform.UnitTests.Masking.MaskingTestData;

namespace Platform.UnitTests.Masking;

public class JsonLinesInputTests
{
    private static readonly FieldDefinition[] Fields =
    [
        Field("name", FieldClassification.Personal, IdentifierKind.Name),
        Field("age", type: FieldType.Integer),
        Field("active", type: FieldType.Boolean),
        Field("note"),
    ];

    [Fact]
    public async Task Run_ScalarValues_KeptWithTheirJsonKinds()
    {
        const string input = "{\"name\":\"张三\",\"age\":42,\"active\":true,\"note\":null}\n{\"NAME\":\"欧阳娜娜\",\"age\":1.50,\"active\":false}\r\n";

        var (output, report) = await RunAsync(input, Fields, format: DataFormat.JsonLines);

        Assert.Equal(
            "{\"name\":\"张*\",\"age\":42,\"active\":true,\"note\":null}\n{\"name\":\"欧阳**\",\"age\":1.50,\"active\":false,\"note\":null}\n",
            output);
        Assert.Equal(2, report.RowsOut);
    }

    [Fact]
    public async Task Run_MalformedLines_ReportedWithLineNumbersAndSkipped()
    {
        var input = string.Join('\n',
            "{\"name\":\"张三\"}",
            "{\"name\":",
            "[1,2]",
            "",
            "{\"name\":{\"first\":\"三\"}}",
            "{\"name\":\"a\",\"name\":\"b\"}",
            "{\"name\":\"a\"} {\"name\":\"b\"}",
            "{\"name\":\"李四\"}");

        var (output, report) = await RunAsync(input, Fields, format: DataFormat.JsonLines);

        Assert.Equal(2, report.RowsOut);
        Assert.Equal([2L, 3L, 5L, 6L, 7L], report.MalformedRows.Select(row => row.Line));
        Assert.Contains("invalid JSON", report.MalformedRows[0].Reason);
        Assert.Contains("not a JSON object", report.MalformedRows[1].Reason);
        Assert.Contains("holds an object", report.MalformedRows[2].Reason);
        Assert.Contains("appears twice", report.MalformedRows[3].Reason);
        Assert.Contains("李*", output);
    }

    [Fact]
    public async Task Run_UndeclaredProperties_DroppedAndReported()
    {
        var (output, report) = await RunAsync("{\"name\":\"张三\",\"身份证\":\"x\",\"zz\":1}\n", Fields, format: DataFormat.JsonLines);

        Assert.DoesNotContain("身份证", output);
        Assert.Equal(["zz", "身份证"], report.DroppedColumns);
    }

    [Fact]
    public async Task Run_NoDeclaredPropertyInAnyObject_Fails()
    {
        var exception = await Assert.ThrowsAsync<MaskingInputException>(() =>
            RunAsync("{\"x\":1}\n{\"y\":2}\n", Fields, format: DataFormat.JsonLines));

        Assert.Equal(MaskingFailureCodes.HeaderMismatch, exception.Code);
        Assert.Contains("x, y", exception.Message);
    }

    [Fact]
    public async Task Run_NoLineIsJson_FailsNoValidRows()
    {
        var exception = await Assert.ThrowsAsync<MaskingInputException>(() =>
            RunAsync("name,age\n张三,42\n", Fields, format: DataFormat.JsonLines));

        Assert.Equal(MaskingFailureCodes.NoValidRows, exception.Code);
    }

    [Fact]
    public async Task Run_JsonLinesToCsv_NullsEmptyNumbersRaw()
    {
        var options = Options() with { OutputFormat = DataFormat.Csv };

        var (output, _) = await RunAsync("{\"name\":\"张三\",\"age\":7,\"note\":\"a,b\"}\n", Fields, options, DataFormat.JsonLines);

        Assert.Equal("name,age,active,note\r\n张*,7,,\"a,b\"\r\n", output);
    }
}
