using System.Text;
using Platform.Domain.Catalog;
using Platform.Domain.Masking;
using Platform.UnitTests.Identifiers;
using Xunit;
using static Platform.UnitTests.Masking.MaskingTestData;

namespace Platform.UnitTests.Masking;

public class MaskingEngineTests
{
    private static readonly FieldDefinition[] PeopleFields =
    [
        Field("姓名", FieldClassification.Personal, IdentifierKind.Name),
        Field("身份证号", FieldClassification.SensitivePersonal, IdentifierKind.IdNumber),
        Field("手机", FieldClassification.Personal, IdentifierKind.Mobile),
        Field("银行卡", FieldClassification.SensitivePersonal, IdentifierKind.BankCard),
        Field("地址", FieldClassification.Personal, IdentifierKind.Address, quasiIdentifier: true),
        Field("邮箱", FieldClassification.Personal, IdentifierKind.Email),
        Field("车牌", FieldClassification.Personal, IdentifierKind.Plate),
        Field("出生日期", FieldClassification.Personal, IdentifierKind.BirthDate, FieldType.Date, quasiIdentifier: true),
        Field("单位代码", FieldClassification.Public, IdentifierKind.CreditCode),
        Field("备注", FieldClassification.Personal, IdentifierKind.FreeText),
        Field("病史", FieldClassification.SensitivePersonal),
        Field("职业", FieldClassification.Personal),
        Field("登记日期", FieldClassification.Public, type: FieldType.Date),
        Field("联系方式", FieldClassification.Internal),
    ];

    private const string PeopleHeader = "姓名,身份证号,手机,银行卡,地址,邮箱,车牌,出生日期,单位代码,备注,病史,职业,登记日期,联系方式";

    private static readonly string IdNumber = IdentifierTestData.WithIdNumberCheck("42010219900307123");
    private static readonly string BankCard = IdentifierTestData.WithLuhnCheck("622202123456789012");
    private static readonly string CreditCode = IdentifierTestData.WithCreditCodeCheck("91420100MA4K0000X");

    private static string PeopleRow(string name, string mobile, string contact = "无") =>
        $"{name},{IdNumber},{mobile},{BankCard},湖北省武汉市洪山区珞喻路1037号,zhangsan@example.com,鄂A12345,1990-03-07,{CreditCode},投诉电话打不通,高血压,工程师,2024-05-01,{contact}";

    [Fact]
    public async Task Run_SampleOfEveryIdentifierKind_MaskedByKindRules()
    {
        var input = PeopleHeader + "\r\n" + PeopleRow("欧阳娜娜", "13812345678") + "\r\n";

        var (output, report) = await RunAsync(input, PeopleFields);

        var expectedRow = $"欧阳**,420102************,138****5678,622202*********{BankCard[^4..]},湖北省武汉市洪山区,z***@example.com,鄂A*****,1990,{CreditCode},,,工**,2024-05-01,无";
        Assert.Equal(PeopleHeader + "\r\n" + expectedRow + "\r\n", output);
        Assert.Equal(
            ["mask-name", "mask-id-number", "mask-mobile", "mask-bank-card", "truncate-address", "mask-email", "mask-plate",
             "generalise-birth-date", "keep", "suppress-free-text", "suppress-sensitive-personal", "mask-generic", "keep", "keep"],
            report.Fields.Select(field => field.Rule));
        Assert.Null(report.KeyFingerprint);
    }

    [Fact]
    public async Task Run_Provisioning_DirectIdentifiersPseudonymisedJoinableWithinAgreementOnly()
    {
        var input = PeopleHeader + "\r\n" + PeopleRow("张三", "13812345678") + "\r\n" + PeopleRow("李四", "+86 138-1234-5678") + "\r\n";

        var (first, report) = await RunAsync(input, PeopleFields, Options(MaskingPurpose.Provisioning, agreementId: "A"));
        var (again, _) = await RunAsync(input, PeopleFields, Options(MaskingPurpose.Provisioning, agreementId: "A"));
        var (other, _) = await RunAsync(input, PeopleFields, Options(MaskingPurpose.Provisioning, agreementId: "B"));

        var rows = first.Split("\r\n")[1..3].Select(row => row.Split(',')).ToArray();
        Assert.StartsWith("mob_", rows[0][2]);
        Assert.Equal(rows[0][2], rows[1][2]); // one mobile written two ways joins
        Assert.NotEqual(rows[0][0], rows[1][0]);
        Assert.Equal("湖北省武汉市洪山区", rows[0][4]);
        Assert.Equal("1990", rows[0][7]);
        Assert.StartsWith("psn_", rows[0][10]);
        Assert.Equal(first, again);
        Assert.DoesNotContain(rows[0][2], other);
        Assert.Equal(PseudonymisationKey.Derive(RootKey, "A").Fingerprint, report.KeyFingerprint);
    }

    [Fact]
    public async Task Run_IdentifiersInUndeclaredFields_ReportedAsSuspected()
    {
        var input = PeopleHeader + "\r\n"
            + PeopleRow("张三", "13812345678", contact: "13912345678") + "\r\n"
            + PeopleRow("李四", "13812345678", contact: IdNumber) + "\r\n"
            + PeopleRow("王五", "13812345678", contact: "办公室") + "\r\n";

        var (_, report) = await RunAsync(input, PeopleFields);

        var suspected = Assert.Single(report.SuspectedIdentifiers);
        Assert.Equal("联系方式", suspected.Field);
        Assert.Equal(2, suspected.Count);
        Assert.Contains("mobile", suspected.Kinds);
        Assert.Contains("id-number", suspected.Kinds);
    }

    [Fact]
    public async Task Run_DatesInADateField_NotSuspectedAsBirthDates()
    {
        var (_, report) = await RunAsync("登记日期,说明\r\n2024-05-01,1990-03-07\r\n", [Field("登记日期", type: FieldType.Date), Field("说明")]);

        var suspected = Assert.Single(report.SuspectedIdentifiers);
        Assert.Equal("说明", suspected.Field);
        Assert.Equal(["birth-date"], suspected.Kinds);
    }

    [Fact]
    public async Task Run_QuasiIdentifiers_KAnonymityOfOutputRows()
    {
        FieldDefinition[] fields =
        [
            Field("姓名", FieldClassification.Personal, IdentifierKind.Name),
            Field("地址", FieldClassification.Personal, IdentifierKind.Address, quasiIdentifier: true),
            Field("出生日期", FieldClassification.Personal, IdentifierKind.BirthDate, quasiIdentifier: true),
        ];
        const string input = """
            姓名,地址,出生日期
            张三,湖北省武汉市洪山区珞喻路1号,1990-01-01
            李四,湖北省武汉市洪山区珞喻路2号,1990-12-31
            王五,湖北省武汉市洪山区雄楚大道3号,1990-06-15
            赵六,湖北省武汉市武昌区中北路4号,1985-02-02
            钱七,湖北省武汉市武昌区中北路5号,1985-03-03
            孙八,北京市朝阳区建国路6号,1970-07-07
            """;

        var (_, report) = await RunAsync(input, fields);

        // Classes after masking: (洪山区, 1990) × 3, (武昌区, 1985) × 2, (朝阳区, 1970) × 1.
        var k = report.KAnonymity!;
        Assert.Equal(["地址", "出生日期"], k.QuasiIdentifiers);
        Assert.Equal(1, k.K);
        Assert.Equal(3, k.EquivalenceClasses);
        Assert.Equal(1, k.UniqueRows);
        Assert.False(k.Capped);
    }

    [Fact]
    public async Task Run_MoreClassesThanTracked_ReportsCapped()
    {
        var input = "id,v\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"{i},x\n"));
        var options = Options() with { MaxEquivalenceClasses = 5 };

        var (_, report) = await RunAsync(input, [Field("id", quasiIdentifier: true), Field("v")], options);

        Assert.True(report.KAnonymity!.Capped);
        Assert.Equal(5, report.KAnonymity.EquivalenceClasses);
    }

    [Fact]
    public async Task Run_NoQuasiIdentifier_NoKAnonymity()
    {
        var (_, report) = await RunAsync("a\n1\n", [Field("a")]);

        Assert.Null(report.KAnonymity);
    }

    [Fact]
    public async Task Run_RowCountSample_SameSeedSameRowsInInputOrder()
    {
        var input = NumberedRows(1_000);

        var (first, report) = await RunAsync(input, [Field("n")], Options(sampling: SamplingPlan.Rows(10), seed: 2024));
        var (again, _) = await RunAsync(input, [Field("n")], Options(sampling: SamplingPlan.Rows(10), seed: 2024));
        var (other, _) = await RunAsync(input, [Field("n")], Options(sampling: SamplingPlan.Rows(10), seed: 2025));

        var numbers = first.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[1..].Select(int.Parse).ToArray();
        Assert.Equal(10, numbers.Length);
        Assert.Equal(numbers.Order(), numbers);
        Assert.Equal(10, numbers.Distinct().Count());
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(1_000, report.RowsIn);
        Assert.Equal(10, report.RowsOut);
    }

    [Fact]
    public async Task Run_RowCountLargerThanInput_EveryRow()
    {
        var (output, report) = await RunAsync(NumberedRows(5), [Field("n")], Options(sampling: SamplingPlan.Rows(10)));

        Assert.Equal(NumberedRows(5).Replace("\n", "\r\n", StringComparison.Ordinal), output);
        Assert.Equal(5, report.RowsOut);
    }

    [Fact]
    public async Task Run_RowCountSample_EveryRowEquallyLikely()
    {
        // Over many seeds, each of 20 rows lands in a 5-row sample about a quarter of the time.
        var hits = new int[20];
        for (var seed = 0; seed < 400; seed++)
        {
            var (output, _) = await RunAsync(NumberedRows(20), [Field("n")], Options(sampling: SamplingPlan.Rows(5), seed: seed));
            foreach (var n in output.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[1..].Select(int.Parse))
            {
                hits[n]++;
            }
        }

        Assert.All(hits, count => Assert.InRange(count, 60, 140));
    }

    [Fact]
    public async Task Run_FractionSample_SameSeedSameRows()
    {
        var input = NumberedRows(2_000);

        var (first, report) = await RunAsync(input, [Field("n")], Options(sampling: SamplingPlan.OfFraction(0.1), seed: 9));
        var (again, _) = await RunAsync(input, [Field("n")], Options(sampling: SamplingPlan.OfFraction(0.1), seed: 9));

        Assert.Equal(first, again);
        Assert.InRange(report.RowsOut, 150, 250);
    }

    [Fact]
    public async Task Run_Progress_ReportsRowsRead()
    {
        var seen = new List<long>();
        using var source = new MemoryStream(Encoding.UTF8.GetBytes(NumberedRows(25)));
        var options = Options() with { ProgressInterval = 10 };

        await MaskingEngine.RunAsync(source, DataFormat.Csv, [Field("n")], options, Stream.Null, new InlineProgress(seen.Add));

        Assert.Equal([10L, 20L, 25L], seen);
    }

    [Fact]
    public async Task Run_Cancelled_Throws()
    {
        using var source = new MemoryStream(Encoding.UTF8.GetBytes(NumberedRows(10)));
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            MaskingEngine.RunAsync(source, DataFormat.Csv, [Field("n")], Options(), Stream.Null, cancellationToken: cancellation.Token));
    }

    [Fact]
    public async Task Run_ProvisioningWithoutKey_Throws()
    {
        var options = Options(MaskingPurpose.Provisioning) with { Key = null };

        await Assert.ThrowsAsync<ArgumentException>(() => RunAsync("手机\n13812345678\n", [Field("手机", FieldClassification.Personal, IdentifierKind.Mobile)], options));
    }

    [Fact]
    public async Task Run_DuplicateFieldNames_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => RunAsync("a\n1\n", [Field("a"), Field("A")]));
    }

    private static string NumberedRows(int count) => "n\n" + string.Concat(Enumerable.Range(0, count).Select(i => $"{i}\n"));

    private sealed class InlineProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}

public class MaskingReportJsonTests
{
    [Fact]
    public async Task Report_Json_UsesWireNamesAndRoundTrips()
    {
        var web = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        var (_, report) = await RunAsync(
            "手机,x\n13812345678,1\n1,2\n3\n",
            [Field("手机", FieldClassification.Personal, IdentifierKind.Mobile, quasiIdentifier: true), Field("x")],
            Options(sampling: SamplingPlan.Rows(5), seed: 3));

        var json = System.Text.Json.JsonSerializer.Serialize(report, web);
        var back = System.Text.Json.JsonSerializer.Deserialize<MaskingReport>(json, web)!;

        Assert.Contains("\"technique\":\"mask\"", json);
        Assert.Contains("\"mode\":\"row-count\"", json);
        Assert.Contains("\"purpose\":\"sample\"", json);
        Assert.Contains("\"inputFormat\":\"csv\"", json);
        Assert.Equal(report.Sampling, back.Sampling);
        Assert.Equal(report.MalformedRows, back.MalformedRows);
        Assert.Equal(report.RowsOut, back.RowsOut);
        Assert.Equal(report.KAnonymity!.K, back.KAnonymity!.K);
    }

    [Theory]
    [InlineData("auto", InputEncoding.Auto)]
    [InlineData("utf-8", InputEncoding.Utf8)]
    [InlineData("UTF8", InputEncoding.Utf8)]
    [InlineData("gb18030", InputEncoding.Gb18030)]
    [InlineData("GBK", InputEncoding.Gb18030)]
    [InlineData("gb2312", InputEncoding.Gb18030)]
    public void InputEncodingParse_NamesAndAliases(string wire, InputEncoding expected)
    {
        Assert.Equal(expected, InputEncoding.Parse(wire));
    }

    [Fact]
    public void SamplingPlan_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SamplingPlan.Rows(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SamplingPlan.Rows(SamplingPlan.MaxRowCount + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SamplingPlan.OfFraction(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SamplingPlan.OfFraction(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => SamplingPlan.OfFraction(double.NaN));
        Assert.Equal(SamplingMode.Fraction, SamplingMode.Parse("fraction"));
        Assert.Equal("row-count", SamplingPlan.Rows(3).Mode.ToWire());
    }
}
