using Platform.Domain.Catalog;
using Platform.Domain.Masking;
using Xunit;
using static Platform.UnitTests.Masking.MaskingTestData;

namespace Platform.UnitTests.Masking;

public class MaskingPolicyTests
{
    [Theory]
    [InlineData(IdentifierKind.IdNumber, "mask-id-number")]
    [InlineData(IdentifierKind.Mobile, "mask-mobile")]
    [InlineData(IdentifierKind.Name, "mask-name")]
    [InlineData(IdentifierKind.BankCard, "mask-bank-card")]
    [InlineData(IdentifierKind.Address, "truncate-address")]
    [InlineData(IdentifierKind.Email, "mask-email")]
    [InlineData(IdentifierKind.CreditCode, "mask-credit-code")]
    [InlineData(IdentifierKind.Plate, "mask-plate")]
    [InlineData(IdentifierKind.BirthDate, "generalise-birth-date")]
    [InlineData(IdentifierKind.FreeText, "suppress-free-text")]
    public void RuleFor_PersonalIdentifierInSample_KindRule(IdentifierKind kind, string rule)
    {
        Assert.Equal(rule, MaskingPolicy.RuleFor(Field("f", FieldClassification.Personal, kind), MaskingPurpose.Sample).Name);
        Assert.Equal(rule, MaskingPolicy.RuleFor(Field("f", FieldClassification.SensitivePersonal, kind), MaskingPurpose.Sample).Name);
    }

    [Theory]
    [InlineData(IdentifierKind.IdNumber, MaskingTechnique.Pseudonymise)]
    [InlineData(IdentifierKind.Mobile, MaskingTechnique.Pseudonymise)]
    [InlineData(IdentifierKind.Name, MaskingTechnique.Pseudonymise)]
    [InlineData(IdentifierKind.BankCard, MaskingTechnique.Pseudonymise)]
    [InlineData(IdentifierKind.Email, MaskingTechnique.Pseudonymise)]
    [InlineData(IdentifierKind.CreditCode, MaskingTechnique.Pseudonymise)]
    [InlineData(IdentifierKind.Plate, MaskingTechnique.Pseudonymise)]
    [InlineData(IdentifierKind.Address, MaskingTechnique.Truncate)]
    [InlineData(IdentifierKind.BirthDate, MaskingTechnique.Generalise)]
    [InlineData(IdentifierKind.FreeText, MaskingTechnique.Suppress)]
    public void RuleFor_PersonalIdentifierInProvisioning_PseudonymisesDirectIdentifiers(IdentifierKind kind, MaskingTechnique technique)
    {
        Assert.Equal(technique, MaskingPolicy.RuleFor(Field("f", FieldClassification.Personal, kind), MaskingPurpose.Provisioning).Technique);
    }

    [Theory]
    [InlineData(FieldClassification.Public, MaskingPurpose.Sample, "keep")]
    [InlineData(FieldClassification.Internal, MaskingPurpose.Sample, "keep")]
    [InlineData(FieldClassification.Public, MaskingPurpose.Provisioning, "keep")]
    [InlineData(FieldClassification.Personal, MaskingPurpose.Sample, "mask-generic")]
    [InlineData(FieldClassification.Personal, MaskingPurpose.Provisioning, "pseudonymise-hmac-sha256")]
    [InlineData(FieldClassification.SensitivePersonal, MaskingPurpose.Sample, "suppress-sensitive-personal")]
    [InlineData(FieldClassification.SensitivePersonal, MaskingPurpose.Provisioning, "pseudonymise-hmac-sha256")]
    [InlineData(FieldClassification.CommercialSecret, MaskingPurpose.Sample, "suppress-commercial-secret")]
    [InlineData(FieldClassification.CommercialSecret, MaskingPurpose.Provisioning, "suppress-commercial-secret")]
    public void RuleFor_NoIdentifierKind_ByClassification(FieldClassification classification, MaskingPurpose purpose, string rule)
    {
        Assert.Equal(rule, MaskingPolicy.RuleFor(Field("f", classification), purpose).Name);
    }

    [Theory]
    [InlineData(FieldClassification.Public)]
    [InlineData(FieldClassification.Internal)]
    public void RuleFor_CreditCodeOfAnOrganisation_Kept(FieldClassification classification)
    {
        Assert.Equal(MaskingRule.Keep, MaskingPolicy.RuleFor(Field("统一社会信用代码", classification, IdentifierKind.CreditCode), MaskingPurpose.Sample));
    }

    [Fact]
    public void RuleFor_CommercialSecretWithKind_Suppressed()
    {
        Assert.Equal(MaskingTechnique.Suppress, MaskingPolicy.RuleFor(Field("f", FieldClassification.CommercialSecret, IdentifierKind.CreditCode), MaskingPurpose.Sample).Technique);
    }

    [Theory]
    [InlineData(MaskingPurpose.Sample)]
    [InlineData(MaskingPurpose.Provisioning)]
    public void RuleFor_CoreGrade_SuppressedEvenWhenPublic(MaskingPurpose purpose)
    {
        Assert.Equal(MaskingRule.SuppressCore, MaskingPolicy.RuleFor(Field("f", FieldClassification.Public, grade: FieldGrade.Core), purpose));
    }

    [Fact]
    public void NeedsKey_SampleNeverProvisioningForPersonal()
    {
        FieldDefinition[] fields = [Field("手机", FieldClassification.Personal, IdentifierKind.Mobile), Field("备注")];

        Assert.False(MaskingPolicy.NeedsKey(fields, MaskingPurpose.Sample));
        Assert.True(MaskingPolicy.NeedsKey(fields, MaskingPurpose.Provisioning));
    }

    [Fact]
    public void FieldMasker_PseudonymisedWithoutKey_Throws()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            new FieldMasker(Field("手机", FieldClassification.Personal, IdentifierKind.Mobile), MaskingPurpose.Provisioning, key: null));

        Assert.Contains("手机", exception.Message);
    }

    [Fact]
    public void FieldMasker_Suppress_NullEvenForEmpty()
    {
        using var masker = new FieldMasker(Field("病史", FieldClassification.SensitivePersonal), MaskingPurpose.Sample);

        Assert.Null(masker.Apply("高血压"));
        Assert.Null(masker.Apply(""));
    }

    [Fact]
    public void FieldMasker_EmptyValue_StaysEmpty()
    {
        using var masker = new FieldMasker(Field("姓名", FieldClassification.Personal, IdentifierKind.Name), MaskingPurpose.Sample);

        Assert.Equal("", masker.Apply(""));
        Assert.Null(masker.Apply(null));
        Assert.Equal("李*", masker.Apply("李四"));
    }
}
