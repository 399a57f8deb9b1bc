using Platform.Domain.Identifiers;
using Xunit;

namespace Platform.UnitTests.Identifiers;

public class MobileNumberTests
{
    [Theory]
    [InlineData("13812345678")]
    [InlineData("+8613812345678")]
    [InlineData("+86 138 1234 5678")]
    [InlineData("+86-138-1234-5678")]
    [InlineData("008613812345678")]
    [InlineData("0086 138 1234 5678")]
    [InlineData("138-1234-5678")]
    [InlineData(" 13812345678 ")]
    public void Validate_AcceptedSpellings_NormalisedToElevenDigits(string input)
    {
        var result = MobileNumber.Validate(input);

        Assert.True(result.IsValid, result.Message);
        Assert.Equal("13812345678", result.Normalized);
    }

    [Theory]
    [InlineData("13012345678")]
    [InlineData("14512345678")]
    [InlineData("15912345678")]
    [InlineData("16612345678")]
    [InlineData("17712345678")]
    [InlineData("18912345678")]
    [InlineData("19912345678")]
    public void IsValid_EveryMobilePrefix_True(string number)
    {
        Assert.True(MobileNumber.IsValid(number));
    }

    [Fact]
    public void Validate_CanonicalInput_ReturnsTheSameInstance()
    {
        const string number = "13812345678";

        Assert.Same(number, MobileNumber.Validate(number).Normalized);
    }

    [Theory]
    [InlineData(null, IdentifierProblem.Empty)]
    [InlineData("", IdentifierProblem.Empty)]
    [InlineData("1381234567", IdentifierProblem.WrongLength)]
    [InlineData("138123456789", IdentifierProblem.WrongLength)]
    [InlineData("8613812345678", IdentifierProblem.WrongLength)] // country code without + or 00
    [InlineData("12812345678", IdentifierProblem.InvalidMobilePrefix)]
    [InlineData("10012345678", IdentifierProblem.InvalidMobilePrefix)]
    [InlineData("23812345678", IdentifierProblem.InvalidMobilePrefix)]
    [InlineData("+85261234567", IdentifierProblem.InvalidMobilePrefix)] // Hong Kong
    [InlineData("+1 415 555 2671", IdentifierProblem.InvalidMobilePrefix)]
    [InlineData("138 1234 567a", IdentifierProblem.InvalidCharacter)]
    [InlineData("138--1234-5678", IdentifierProblem.InvalidCharacter)]
    [InlineData("(+86)13812345678", IdentifierProblem.InvalidCharacter)]
    [InlineData("+", IdentifierProblem.InvalidCharacter)]
    public void Validate_BadInput_NamesTheProblem(string? input, IdentifierProblem expected)
    {
        Assert.Equal(expected, MobileNumber.Validate(input).Problem);
        Assert.False(MobileNumber.IsValid(input));
    }
}
