using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Platform.Domain.Catalog;
using Platform.Domain.Masking;
using Xunit;

namespace Platform.UnitTests.Masking;

/// <summary>
/// Issue 18.3: the masked bytes and the report of a seeded people file, pinned as produced before the masking engine was
/// made faster (managed HMAC-SHA256 with precomputed pads, encoding in the parallel blocks). Any change to a pseudonym, a
/// mask, the sampling or the report changes a hash here.
/// </summary>
public class MaskingGoldenOutputTests
{
    private static readonly Lazy<string> Input = new(() => Csv(5000));

    public static TheoryData<MaskingPurpose, string, DataFormat, string> Expected => new()
    {
        { MaskingPurpose.Sample, "none", DataFormat.Csv, "c0995263ef43ee43 3609f178a899d5e7" },
        { MaskingPurpose.Sample, "none", DataFormat.JsonLines, "09a45c65181a1e1e 51d95d66667e5613" },
        { MaskingPurpose.Sample, "rows", DataFormat.Csv, "cf536b3727645fc5 36b02629272ae468" },
        { MaskingPurpose.Sample, "rows", DataFormat.JsonLines, "ae612b1c03f629ba 4e5ddddc2294aeeb" },
        { MaskingPurpose.Sample, "fraction", DataFormat.Csv, "d3e3093021d28bb8 0bd1557658321381" },
        { MaskingPurpose.Sample, "fraction", DataFormat.JsonLines, "281d6f9cebe8a871 1bd8efda413203b2" },
        { MaskingPurpose.Provisioning, "none", DataFormat.Csv, "cdadf3888b7d3a66 20a249e8b101bd3b" },
        { MaskingPurpose.Provisioning, "none", DataFormat.JsonLines, "2499097001378c86 d52204031cacbd28" },
        { MaskingPurpose.Provisioning, "rows", DataFormat.Csv, "4cf943585d592ef4 3d8665603da16d16" },
        { MaskingPurpose.Provisioning, "rows", DataFormat.JsonLines, "f4428cc3243cb2fa b61af21cfe9028ca" },
        { MaskingPurpose.Provisioning, "fraction", DataFormat.Csv, "f37665c9000fdd73 803528289e6380b5" },
        { MaskingPurpose.Provisioning, "fraction", DataFormat.JsonLines, "38d45658305c48dc 78d98fba62f9906b" },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public async Task Run_SeededFileOneThreadAndBlocks_BytesAndReportAsBefore(MaskingPurpose purpose, string plan, DataFormat output, string expected)
    {
        var sampling = plan switch
        {
            "rows" => SamplingPlan.Rows(300),
            "fraction" => SamplingPlan.OfFraction(0.25),
            _ => SamplingPlan.None,
        };

        Assert.Equal(expected, await HashOfOutputAsync(Input.Value, purpose, sampling, 1, output));
        Assert.Equal(expected, await HashOfOutputAsync(Input.Value, purpose, sampling, 3, output));
    }

    private static readonly FieldDefinition[] Fields =
    [
        new("序号", FieldType.Integer, FieldClassification.Public, FieldGrade.General, null, false),
        new("姓名", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Name, false),
        new("身份证号", FieldType.String, FieldClassification.SensitivePersonal, FieldGrade.Important, IdentifierKind.IdNumber, false),
        new("手机号", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Mobile, false),
        new("银行卡号", FieldType.String, FieldClassification.SensitivePersonal, FieldGrade.Important, IdentifierKind.BankCard, false),
        new("住址", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Address, true),
        new("电子邮箱", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Email, false),
        new("个体户信用代码", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.CreditCode, false),
        new("车牌号", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Plate, false),
        new("出生日期", FieldType.Date, FieldClassification.Personal, FieldGrade.General, IdentifierKind.BirthDate, true),
        new("性别", FieldType.String, FieldClassification.Public, FieldGrade.General, null, true),
        new("病史", FieldType.String, FieldClassification.SensitivePersonal, FieldGrade.General, null, false),
        new("备注", FieldType.String, FieldClassification.Internal, FieldGrade.General, null, false),
    ];

    private static string Csv(int rows)
    {
        string[] surnames = ["张", "王", "欧阳", "司马", "李"];
        string[] given = ["伟", "芳", "秀英", "·艾力", "敏"];
        string[] addresses = ["湖北省武汉市洪山区珞喻路", "北京市朝阳区建国路", "湖北省神农架林区松柏镇", "新疆维吾尔自治区乌鲁木齐市天山区", "路南区"];
        var random = new Random(20261206);
        var text = new StringBuilder("序号,姓名,身份证号,手机号,银行卡号,住址,电子邮箱,个体户信用代码,车牌号,出生日期,性别,病史,备注,多余\r\n");
        for (var i = 0; i < rows; i++)
        {
            if (i % 211 == 7)
            {
                text.Append("坏行,\"未闭合\r\n");
                continue;
            }

            var id = $"420106{1950 + random.Next(60)}{random.Next(1, 13):D2}{random.Next(1, 29):D2}{random.Next(1000):D3}{"0123456789X"[random.Next(11)]}";
            var mobile = random.Next(4) switch { 0 => $"+86 13{random.Next(10)}-{random.Next(10000):D4}-{random.Next(10000):D4}", 1 => "12345", _ => $"1{random.Next(3, 10)}{random.Next(1_000_000_000):D9}" };
            var card = random.Next(3) == 0 ? $"6222 0212 {random.Next(10000):D4} {random.Next(10000):D4}" : $"622202{random.NextInt64(1_000_000_000_000):D13}";
            var address = addresses[random.Next(addresses.Length)] + (random.Next(2) == 0 ? $"{random.Next(1, 999)}号" : string.Empty);
            var email = random.Next(5) == 0 ? "不详" : $"User{random.Next(300)}@Example.cn";
            var credit = $"92420106MA{random.Next(10_000_000):D7}{"0123456789ABCDEFGHJKLMNPQRTUWXY"[random.Next(31)]}";
            var plate = random.Next(3) switch { 0 => $"鄂A·{random.Next(100_000):D5}", 1 => $"粤B{random.Next(10):D1}D{random.Next(10000):D4}", _ => "无" };
            var birth = random.Next(3) switch { 0 => $"{1950 + random.Next(60)}-0{random.Next(1, 10)}-1{random.Next(10)}", 1 => $"{1950 + random.Next(60)}年{random.Next(1, 13)}月{random.Next(1, 28)}日", _ => "" };
            var name = surnames[random.Next(surnames.Length)] + given[random.Next(given.Length)];
            var history = random.Next(3) == 0 ? "高血压" : random.Next(2) == 0 ? "" : "\"糖尿病,\"\"二型\"\"\"";
            var note = random.Next(4) == 0 ? $"联系13{random.Next(10)}{random.Next(100_000_000):D8}" : $"第{i % 17}批";
            text.Append(CultureInfo.InvariantCulture, $"{i},{name},{id},{mobile},{card},{address},{email},{credit},{plate},{birth},{(random.Next(2) == 0 ? "男" : "女")},{history},{note},x\r\n");
        }

        return text.ToString();
    }

    private static async Task<string> HashOfOutputAsync(string csv, MaskingPurpose purpose, SamplingPlan sampling, int parallelism, DataFormat output)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        using var masked = new MemoryStream();
        var report = await MaskingEngine.RunAsync(input, DataFormat.Csv, Fields, new MaskingOptions
        {
            Purpose = purpose,
            Today = new DateOnly(2026, 12, 6),
            Key = PseudonymisationKey.Derive(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), "agreement-golden"),
            Sampling = sampling,
            Seed = 11,
            OutputFormat = output,
            Parallelism = parallelism,
            BlockRows = 64,
        }, masked);
        var reportJson = System.Text.Json.JsonSerializer.Serialize(report);
        return Convert.ToHexStringLower(SHA256.HashData(masked.ToArray()))[..16] + " " + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(reportJson)))[..16];
    }
}
