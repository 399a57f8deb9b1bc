using FsCheck.Xunit;
using Platform.Domain.Identifiers;
using Xunit;
using static Platform.UnitTests.Identifiers.IdentifierTestData;

namespace Platform.UnitTests.Identifiers;

public class UnifiedSocialCreditCodeTests
{
    // The worked example printed in GB 32100-2015; its check character 3 was recomputed by IdentifierTestData.
    private const string PublishedExample = "91350100M000100Y43";

    [Fact]
    public void TestHelper_PublishedExample_ComputesItsCheckCharacter()
    {
        Assert.Equal(PublishedExample[17], CreditCodeCheck(PublishedExample[..17]));
    }

    [Fact]
    public void IsValid_PublishedExample_True()
    {
        Assert.True(UnifiedSocialCreditCode.IsValid(PublishedExample));
    }

    [Theory]
    [InlineData("91420100MA4K3X4W1")] // 工商, enterprise, Wuhan
    [InlineData("12100000400000070")] // 机构编制, public institution, national
    [InlineData("51420000MJ0000001")] // 民政, social organisation
    [InlineData("92420102L00000000")] // 工商, individual business
    [InlineData("Y1420100000000001")] // other authorities
    [InlineData("N2420100000000001")] // agriculture, village collective
    public void Validate_ComputedCheckCharacter_ValidAndCanonical(string first17)
    {
        var code = WithCreditCodeCheck(first17);

        var result = UnifiedSocialCreditCode.Validate(code);

        Assert.True(result.IsValid, result.Message);
        Assert.Same(code, result.Normalized);
    }

    [Fact]
    public void Validate_LowerCaseAndSurroundingSpace_NormalisedToUpperCase()
    {
        var result = UnifiedSocialCreditCode.Validate("  " + PublishedExample.ToLowerInvariant() + " ");

        Assert.Equal(PublishedExample, result.Normalized);
    }

    [Theory]
    [InlineData(null, IdentifierProblem.Empty)]
    [InlineData("", IdentifierProblem.Empty)]
    [InlineData("   ", IdentifierProblem.Empty)]
    [InlineData("91350100M000100Y4", IdentifierProblem.WrongLength)]
    [InlineData("91350100M000100Y433", IdentifierProblem.WrongLength)]
    [InlineData("91350100M000100I43", IdentifierProblem.InvalidCharacter)] // I is not in the alphabet
    [InlineData("91350100M000100O43", IdentifierProblem.InvalidCharacter)]
    [InlineData("91350100S000100Y43", IdentifierProblem.InvalidCharacter)]
    [InlineData("91350100V000100Y43", IdentifierProblem.InvalidCharacter)]
    [InlineData("91350100Z000100Y43", IdentifierProblem.InvalidCharacter)]
    [InlineData("91350100M000100Y4-", IdentifierProblem.InvalidCharacter)]
    [InlineData("913501００M000100Y43", IdentifierProblem.InvalidCharacter)] // full-width digits
    [InlineData("B1350100M000100Y43", IdentifierProblem.InvalidRegistrationAuthority)]
    [InlineData("01350100M000100Y43", IdentifierProblem.InvalidRegistrationAuthority)]
    [InlineData("99350100M000100Y43", IdentifierProblem.InvalidOrganisationCategory)] // 工商 has categories 1-3
    [InlineData("54350100M000100Y43", IdentifierProblem.InvalidOrganisationCategory)]
    [InlineData("Y0350100M000100Y43", IdentifierProblem.InvalidOrganisationCategory)]
    [InlineData("913A0100M000100Y43", IdentifierProblem.InvalidAdministrativeDivision)]
    [InlineData("91350100M000100Y44", IdentifierProblem.WrongCheckCharacter)]
    [InlineData("91350100M000100Y34", IdentifierProblem.WrongCheckCharacter)] // adjacent transposition
    public void Validate_BadInput_NamesTheProblem(string? input, IdentifierProblem expected)
    {
        var result = UnifiedSocialCreditCode.Validate(input);

        Assert.Equal(expected, result.Problem);
        Assert.False(result.IsValid);
        Assert.Null(result.Normalized);
        Assert.False(UnifiedSocialCreditCode.IsValid(input));
    }

    [Fact]
    public void Message_WrongLength_SaysWhatIsExpected()
    {
        var result = UnifiedSocialCreditCode.Validate("9135");

        Assert.Equal("The unified social credit code has the wrong length (expected 18 characters).", result.Message);
    }

    [Property(Arbitrary = [typeof(IdentifierArbitraries)])]
    public bool IsValid_GeneratedCode_True(ValidCreditCode code) => UnifiedSocialCreditCode.IsValid(code.Value);

    // Each case tries every substitution at every position, so fewer cases than the default 100 suffice.
    [Property(Arbitrary = [typeof(IdentifierArbitraries)], MaxTest = 30)]
    public bool IsValid_AnySingleSubstitution_False(ValidCreditCode code)
    {
        var chars = code.Value.ToCharArray();
        for (var position = 0; position < chars.Length; position++)
        {
            var original = chars[position];
            foreach (var replacement in CreditCodeAlphabet)
            {
                if (replacement == original)
                {
                    continue;
                }

                chars[position] = replacement;
                if (UnifiedSocialCreditCode.IsValid(new string(chars)))
                {
                    return false;
                }
            }

            chars[position] = original;
        }

        return true;
    }
}
