using System.Security.Cryptography;
using System.Text;
using Platform.Domain.Catalog;
using Platform.Domain.Grants;
using Platform.Domain.Masking;
using Xunit;

namespace Platform.UnitTests.Grants;

public sealed class LibraryCopierTests
{
    [Fact]
    public async Task CopyAsync_Csv_OnlyTheApprovedFieldsInTheApprovedOrder()
    {
        const string csv = "姓名,身份证号,区县,服务事项\r\n张伟,420102199001011234,武昌区,\"养老,登记\"\r\n李静,420102199202023456,洪山区,助餐\r\n";

        var (text, result) = await CopyAsync(csv, DataFormat.Csv, ["服务事项", "区县"]);

        Assert.Equal("服务事项,区县\r\n\"养老,登记\",武昌区\r\n助餐,洪山区\r\n", text);
        Assert.Equal(2, result.RowCount);
        Assert.DoesNotContain("张伟", text, StringComparison.Ordinal);
        Assert.DoesNotContain("420102", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CopyAsync_Result_Sha256AndBytesOfTheOutputAsWritten()
    {
        var (text, result) = await CopyAsync("a,b\r\n1,2\r\n", DataFormat.Csv, ["b"]);

        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), result.Sha256);
        Assert.Equal(bytes.Length, result.Bytes);
    }

    [Fact]
    public async Task CopyAsync_HeaderCaseDiffersAndColumnMissing_MatchedIgnoringCaseMissingLeftEmpty()
    {
        var (text, _) = await CopyAsync("AREA,load\r\n420102,88\r\n", DataFormat.Csv, ["area", "Load", "车流量"]);

        Assert.Equal("area,Load,车流量\r\n420102,88,\r\n", text);
    }

    [Fact]
    public async Task CopyAsync_MalformedRow_CountedAndLeftOut()
    {
        var (text, result) = await CopyAsync("a,b\r\n1,2\r\n3,4,5\r\n6,7\r\n", DataFormat.Csv, ["a"]);

        Assert.Equal("a\r\n1\r\n6\r\n", text);
        Assert.Equal((2L, 1L), (result.RowCount, result.MalformedRowCount));
    }

    [Fact]
    public async Task CopyAsync_JsonLines_NumbersAndBooleansWrittenAsCsvText()
    {
        const string jsonl = "{\"区县\":\"武昌区\",\"人数\":12,\"已核验\":true,\"姓名\":\"张伟\"}\n{\"区县\":\"洪山区\",\"人数\":3.5,\"已核验\":null}\n";

        var (text, result) = await CopyAsync(jsonl, DataFormat.JsonLines, ["区县", "人数", "已核验"]);

        Assert.Equal("区县,人数,已核验\r\n武昌区,12,true\r\n洪山区,3.5,\r\n", text);
        Assert.Equal(2, result.RowCount);
    }

    [Fact]
    public async Task CopyAsync_Gb18030Input_Utf8Output()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var gb = Encoding.GetEncoding("GB18030").GetBytes("区县,姓名\r\n江岸区,王磊\r\n");
        using var output = new MemoryStream();

        await LibraryCopier.CopyAsync(new MemoryStream(gb), DataFormat.Csv, InputEncoding.Auto, ["区县"], output);

        Assert.Equal("区县\r\n江岸区\r\n", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task CopyAsync_EmptyFile_RefusedAsEmptyInput()
    {
        var refused = await Assert.ThrowsAsync<MaskingInputException>(() => CopyAsync("", DataFormat.Csv, ["a"]));

        Assert.Equal(MaskingFailureCodes.EmptyInput, refused.Code);
    }

    [Fact]
    public async Task CopyAsync_ProjectionInParallelBlocks_SameBytesAndObservedOrderAsSequential()
    {
        var csv = new StringBuilder("姓名,手机,区县\r\n");
        var random = new Random(20261206);
        for (var i = 0; i < 2_000; i++)
        {
            csv.Append(i % 331 == 7 ? "坏行\r\n" : $"张{random.Next(300)},139{random.Next(10_000_000, 99_999_999)},区{i % 13}\r\n");
        }

        var key = PseudonymisationKey.Derive(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), "agr-1");
        async Task<(byte[] Bytes, LibraryCopyResult Result, List<string> Observed)> RunAsync(int parallelism)
        {
            var observed = new List<string>();
            var projection = new LibraryProjection(
                () =>
                {
                    var pseudonymiser = new Pseudonymiser(key);
                    return values => [pseudonymiser.Apply(IdentifierKind.Name, values[0]), pseudonymiser.Apply(IdentifierKind.Mobile, values[1]), values[2]];
                },
                row => observed.Add(row[0]!),
                parallelism,
                BlockRows: 9);
            using var output = new MemoryStream();
            var result = await LibraryCopier.CopyAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), DataFormat.Csv, InputEncoding.Utf8,
                ["姓名", "手机", "区县"], ["姓名", "手机", "区县"], projection, output);
            return (output.ToArray(), result, observed);
        }

        var sequential = await RunAsync(1);
        var parallel = await RunAsync(3);

        Assert.Equal(sequential.Bytes, parallel.Bytes);
        Assert.Equal(sequential.Result, parallel.Result);
        Assert.Equal(sequential.Observed, parallel.Observed);
        Assert.Equal(1_993, sequential.Result.RowCount);
        Assert.StartsWith("nam_", sequential.Observed[0], StringComparison.Ordinal);
    }

    private static async Task<(string Text, LibraryCopyResult Result)> CopyAsync(string input, DataFormat format, IReadOnlyList<string> fields)
    {
        using var output = new MemoryStream();
        var result = await LibraryCopier.CopyAsync(new MemoryStream(Encoding.UTF8.GetBytes(input)), format, InputEncoding.Utf8, fields, output);
        return (Encoding.UTF8.GetString(output.ToArray()), result);
    }
}
