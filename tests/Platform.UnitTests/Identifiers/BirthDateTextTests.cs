using Platform.Domain.Identifiers;
using Xunit;
using static Platform.UnitTests.Identifiers.IdentifierTestData;

namespace Platform.UnitTests.Identifiers;

public class BirthDateTextTests
{
    [Theory]
    [InlineData("1990-03-07")]
    [InlineData("19900307")]
    [InlineData("1990/3/7")]
    [InlineData("1990/03/07")]
    [InlineData("1990-3-7")]
    [InlineData("1990.3.7")]
    [InlineData("1990年3月7日")]
    [InlineData(" 1990-03-07 ")]
    public void TryParse_AcceptedLayouts_ReadTheDate(string text)
    {
        Assert.True(BirthDateText.TryParse(text, out var date));
        Assert.Equal(new DateOnly(1990, 3, 7), date);
        Assert.Equal("1990-03-07", BirthDateText.Validate(text, Today).Normalized);
    }

    [Theory]
    [InlineData("1900-01-01")]
    [InlineData("2025-11-01")] // today
    [InlineData("2024-02-29")]
    public void IsValid_Bounds_True(string text)
    {
        Assert.True(BirthDateText.IsValid(text, Today));
    }

    [Theory]
    [InlineData(null, IdentifierProblem.Empty)]
    [InlineData("", IdentifierProblem.Empty)]
    [InlineData("1990-03", IdentifierProblem.InvalidFormat)]
    [InlineData("90-03-07", IdentifierProblem.InvalidFormat)]
    [InlineData("07/03/1990", IdentifierProblem.InvalidFormat)]
    [InlineData("1990-03/07", IdentifierProblem.InvalidFormat)]
    [InlineData("1990-003-07", IdentifierProblem.InvalidFormat)]
    [InlineData("1990年3月7", IdentifierProblem.InvalidFormat)]
    [InlineData("1990-03-07T00:00:00Z", IdentifierProblem.InvalidFormat)]
    [InlineData("1990-13-01", IdentifierProblem.ImpossibleBirthDate)]
    [InlineData("1990-02-29", IdentifierProblem.ImpossibleBirthDate)]
    [InlineData("19900431", IdentifierProblem.ImpossibleBirthDate)]
    [InlineData("1990/0/7", IdentifierProblem.ImpossibleBirthDate)]
    [InlineData("0000-01-01", IdentifierProblem.ImpossibleBirthDate)]
    [InlineData("1899-12-31", IdentifierProblem.BirthDateOutOfRange)]
    [InlineData("2025-11-02", IdentifierProblem.BirthDateOutOfRange)] // tomorrow
    public void Validate_BadInput_NamesTheProblem(string? input, IdentifierProblem expected)
    {
        Assert.Equal(expected, BirthDateText.Validate(input, Today).Problem);
        Assert.False(BirthDateText.IsValid(input, Today));
    }

    [Fact]
    public void TryParse_DateOutsideBirthRange_StillParses()
    {
        Assert.True(BirthDateText.TryParse("1850-06-01", out var date));
        Assert.Equal(new DateOnly(1850, 6, 1), date);
    }
}
