using System.Globalization;
using System.Text;
using Platform.Domain.Catalog;
using Platform.Domain.Masking;
using Xunit;
using static Platform.UnitTests.Masking.MaskingTestData;

namespace Platform.UnitTests.Masking;

/// <summary>Issue 18.3: the block path (pseudonyms eight at a time, the memo bypassed for unique columns) gives each value's own pseudonym.</summary>
public class MaskingBlockPathTests
{
    [Theory]
    [InlineData(1, 512)]
    [InlineData(2, 100)]
    public async Task Run_UniqueThenRepeatedValues_EachRowHasItsValuesPseudonym(int parallelism, int blockRows)
    {
        FieldDefinition[] fields =
        [
            Field("手机", FieldClassification.Personal, IdentifierKind.Mobile),
            Field("姓名", FieldClassification.Personal, IdentifierKind.Name),
        ];
        var values = new List<(string Mobile, string Name)>();
        for (var i = 0; i < 30_000; i++)
        {
            // Unique phones (the memo fills without hits and is bypassed), then ten repeated ones (the memo is tried again).
            var mobile = i < 20_000 ? $"139{i:D8}" : $"138{i % 10:D8}";
            values.Add((mobile, Surnames[i % Surnames.Length] + GivenNames[i % 7]));
        }

        var input = new StringBuilder("手机,姓名\n");
        foreach (var (mobile, name) in values)
        {
            input.Append(CultureInfo.InvariantCulture, $"{mobile},{name}\n");
        }

        var options = Options(MaskingPurpose.Provisioning) with { Parallelism = parallelism, BlockRows = blockRows };
        var (output, report) = await RunAsync(input.ToString(), fields, options);

        var key = PseudonymisationKey.Derive(RootKey, "agreement-1");
        var expected = new StringBuilder("手机,姓名\r\n");
        foreach (var (mobile, name) in values)
        {
            expected.Append(CultureInfo.InvariantCulture, $"{Pseudonymiser.Apply(key, IdentifierKind.Mobile, mobile)},{Pseudonymiser.Apply(key, IdentifierKind.Name, name)}\r\n");
        }

        Assert.Equal(values.Count, report.RowsOut);
        Assert.Equal(expected.ToString(), output);
    }
}
