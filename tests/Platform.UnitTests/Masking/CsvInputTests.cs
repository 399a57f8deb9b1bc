using System.Text;
using Platform.Domain.Catalog;
using Platform.Domain.Masking;
using Xunit;
using static Platform.UnitTests.Masking.MaskingTestData;

namespace Platform.UnitTests.Masking;

/// <summary>CSV reading and writing through the engine, with public fields so that values pass unchanged.</summary>
public class CsvInputTests
{
    private static readonly FieldDefinition[] ThreeColumns = [Field("a"), Field("b"), Field("c")];

    [Fact]
    public async Task Run_QuotedFieldsWithCommasQuotesAndNewlines_RoundTripAsRfc4180()
    {
        const string input = "a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\"line1\r\nline2\"\r\nplain,,\"\"\r\n";

        var (output, report) = await RunAsync(input, ThreeColumns);

        // A quoted empty field is written as an empty field.
        Assert.Equal(input.Replace(",\"\"\r\n", ",\r\n", StringComparison.Ordinal), output);
        Assert.Equal(2, report.RowsIn);
        Assert.Equal(2, report.RowsOut);
        Assert.Equal(0, report.MalformedRowCount);
    }

    [Fact]
    public async Task Run_LfLineEndsAndNoFinalNewline_ReadAndWrittenWithCrLf()
    {
        var (output, report) = await RunAsync("a,b,c\n1,2,3\n4,5,6", ThreeColumns);

        Assert.Equal("a,b,c\r\n1,2,3\r\n4,5,6\r\n", output);
        Assert.Equal(2, report.RowsOut);
    }

    [Fact]
    public async Task Run_BlankLines_Skipped()
    {
        var (output, report) = await RunAsync("a,b,c\r\n\r\n1,2,3\r\n\r\n\r\n", ThreeColumns);

        Assert.Equal("a,b,c\r\n1,2,3\r\n", output);
        Assert.Equal(1, report.RowsIn);
    }

    [Fact]
    public async Task Run_Utf8Bom_StrippedAndChineseKept()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("姓名,地址\r\n张三,湖北省武汉市\r\n")).ToArray();

        var (output, report) = await RunAsync(bytes, [Field("姓名"), Field("地址")]);

        Assert.Equal("姓名,地址\r\n张三,湖北省武汉市\r\n", output);
        Assert.Equal("utf-8", report.Encoding);
        Assert.Empty(report.MissingColumns);
    }

    [Fact]
    public async Task Run_Gb18030Bytes_DetectedAndDecoded()
    {
        var text = "姓名,地址,备注\r\n张三,湖北省武汉市洪山区珞喻路1037号,\"含,逗号\"\r\n欧阳娜娜,北京市朝阳区,𠀀\r\n";
        var bytes = DecodingGb18030().GetBytes(text);
        Assert.False(IsValidUtf8(bytes));

        var (output, report) = await RunAsync(bytes, [Field("姓名"), Field("地址"), Field("备注")]);

        Assert.Equal("gb18030", report.Encoding);
        Assert.Equal(text, output);
    }

    [Fact]
    public async Task Run_Gb18030AfterLongAsciiPrefix_StillDetected()
    {
        var ascii = string.Concat(Enumerable.Range(0, 5_000).Select(i => $"{i},row{i}\r\n"));
        var bytes = DecodingGb18030().GetBytes("id,name\r\n" + ascii + "5000,张三\r\n");

        var (output, report) = await RunAsync(bytes, [Field("id"), Field("name")]);

        Assert.Equal("gb18030", report.Encoding);
        Assert.EndsWith("5000,张三\r\n", output);
    }

    [Fact]
    public async Task Run_DeclaredGb18030_UsedEvenForBytesThatAreValidUtf8()
    {
        // "浣犲ソ" in GB18030 is the UTF-8 encoding of "你好": declared, the bytes are read as GB18030.
        var bytes = Encoding.UTF8.GetBytes("a\r\n你好\r\n");
        var options = Options() with { Encoding = InputEncoding.Gb18030 };

        var (output, report) = await RunAsync(bytes, [Field("a")], options);

        Assert.Equal("gb18030", report.Encoding);
        Assert.Equal("a\r\n浣犲ソ\r\n", output);
    }

    [Fact]
    public async Task Run_WrongFieldCount_ReportedWithLineAndSkipped()
    {
        const string input = "a,b,c\n1,2,3\n4,5\n\"multi\nline\",8,9\n10,11,12,13\n14,15,16\n";

        var (output, report) = await RunAsync(input, ThreeColumns);

        Assert.Equal("a,b,c\r\n1,2,3\r\n\"multi\nline\",8,9\r\n14,15,16\r\n", output);
        Assert.Equal(5, report.RowsIn);
        Assert.Equal(3, report.ValidRows);
        Assert.Equal(2, report.MalformedRowCount);
        Assert.Equal(new MalformedRow(3, "expected 3 fields, found 2"), report.MalformedRows[0]);
        Assert.Equal(new MalformedRow(6, "expected 3 fields, found 4"), report.MalformedRows[1]);
    }

    [Fact]
    public async Task Run_BadQuoting_ReportedWithLineAndTheNextRowsRead()
    {
        const string input = "a,b,c\r\n1,x\"y,3\r\n\"ok\"junk,2,3\r\n4,5,6\r\n";

        var (output, report) = await RunAsync(input, ThreeColumns);

        Assert.Equal("a,b,c\r\n4,5,6\r\n", output);
        Assert.Equal(2, report.MalformedRowCount);
        Assert.Equal(2, report.MalformedRows[0].Line);
        Assert.Contains("quote inside an unquoted field", report.MalformedRows[0].Reason);
        Assert.Equal(3, report.MalformedRows[1].Line);
        Assert.Contains("after the closing quote", report.MalformedRows[1].Reason);
    }

    [Fact]
    public async Task Run_UnterminatedQuoteAtEnd_ReportedOnItsStartLine()
    {
        var (output, report) = await RunAsync("a,b,c\n1,2,3\n4,5,\"never closed\n7,8,9\n", ThreeColumns);

        Assert.Equal("a,b,c\r\n1,2,3\r\n", output);
        var malformed = Assert.Single(report.MalformedRows);
        Assert.Equal(3, malformed.Line);
        Assert.Contains("not closed", malformed.Reason);
    }

    [Fact]
    public async Task Run_RecordLongerThanLimit_ReportedAndLaterRowsRead()
    {
        var options = Options() with { MaxRecordLength = 50 };
        var input = $"a,b,c\n1,\"{new string('x', 80)}\",3\n4,5,6\n";

        var (output, report) = await RunAsync(input, ThreeColumns, options);

        Assert.Equal("a,b,c\r\n4,5,6\r\n", output);
        Assert.Equal(2, Assert.Single(report.MalformedRows).Line);
    }

    [Fact]
    public async Task Run_MalformedRowsBeyondTheListCap_CountedNotListed()
    {
        var options = Options() with { MaxMalformedRowsListed = 3 };
        var input = "a,b,c\n" + string.Concat(Enumerable.Repeat("1,2\n", 10)) + "1,2,3\n";

        var (_, report) = await RunAsync(input, ThreeColumns, options);

        Assert.Equal(10, report.MalformedRowCount);
        Assert.Equal([2L, 3L, 4L], report.MalformedRows.Select(row => row.Line));
        Assert.Equal(1, report.RowsOut);
    }

    [Fact]
    public async Task Run_UndeclaredColumns_DroppedAndReported_MissingWrittenEmpty()
    {
        var (output, report) = await RunAsync("B,extra,a,secret\r\n2,x,1,s\r\n", [Field("a"), Field("b"), Field("c")]);

        Assert.Equal("a,b,c\r\n1,2,\r\n", output);
        Assert.Equal(["extra", "secret"], report.DroppedColumns);
        Assert.Equal(["c"], report.MissingColumns);
    }

    [Fact]
    public async Task Run_HeaderWithDeclaredColumnTwice_Fails()
    {
        var exception = await Assert.ThrowsAsync<MaskingInputException>(() => RunAsync("a,A\r\n1,2\r\n", [Field("a")]));

        Assert.Equal(MaskingFailureCodes.DuplicateColumn, exception.Code);
    }

    [Fact]
    public async Task Run_HeaderNamingNoDeclaredField_FailsWithHeaderAndDelimiterHint()
    {
        var exception = await Assert.ThrowsAsync<MaskingInputException>(() => RunAsync("a;b;c\r\n1;2;3\r\n", ThreeColumns));

        Assert.Equal(MaskingFailureCodes.HeaderMismatch, exception.Code);
        Assert.Contains("a;b;c", exception.Message);
        Assert.Contains("comma-separated", exception.Message);
    }

    [Fact]
    public async Task Run_EveryRowMalformed_FailsNoValidRows()
    {
        var exception = await Assert.ThrowsAsync<MaskingInputException>(() => RunAsync("a,b,c\r\n1\r\n2\r\n", ThreeColumns));

        Assert.Equal(MaskingFailureCodes.NoValidRows, exception.Code);
        Assert.Contains("line 2: expected 3 fields, found 1", exception.Message);
    }

    [Fact]
    public async Task Run_HeaderOnly_NoRowsNoFailure()
    {
        var (output, report) = await RunAsync("a,b,c\r\n", ThreeColumns);

        Assert.Equal("a,b,c\r\n", output);
        Assert.Equal(0, report.RowsIn);
    }

    [Theory]
    [InlineData(new byte[0], MaskingFailureCodes.EmptyInput)]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00 }, MaskingFailureCodes.NotText)] // .xlsx
    [InlineData(new byte[] { 0x1F, 0x8B, 0x08, 0x00 }, MaskingFailureCodes.NotText)] // gzip
    [InlineData(new byte[] { 0xFF, 0xFE, 0x61, 0x00 }, MaskingFailureCodes.UnsupportedEncoding)] // UTF-16 LE
    [InlineData(new byte[] { 0x0A, 0x0A, 0x0D, 0x0A }, MaskingFailureCodes.EmptyInput)] // line breaks only
    public async Task Run_NotACsvFile_FailsWithReason(byte[] bytes, string code)
    {
        var exception = await Assert.ThrowsAsync<MaskingInputException>(() => RunAsync(bytes, ThreeColumns));

        Assert.Equal(code, exception.Code);
        Assert.False(string.IsNullOrWhiteSpace(exception.Message));
    }

    [Fact]
    public async Task Run_RandomBinary_FailsNotText()
    {
        var random = new Random(1);
        var bytes = new byte[20_000];
        random.NextBytes(bytes);

        var exception = await Assert.ThrowsAsync<MaskingInputException>(() => RunAsync(bytes, ThreeColumns));

        Assert.Equal(MaskingFailureCodes.NotText, exception.Code);
        Assert.Contains("binary", exception.Message);
    }

    [Fact]
    public async Task Run_CsvToJsonLines_ValuesAsStrings()
    {
        var options = Options() with { OutputFormat = DataFormat.JsonLines };

        var (output, report) = await RunAsync("a,b,c\r\n1,\"张\"\"三\",\r\n", ThreeColumns, options);

        Assert.Equal("{\"a\":\"1\",\"b\":\"张\\\"三\",\"c\":\"\"}\n", output);
        Assert.Equal(DataFormat.JsonLines, report.OutputFormat);
    }

    [Fact]
    public async Task Run_CsvUtf8BomOption_WrittenFirst()
    {
        using var target = new MemoryStream();
        using var source = new MemoryStream(Encoding.UTF8.GetBytes("a\r\n1\r\n"));

        await MaskingEngine.RunAsync(source, DataFormat.Csv, [Field("a")], Options() with { CsvUtf8Bom = true }, target);

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'a', 13, 10, (byte)'1', 13, 10 }, target.ToArray());
    }

    private static Encoding DecodingGb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030");
    }

    private static bool IsValidUtf8(byte[] bytes) => System.Text.Unicode.Utf8.IsValid(bytes);
}

public class CsvEncodingVolumeTests
{
    private static readonly Platform.Domain.Catalog.FieldDefinition[] Columns = [Field("序号"), Field("姓名"), Field("地址")];

    [Theory]
    [InlineData("gb18030")]
    [InlineData("utf-8")]
    public async Task Run_ManyChineseRowsAcrossBufferBoundaries_RoundTripExactly(string encodingName)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var text = "序号,姓名,地址\r\n" + string.Concat(Enumerable.Range(0, 20_000).Select(i =>
            $"{i},{Surnames[i % Surnames.Length]}{GivenNames[i % GivenNames.Length]},\"湖北省武汉市洪山区珞喻路{i}号, 𠀀楼\"\r\n"));
        var bytes = Encoding.GetEncoding(encodingName).GetBytes(text);

        var (output, report) = await RunAsync(bytes, Columns);

        Assert.Equal(encodingName, report.Encoding);
        Assert.Equal(20_000, report.RowsOut);
        Assert.Equal(text, output);
    }

    [Fact]
    public async Task Run_Utf8WithOneCorruptByte_StillUtf8WithOneReplacementCharacter()
    {
        var bytes = Encoding.UTF8.GetBytes("序号,姓名,地址\r\n1,张三,湖北省武汉市洪山区\r\n2,李四,北京市朝阳区\r\n").ToList();
        bytes.Insert(bytes.Count - 2, 0xFF); // between two characters

        var (output, report) = await RunAsync(bytes.ToArray(), Columns);

        Assert.Equal("utf-8", report.Encoding);
        Assert.Contains("张三,湖北省武汉市洪山区", output);
        Assert.Single(output, c => c == '\uFFFD');
    }

    [Fact]
    public async Task Run_UnnamedHeaderColumn_ReportedByPosition()
    {
        var (_, report) = await RunAsync("序号,,姓名\r\n1,x,张三\r\n", Columns);

        Assert.Equal(["(column 2)"], report.DroppedColumns);
        Assert.Equal(["地址"], report.MissingColumns);
    }
}
