using System.Text.Json;
using Platform.Domain.Catalog;
using Platform.Domain.Errors;
using Xunit;
using static Platform.UnitTests.Masking.MaskingTestData;

namespace Platform.UnitTests.Masking;

public class CatalogFieldTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Theory]
    [InlineData("public", FieldClassification.Public)]
    [InlineData("internal", FieldClassification.Internal)]
    [InlineData("personal", FieldClassification.Personal)]
    [InlineData("sensitive-personal", FieldClassification.SensitivePersonal)]
    [InlineData("commercial-secret", FieldClassification.CommercialSecret)]
    public void FieldClassificationParse_WireName_RoundTrips(string wire, FieldClassification expected)
    {
        Assert.Equal(expected, FieldClassification.Parse(wire));
        Assert.Equal(wire, expected.ToWire());
    }

    [Theory]
    [InlineData("id-number", IdentifierKind.IdNumber)]
    [InlineData("mobile", IdentifierKind.Mobile)]
    [InlineData("name", IdentifierKind.Name)]
    [InlineData("bank-card", IdentifierKind.BankCard)]
    [InlineData("address", IdentifierKind.Address)]
    [InlineData("email", IdentifierKind.Email)]
    [InlineData("credit-code", IdentifierKind.CreditCode)]
    [InlineData("plate", IdentifierKind.Plate)]
    [InlineData("birth-date", IdentifierKind.BirthDate)]
    [InlineData("free-text", IdentifierKind.FreeText)]
    public void IdentifierKindParse_WireName_RoundTrips(string wire, IdentifierKind expected)
    {
        Assert.True(IdentifierKind.TryParse(wire, out var parsed));
        Assert.Equal(expected, parsed);
        Assert.Equal(wire, parsed.ToWire());
    }

    [Fact]
    public void WireNames_EveryEnum_AreTheSpecVocabulary()
    {
        Assert.Equal(["general", "important", "core"], FieldGrade.WireNames);
        Assert.Equal(["string", "integer", "decimal", "date", "datetime", "boolean"], FieldType.WireNames);
        Assert.Equal(FieldType.DateTime, FieldType.Parse("datetime"));
        Assert.Equal(FieldGrade.Core, FieldGrade.Parse("core"));
    }

    [Theory]
    [InlineData("Personal")]
    [InlineData("sensitive_personal")]
    [InlineData("2")]
    [InlineData("")]
    [InlineData(null)]
    public void FieldClassificationTryParse_NotAWireName_False(string? wire)
    {
        Assert.False(FieldClassification.TryParse(wire, out _));
    }

    [Fact]
    public void FieldClassificationParse_Unknown_ThrowsListingTheChoices()
    {
        var exception = Assert.Throws<FormatException>(() => FieldClassification.Parse("secret"));

        Assert.Contains("sensitive-personal", exception.Message);
    }

    [Fact]
    public void FieldDefinitionJson_WireNames_RoundTrip()
    {
        var field = Field("身份证号", FieldClassification.SensitivePersonal, IdentifierKind.IdNumber, FieldType.String, FieldGrade.Important, quasiIdentifier: false);

        var json = JsonSerializer.Serialize(field, Web);

        Assert.Contains("\"classification\":\"sensitive-personal\"", json);
        Assert.Contains("\"identifierKind\":\"id-number\"", json);
        Assert.Contains("\"grade\":\"important\"", json);
        Assert.Equal(field, JsonSerializer.Deserialize<FieldDefinition>(json, Web));
    }

    [Fact]
    public void FieldDefinitionJson_IntegerForEnum_Refused()
    {
        const string json = """{"name":"a","type":"string","classification":2,"grade":"general","identifierKind":null,"isQuasiIdentifier":false}""";

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<FieldDefinition>(json, Web));
    }

    [Fact]
    public void Validate_CoreField_ErrorOnItsGrade()
    {
        FieldDefinition[] fields = [Field("a"), Field("b", grade: FieldGrade.Core)];

        var errors = FieldDefinitionRules.Validate(fields);

        var message = Assert.Single(errors["fields[1].grade"]);
        Assert.Contains("core", message);
        Assert.Single(errors);
    }

    [Fact]
    public void EnsureValid_OnlyCoreField_ThrowsCoreFieldCode()
    {
        var exception = Assert.Throws<DomainException>(() => FieldDefinitionRules.EnsureValid([Field("a", grade: FieldGrade.Core)]));

        Assert.Equal(FieldDefinitionRules.CoreFieldCode, exception.Code);
        Assert.Equal(FailureKind.Unprocessable, exception.Kind);
        Assert.True(exception.Errors!.ContainsKey("fields[0].grade"));
    }

    [Fact]
    public void Validate_DuplicateNameIgnoringCaseAndBlankName_ErrorsPerField()
    {
        FieldDefinition[] fields = [Field("Mobile"), Field("mobile"), Field(" ")];

        var errors = FieldDefinitionRules.Validate(fields);

        Assert.Contains("repeats field 0", Assert.Single(errors["fields[1].name"]));
        Assert.True(errors.ContainsKey("fields[2].name"));
        var exception = Assert.Throws<DomainException>(() => FieldDefinitionRules.EnsureValid(fields));
        Assert.Equal(FieldDefinitionRules.InvalidFieldsCode, exception.Code);
    }

    [Fact]
    public void Validate_NoFields_Error()
    {
        Assert.True(FieldDefinitionRules.Validate([]).ContainsKey("fields"));
    }

    [Fact]
    public void Validate_GeneralAndImportantFields_NoErrors()
    {
        Assert.Empty(FieldDefinitionRules.Validate([Field("a"), Field("b", grade: FieldGrade.Important)]));
    }
}
