using FsCheck.Xunit;
using Platform.Domain.Identifiers;
using Xunit;
using static Platform.UnitTests.Identifiers.IdentifierTestData;

namespace Platform.UnitTests.Identifiers;

public class BankCardNumberTests
{
    [Theory]
    [InlineData("4111111111111111")] // published Visa test number
    [InlineData("5555555555554444")] // published Mastercard test number
    [InlineData("378282246310005")] // published American Express test number (15 digits)
    [InlineData("6200000000000005")] // published UnionPay test number
    public void IsValid_PublishedTestNumbers_True(string number)
    {
        Assert.True(PassesLuhn(number));
        Assert.True(BankCardNumber.IsValid(number));
    }

    [Theory]
    [InlineData("62220212345")] // 12 digits with the check
    [InlineData("621226220102355")] // 16 digits with the check
    [InlineData("621700123456789012")] // 19 digits with the check
    public void Validate_ComputedCheckDigit_Valid(string payload)
    {
        var number = WithLuhnCheck(payload);

        var result = BankCardNumber.Validate(number);

        Assert.True(result.IsValid, result.Message);
        Assert.Same(number, result.Normalized);
    }

    [Theory]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("4111-1111-1111-1111")]
    [InlineData(" 4111111111111111 ")]
    public void Validate_GroupedDigits_NormalisedToBareDigits(string input)
    {
        Assert.Equal("4111111111111111", BankCardNumber.Validate(input).Normalized);
    }

    [Theory]
    [InlineData(null, IdentifierProblem.Empty)]
    [InlineData("", IdentifierProblem.Empty)]
    [InlineData("41111111111", IdentifierProblem.WrongLength)] // 11 digits
    [InlineData("41111111111111111111", IdentifierProblem.WrongLength)] // 20 digits
    [InlineData("4111111111111112", IdentifierProblem.WrongCheckCharacter)]
    [InlineData("4111111111111121", IdentifierProblem.WrongCheckCharacter)]
    [InlineData("4111  1111 1111 1111", IdentifierProblem.InvalidCharacter)] // double separator
    [InlineData("-4111111111111111", IdentifierProblem.InvalidCharacter)]
    [InlineData("4111111111111111-", IdentifierProblem.InvalidCharacter)]
    [InlineData("4111x11111111111", IdentifierProblem.InvalidCharacter)]
    public void Validate_BadInput_NamesTheProblem(string? input, IdentifierProblem expected)
    {
        Assert.Equal(expected, BankCardNumber.Validate(input).Problem);
        Assert.False(BankCardNumber.IsValid(input));
    }

    [Theory]
    [InlineData("79927398713", true)]
    [InlineData("79927398710", false)]
    [InlineData("", false)]
    [InlineData("7992739871a", false)]
    public void Luhn_IsValid_MatchesTheAlgorithm(string digits, bool expected)
    {
        Assert.Equal(expected, Luhn.IsValid(digits));
    }

    [Property(Arbitrary = [typeof(IdentifierArbitraries)])]
    public bool IsValid_GeneratedLuhnNumber_True(LuhnNumber number) =>
        BankCardNumber.IsValid(number.Value) && Luhn.IsValid(number.Value);

    // Each case tries every substitution at every position, so fewer cases than the default 100 suffice.
    [Property(Arbitrary = [typeof(IdentifierArbitraries)], MaxTest = 30)]
    public bool IsValid_AnySingleDigitChange_False(LuhnNumber number)
    {
        var chars = number.Value.ToCharArray();
        for (var position = 0; position < chars.Length; position++)
        {
            var original = chars[position];
            for (var replacement = '0'; replacement <= '9'; replacement++)
            {
                if (replacement == original)
                {
                    continue;
                }

                chars[position] = replacement;
                if (BankCardNumber.IsValid(new string(chars)))
                {
                    return false;
                }
            }

            chars[position] = original;
        }

        return true;
    }
}
