using FsCheck.Xunit;
using Platform.Domain.Identifiers;
using Xunit;
using static Platform.UnitTests.Identifiers.IdentifierTestData;

namespace Platform.UnitTests.Identifiers;

public class ResidentIdNumberTests
{
    // The example printed in GB 11643-1999 (Beijing Chaoyang, born 1949-12-31, woman); check X recomputed below.
    private const string PublishedExample = "11010519491231002X";

    // The standard's other example: a correct check character but born in 1880, before the accepted range.
    private const string PublishedExampleBornIn1880 = "440524188001010014";

    [Theory]
    [InlineData(PublishedExample)]
    [InlineData(PublishedExampleBornIn1880)]
    public void TestHelper_PublishedExamples_ComputesTheirCheckCharacter(string number)
    {
        Assert.Equal(number[17], IdNumberCheck(number[..17]));
    }

    [Fact]
    public void TryParse_PublishedExample_ExtractsBirthDateSexAndArea()
    {
        Assert.True(ResidentIdNumber.TryParse(PublishedExample, Today, out var info));

        Assert.Equal(new DateOnly(1949, 12, 31), info.BirthDate);
        Assert.Equal(Sex.Female, info.Sex);
        Assert.Equal("110105", info.AreaCode);
        Assert.Same(PublishedExample, info.Number);
    }

    [Theory]
    [InlineData("42010619900101123", 1990, 1, 1, Sex.Male)]
    [InlineData("42010620000229124", 2000, 2, 29, Sex.Female)] // leap day
    [InlineData("65010219000101001", 1900, 1, 1, Sex.Male)] // first accepted day
    [InlineData("81000020251101002", 2025, 11, 1, Sex.Female)] // born today, Hong Kong residence permit
    [InlineData("91420019800615123", 1980, 6, 15, Sex.Male)] // foreigners' permanent residence card
    public void TryParse_ComputedCheckCharacter_ExtractsBirthDateAndSex(string first17, int year, int month, int day, Sex sex)
    {
        var number = WithIdNumberCheck(first17);

        Assert.True(ResidentIdNumber.TryParse(number, Today, out var info));
        Assert.Equal(new DateOnly(year, month, day), info.BirthDate);
        Assert.Equal(sex, info.Sex);
        Assert.True(ResidentIdNumber.TryGetBirthDate(number, Today, out var birthDate));
        Assert.Equal(info.BirthDate, birthDate);
        Assert.True(ResidentIdNumber.TryGetSex(number, Today, out var extractedSex));
        Assert.Equal(sex, extractedSex);
    }

    [Fact]
    public void Validate_LowerCaseX_NormalisedToUpperCase()
    {
        var result = ResidentIdNumber.Validate(" 11010519491231002x ", Today);

        Assert.True(result.IsValid, result.Message);
        Assert.Equal(PublishedExample, result.Normalized);
    }

    [Theory]
    [InlineData(null, IdentifierProblem.Empty)]
    [InlineData("", IdentifierProblem.Empty)]
    [InlineData("110105491231002", IdentifierProblem.WrongLength)] // first-generation 15-digit number
    [InlineData("11010519491231002X1", IdentifierProblem.WrongLength)]
    [InlineData("1101051949123100XX", IdentifierProblem.InvalidCharacter)]
    [InlineData("11010519491231002Y", IdentifierProblem.InvalidCharacter)]
    [InlineData("1101051949123100２X", IdentifierProblem.InvalidCharacter)] // full-width digit
    [InlineData("01010519491231002X", IdentifierProblem.InvalidAreaCode)]
    [InlineData("19010519491231002X", IdentifierProblem.InvalidAreaCode)]
    [InlineData("72010519491231002X", IdentifierProblem.InvalidAreaCode)]
    [InlineData("11010519491331002X", IdentifierProblem.ImpossibleBirthDate)] // month 13
    [InlineData("11010519490230002X", IdentifierProblem.ImpossibleBirthDate)] // 30 February
    [InlineData("11010519000229002X", IdentifierProblem.ImpossibleBirthDate)] // 1900 was not a leap year
    [InlineData("11010519491200002X", IdentifierProblem.ImpossibleBirthDate)] // day 0
    [InlineData(PublishedExampleBornIn1880, IdentifierProblem.BirthDateOutOfRange)]
    [InlineData("11010520251102002X", IdentifierProblem.BirthDateOutOfRange)] // tomorrow
    [InlineData("110105194912310021", IdentifierProblem.WrongCheckCharacter)]
    [InlineData("11010519491231020X", IdentifierProblem.WrongCheckCharacter)] // adjacent transposition
    public void Validate_BadInput_NamesTheProblem(string? input, IdentifierProblem expected)
    {
        var result = ResidentIdNumber.Validate(input, Today);

        Assert.Equal(expected, result.Problem);
        Assert.False(ResidentIdNumber.IsValid(input, Today));
        Assert.False(ResidentIdNumber.TryParse(input, Today, out _));
    }

    [Fact]
    public void Message_ImpossibleBirthDate_IsShortEnglish()
    {
        var result = ResidentIdNumber.Validate("11010519491331002X", Today);

        Assert.Equal("The resident identity number contains an impossible birth date.", result.Message);
    }

    [Property(Arbitrary = [typeof(IdentifierArbitraries)])]
    public bool TryParse_GeneratedNumber_ValidWithItsBirthDateAndSex(ValidIdNumber id) =>
        ResidentIdNumber.TryParse(id.Value, Today, out var info)
        && info.BirthDate == id.BirthDate
        && info.Sex == (id.Male ? Sex.Male : Sex.Female);

    // Each case tries every substitution at every position, so fewer cases than the default 100 suffice.
    [Property(Arbitrary = [typeof(IdentifierArbitraries)], MaxTest = 30)]
    public bool IsValid_AnySingleSubstitution_False(ValidIdNumber id)
    {
        var chars = id.Value.ToCharArray();
        for (var position = 0; position < chars.Length; position++)
        {
            var original = chars[position];
            var allowed = position == chars.Length - 1 ? "0123456789X" : "0123456789";
            foreach (var replacement in allowed)
            {
                if (replacement == original)
                {
                    continue;
                }

                chars[position] = replacement;
                if (ResidentIdNumber.IsValid(new string(chars), Today))
                {
                    return false;
                }
            }

            chars[position] = original;
        }

        return true;
    }

    [Property(Arbitrary = [typeof(IdentifierArbitraries)])]
    public bool IsValid_RandomDigitsWithWrongCheckDigit_False(EighteenDigits digits)
    {
        var body = digits.Value[..17];
        var correct = IdNumberCheck(body);
        var wrong = correct == digits.Value[17] ? (char)('0' + ((digits.Value[17] - '0' + 1) % 10)) : digits.Value[17];

        return !ResidentIdNumber.IsValid(body + wrong, Today);
    }
}
