using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Platform.Domain.Catalog;
using Platform.Domain.Masking;
using Platform.UnitTests.Identifiers;

namespace Platform.UnitTests.Masking;

public static class MaskingTestData
{
    public static readonly DateOnly Today = IdentifierTestData.Today;

    public static readonly byte[] RootKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public static readonly string[] Surnames = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "欧阳", "司马", "诸葛", "上官"];

    public static readonly string[] GivenNames = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞"];

    public static FieldDefinition Field(
        string name,
        FieldClassification classification = FieldClassification.Public,
        IdentifierKind? kind = null,
        FieldType type = FieldType.String,
        FieldGrade grade = FieldGrade.General,
        bool quasiIdentifier = false) =>
        new(name, type, classification, grade, kind, quasiIdentifier);

    public static MaskingOptions Options(
        MaskingPurpose purpose = MaskingPurpose.Sample,
        SamplingPlan? sampling = null,
        long seed = 0,
        string agreementId = "agreement-1") => new()
        {
            Purpose = purpose,
            Today = Today,
            Sampling = sampling ?? SamplingPlan.None,
            Seed = seed,
            Key = purpose == MaskingPurpose.Provisioning ? PseudonymisationKey.Derive(RootKey, agreementId) : null,
        };

    public static async Task<(string Output, MaskingReport Report)> RunAsync(
        string input,
        IReadOnlyList<FieldDefinition> fields,
        MaskingOptions? options = null,
        DataFormat format = DataFormat.Csv) =>
        await RunAsync(Encoding.UTF8.GetBytes(input), fields, options, format);

    public static async Task<(string Output, MaskingReport Report)> RunAsync(
        byte[] input,
        IReadOnlyList<FieldDefinition> fields,
        MaskingOptions? options = null,
        DataFormat format = DataFormat.Csv)
    {
        using var source = new MemoryStream(input);
        using var target = new MemoryStream();
        var report = await MaskingEngine.RunAsync(source, format, fields, options ?? Options(), target);
        return (Encoding.UTF8.GetString(target.ToArray()), report);
    }
}

public sealed record ChineseFullName(string Value);

public sealed record ValidMobileNumber(string Value);

/// <summary>Generators for values of every kind the property tests mask.</summary>
public static class MaskingArbitraries
{
    public static Arbitrary<ChineseFullName> Names() =>
        (from surname in Gen.Elements(MaskingTestData.Surnames)
         from given in Gen.Elements(MaskingTestData.GivenNames)
         select new ChineseFullName(surname + given))
        .ToArbitrary();

    public static Arbitrary<ValidMobileNumber> Mobiles() =>
        (from second in Gen.Elements("3456789".ToCharArray())
         from rest in Gen.ArrayOf(Gen.Elements("0123456789".ToCharArray()), 9)
         select new ValidMobileNumber($"1{second}{new string(rest)}"))
        .ToArbitrary();

    public static Arbitrary<ValidIdNumber> IdNumbers() => IdentifierArbitraries.IdNumbers();

    public static Arbitrary<LuhnNumber> BankCards() =>
        (from length in Gen.Choose(15, 18)
         from payload in Gen.ArrayOf(Gen.Elements("0123456789".ToCharArray()), length)
         select new LuhnNumber(IdentifierTestData.WithLuhnCheck("6" + new string(payload)[1..])))
        .ToArbitrary();
}
