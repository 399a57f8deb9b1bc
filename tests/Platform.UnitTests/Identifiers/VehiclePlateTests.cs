using Platform.Domain.Identifiers;
using Xunit;

namespace Platform.UnitTests.Identifiers;

public class VehiclePlateTests
{
    [Theory]
    [InlineData("鄂A12345", VehiclePlateKind.Ordinary)]
    [InlineData("京AB1C23", VehiclePlateKind.Ordinary)]
    [InlineData("藏ZZZ999", VehiclePlateKind.Ordinary)]
    [InlineData("鄂AD12345", VehiclePlateKind.NewEnergySmall)]
    [InlineData("沪AFA1234", VehiclePlateKind.NewEnergySmall)]
    [InlineData("浙AA12345", VehiclePlateKind.NewEnergySmall)] // letters added after D and F ran out
    [InlineData("粤BK12345", VehiclePlateKind.NewEnergySmall)]
    [InlineData("粤B12345D", VehiclePlateKind.NewEnergyLarge)]
    [InlineData("川A12345F", VehiclePlateKind.NewEnergyLarge)]
    [InlineData("京A1234学", VehiclePlateKind.Coach)]
    [InlineData("京A1234警", VehiclePlateKind.Police)]
    [InlineData("粤Z1234港", VehiclePlateKind.HongKong)]
    [InlineData("粤ZA123澳", VehiclePlateKind.Macao)]
    [InlineData("鄂A1234挂", VehiclePlateKind.Trailer)]
    [InlineData("沪A1234领", VehiclePlateKind.Consulate)]
    public void TryGetKind_RealFormats_ValidWithKind(string plate, VehiclePlateKind expected)
    {
        Assert.True(VehiclePlate.TryGetKind(plate, out var kind));
        Assert.Equal(expected, kind);
        Assert.Same(plate, VehiclePlate.Validate(plate).Normalized);
    }

    [Theory]
    [InlineData("鄂A·12345", "鄂A12345")]
    [InlineData("鄂a 12345", "鄂A12345")]
    [InlineData("鄂A-d12345", "鄂AD12345")]
    public void Validate_SeparatorsAndLowerCase_Normalised(string input, string expected)
    {
        Assert.Equal(expected, VehiclePlate.Validate(input).Normalized);
    }

    [Theory]
    [InlineData(null, IdentifierProblem.Empty)]
    [InlineData("", IdentifierProblem.Empty)]
    [InlineData("鄂A1234", IdentifierProblem.WrongLength)]
    [InlineData("鄂A1234567", IdentifierProblem.WrongLength)]
    [InlineData("AA12345", IdentifierProblem.UnknownProvince)]
    [InlineData("港A12345", IdentifierProblem.UnknownProvince)]
    [InlineData("鄂I12345", IdentifierProblem.InvalidCharacter)]
    [InlineData("鄂112345", IdentifierProblem.InvalidCharacter)]
    [InlineData("鄂A1O345", IdentifierProblem.InvalidCharacter)]
    [InlineData("鄂A1234使", IdentifierProblem.InvalidCharacter)]
    [InlineData("鄂A12_45", IdentifierProblem.InvalidCharacter)]
    [InlineData("鄂A1234港", IdentifierProblem.InvalidFormat)] // Hong Kong plates come only from 粤Z
    [InlineData("鄂AX12345", IdentifierProblem.InvalidFormat)] // X does not start a new-energy serial
    [InlineData("鄂AD1234A", IdentifierProblem.InvalidFormat)]
    [InlineData("鄂A12345X", IdentifierProblem.InvalidFormat)]
    [InlineData("鄂·A12345", IdentifierProblem.InvalidFormat)]
    [InlineData("鄂A··12345", IdentifierProblem.InvalidFormat)]
    public void Validate_BadInput_NamesTheProblem(string? input, IdentifierProblem expected)
    {
        Assert.Equal(expected, VehiclePlate.Validate(input).Problem);
        Assert.False(VehiclePlate.IsValid(input));
    }
}
