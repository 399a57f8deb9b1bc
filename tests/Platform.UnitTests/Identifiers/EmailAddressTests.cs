using Platform.Domain.Identifiers;
using Xunit;

namespace Platform.UnitTests.Identifiers;

public class EmailAddressTests
{
    [Theory]
    [InlineData("zhang.san@example.com")]
    [InlineData("data-office+catalog@hubei.gov.cn")]
    [InlineData("a@b.cn")]
    [InlineData("o'brien_1@mail.example.org")]
    [InlineData("张三@例子.中国")]
    [InlineData("user@xn--fiqs8s.xn--fiqz9s")]
    public void IsValid_PlausibleAddresses_True(string address)
    {
        var result = EmailAddress.Validate(address);

        Assert.True(result.IsValid, result.Message);
        Assert.Same(address, result.Normalized);
    }

    [Fact]
    public void Validate_SurroundingWhiteSpace_Trimmed()
    {
        Assert.Equal("a@b.cn", EmailAddress.Validate("  a@b.cn\t").Normalized);
    }

    [Theory]
    [InlineData(null, IdentifierProblem.Empty)]
    [InlineData(" ", IdentifierProblem.Empty)]
    [InlineData("zhang.san.example.com", IdentifierProblem.InvalidFormat)]
    [InlineData("a@b@example.com", IdentifierProblem.InvalidFormat)]
    [InlineData("@example.com", IdentifierProblem.InvalidFormat)]
    [InlineData("zhang@", IdentifierProblem.InvalidFormat)]
    [InlineData(".zhang@example.com", IdentifierProblem.InvalidFormat)]
    [InlineData("zhang.@example.com", IdentifierProblem.InvalidFormat)]
    [InlineData("zhang..san@example.com", IdentifierProblem.InvalidFormat)]
    [InlineData("zhang@localhost", IdentifierProblem.InvalidFormat)]
    [InlineData("zhang@example.c", IdentifierProblem.InvalidFormat)]
    [InlineData("zhang@127.0.0.1", IdentifierProblem.InvalidFormat)]
    [InlineData("zhang@-example.com", IdentifierProblem.InvalidFormat)]
    [InlineData("zhang@example..com", IdentifierProblem.InvalidFormat)]
    [InlineData("zhang san@example.com", IdentifierProblem.InvalidCharacter)]
    [InlineData("\"zhang\"@example.com", IdentifierProblem.InvalidCharacter)]
    [InlineData("zhang@exa_mple.com", IdentifierProblem.InvalidCharacter)]
    [InlineData("zhang@[127.0.0.1]", IdentifierProblem.InvalidCharacter)]
    public void Validate_BadInput_NamesTheProblem(string? input, IdentifierProblem expected)
    {
        Assert.Equal(expected, EmailAddress.Validate(input).Problem);
        Assert.False(EmailAddress.IsValid(input));
    }

    [Fact]
    public void Validate_LocalPartOver64Characters_WrongLength()
    {
        Assert.Equal(IdentifierProblem.WrongLength, EmailAddress.Validate(new string('a', 65) + "@example.com").Problem);
    }

    [Fact]
    public void Validate_AddressOver254Characters_WrongLength()
    {
        var address = "a@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 5)) + ".cn";

        Assert.Equal(IdentifierProblem.WrongLength, EmailAddress.Validate(address).Problem);
    }
}
