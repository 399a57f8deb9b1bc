using System.Globalization;
using System.Text;
using System.Text.Json;
using Platform.Domain.Catalog;
using Platform.Domain.Masking;
using Xunit;
using static Platform.UnitTests.Masking.MaskingTestData;

namespace Platform.UnitTests.Masking;

/// <summary>Issue 18.3: masking blocks of rows side by side gives the sequential output byte for byte.</summary>
public class MaskingParallelTests
{
    private static readonly FieldDefinition[] Fields =
    [
        Field("姓名", FieldClassification.Personal, IdentifierKind.Name),
        Field("身份证号", FieldClassification.SensitivePersonal, IdentifierKind.IdNumber),
        Field("手机", FieldClassification.Personal, IdentifierKind.Mobile),
        Field("地址", FieldClassification.Personal, IdentifierKind.Address, quasiIdentifier: true),
        Field("性别", FieldClassification.Personal, quasiIdentifier: true),
        Field("收入", FieldClassification.SensitivePersonal, type: FieldType.Decimal),
        Field("备注", FieldClassification.Public),
    ];

    public static TheoryData<string> Plans => new() { "none", "fraction", "rows" };

    [Theory]
    [MemberData(nameof(Plans))]
    public async Task Run_ParallelBlocks_SameBytesAndReportAsSequential(string plan)
    {
        var input = SeededCsv(seed: 20261206, rows: 3_000);
        var sampling = plan switch
        {
            "fraction" => SamplingPlan.OfFraction(0.3),
            "rows" => SamplingPlan.Rows(100),
            _ => SamplingPlan.None,
        };

        foreach (var purpose in new[] { MaskingPurpose.Sample, MaskingPurpose.Provisioning })
        {
            var options = Options(purpose, sampling, seed: 7);
            var (sequential, sequentialReport) = await RunAsync(input, Fields, options with { Parallelism = 1 });
            var (parallel, parallelReport) = await RunAsync(input, Fields, options with { Parallelism = 3, BlockRows = 7 });

            Assert.True(sequentialReport.RowsOut > 50, $"{plan}/{purpose}: {sequentialReport.RowsOut} rows out");
            Assert.NotEmpty(sequentialReport.SuspectedIdentifiers);
            Assert.Equal(sequential, parallel);
            Assert.Equal(JsonSerializer.Serialize(sequentialReport), JsonSerializer.Serialize(parallelReport));
        }
    }

    [Fact]
    public async Task Run_ParallelJsonLines_SameBytesAsSequential()
    {
        var lines = new StringBuilder();
        var random = new Random(5);
        for (var i = 0; i < 500; i++)
        {
            lines.Append(CultureInfo.InvariantCulture, $"{{\"姓名\":\"{Surnames[random.Next(Surnames.Length)]}{GivenNames[random.Next(GivenNames.Length)]}\",\"手机\":\"139{random.Next(10_000_000, 99_999_999)}\",\"备注\":\"第{i}行\"}}\n");
        }

        var input = lines.ToString();
        var options = Options(MaskingPurpose.Provisioning, SamplingPlan.OfFraction(0.5), seed: 3);
        var (sequential, _) = await RunAsync(input, Fields, options with { Parallelism = 1 }, DataFormat.JsonLines);
        var (parallel, _) = await RunAsync(input, Fields, options with { Parallelism = 4, BlockRows = 16 }, DataFormat.JsonLines);

        Assert.Contains("mob_", sequential, StringComparison.Ordinal);
        Assert.Equal(sequential, parallel);
    }

    /// <summary>People with repeated and unique identifiers, a phone number hidden in the remarks, and a few malformed rows.</summary>
    private static string SeededCsv(int seed, int rows)
    {
        var random = new Random(seed);
        string[] districts = ["湖北省武汉市洪山区珞喻路1号", "湖北省武汉市武昌区中南路2号", "湖北省宜昌市西陵区夷陵大道3号"];
        var text = new StringBuilder("姓名,身份证号,手机,地址,性别,收入,备注\r\n");
        for (var i = 0; i < rows; i++)
        {
            if (i % 997 == 13)
            {
                text.Append("只有两列,x\r\n");
                continue;
            }

            var name = Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)];
            var id = $"42010119{random.Next(50, 99)}0101{random.Next(1000, 9999)}";
            var mobile = $"13{random.Next(100_000_000, 999_999_999)}";
            var remark = random.Next(10) == 0 ? $"13{random.Next(100_000_000, 999_999_999)}" : random.Next(3) == 0 ? "" : $"备注{i}";
            text.Append(CultureInfo.InvariantCulture,
                $"{name},{id},{mobile},{districts[random.Next(districts.Length)]},{(random.Next(2) == 0 ? "男" : "女")},{random.Next(1000, 90000)}.{random.Next(10)},{remark}\r\n");
        }

        return text.ToString();
    }
}
