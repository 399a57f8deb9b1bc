using System.Text;
using Platform.Domain.Catalog;
using Platform.Domain.Grants;
using Platform.Domain.Masking;
using Platform.Domain.Sandbox;
using Xunit;

namespace Platform.UnitTests.Grants;

/// <summary>Issue 14 item 0: identifiers never enter the library raw; coarse attributes only where requested.</summary>
public sealed class LibraryColumnsTests
{
    private static readonly FieldDefinition[] Fields =
    [
        new("姓名", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Name, false),
        new("身份证号", FieldType.String, FieldClassification.SensitivePersonal, FieldGrade.General, IdentifierKind.IdNumber, false),
        new("区县", FieldType.String, FieldClassification.Public, FieldGrade.General, null, true),
        new("补贴", FieldType.Decimal, FieldClassification.Internal, FieldGrade.General, null, false),
    ];

    private static readonly byte[] RootKey = Encoding.UTF8.GetBytes("unit-test-pseudonymisation-root-key-0123456789");

    private static string IdNumber(string first17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = first17.Select((c, i) => (c - '0') * weights[i]).Sum();
        return first17 + "10X98765432"[sum % 11];
    }

    [Fact]
    public void Plan_IdentifiersPseudonymOthersRawDerivedAsOwnDimension()
    {
        var columns = LibraryColumns.Plan(Fields, ["区县", "身份证号", "姓名", "补贴", "身份证号:birth_year", "身份证号:sex"]);

        Assert.Equal(
            [("区县", LibraryValue.Raw), ("身份证号", LibraryValue.Pseudonym), ("姓名", LibraryValue.Pseudonym), ("补贴", LibraryValue.Raw), ("身份证号_birth_year", LibraryValue.Derived), ("身份证号_sex", LibraryValue.Derived)],
            columns.Select(c => (c.Field.Name, c.Holds)));
        var policies = columns.Select(c => GrantRules.ToGrantField(c).EffectivePolicy).ToList();
        Assert.Equal([ColumnPolicy.Dimension, ColumnPolicy.Identifier, ColumnPolicy.Identifier, ColumnPolicy.Measure, ColumnPolicy.Dimension, ColumnPolicy.Dimension], policies);
        Assert.Equal("身份证号", ColumnPolicies.SubjectKeyOf(columns.Select(c => c.Field)));
    }

    [Theory]
    [InlineData("区县:birth_year")]
    [InlineData("邮编:sex")]
    [InlineData("邮编")]
    public void Problem_AttributeOfNonIdNumberOrUnknownField_Named(string requested)
    {
        Assert.NotNull(LibraryColumns.Problem(Fields, requested));
    }

    [Fact]
    public async Task Copy_WithPlan_LibraryHoldsPseudonymsAndAttributesNeverTheRawIdentifier()
    {
        var id = IdNumber("42010619850317001");
        var csv = $"姓名,身份证号,区县,补贴\r\n张伟,{id},武昌区,120.5\r\n张伟,{id},武昌区,80\r\n";
        var columns = LibraryColumns.Plan(Fields, ["姓名", "身份证号", "区县", "身份证号:birth_year", "身份证号:sex", "身份证号:county"]);
        var key = PseudonymisationKey.Derive(RootKey, "agr-1");
        using var pseudonymiser = new Pseudonymiser(key);
        var sources = columns.Select(c => c.Source).Distinct().ToList();
        using var output = new MemoryStream();

        await LibraryCopier.CopyAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), DataFormat.Csv, InputEncoding.Utf8, sources, columns.Select(c => c.Field.Name).ToList(),
            values => columns.Select(c => LibraryColumns.Transform(c, values[sources.IndexOf(c.Source)], pseudonymiser, new DateOnly(2026, 12, 6))).ToArray(), output);

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("姓名,身份证号,区县,身份证号_birth_year,身份证号_sex,身份证号_county", lines[0]);
        var cells = lines[1].Split(',');
        Assert.Equal(Pseudonymiser.Apply(key, IdentifierKind.Name, "张伟"), cells[0]);
        Assert.Equal(Pseudonymiser.Apply(key, IdentifierKind.IdNumber, id), cells[1]);
        Assert.Equal(["武昌区", "1985", "男", "420106"], cells[2..]);
        // Two records of one person carry one pseudonym: it joins and counts them as one subject.
        Assert.Equal(lines[1].Split(',')[1], lines[2].Split(',')[1]);
        Assert.DoesNotContain(id, string.Join("\n", lines), StringComparison.Ordinal);
        Assert.DoesNotContain("张伟", string.Join("\n", lines), StringComparison.Ordinal);
        // Another agreement's key gives unrelated pseudonyms.
        Assert.NotEqual(Pseudonymiser.Apply(PseudonymisationKey.Derive(RootKey, "agr-2"), IdentifierKind.IdNumber, id), cells[1]);
    }
}
