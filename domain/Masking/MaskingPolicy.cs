using Platform.Domain.Catalog;

namespace Platform.Domain.Masking;

/// <summary>
/// Chooses the masking rule of a field from its grade, classification and identifier kind (M4.4; GB/T
/// 37964-2019 de-identification, JR/T 0171-2020 personal financial information). Pure: same input, same rule.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Core grade: suppressed whatever the purpose (M4.1); such fields should not be registered at all.</item>
/// <item>Public and internal: kept. This includes a credit code, since an organisation's unified social credit
/// code is public by law (it is printed on the business licence and published by the enterprise credit
/// publicity system).</item>
/// <item>Commercial secret: suppressed in both purposes; the platform records no consent of the secret's holder.</item>
/// <item>Personal and sensitive-personal with an identifier kind: in a sample, the kind's partial mask
/// (<see cref="MaskingRule.SampleRuleFor"/>); a credit code classified personal is a sole proprietor's and is masked.
/// In provisioning, direct identifiers (ID number, mobile, name, bank card, e-mail, credit code, plate) are
/// pseudonymised with the agreement's key so that records join within the agreement only; the
/// quasi-identifiers address and birth date are generalised as in samples (district, year), which keeps them
/// useful for analysis where a pseudonym would only allow equality; free text is suppressed.</item>
/// <item>Personal without a kind: generic mask in a sample, pseudonym in provisioning.</item>
/// <item>Sensitive-personal without a kind: suppressed in a sample, pseudonym in provisioning.</item>
/// </list>
/// </remarks>
public static class MaskingPolicy
{
    public static MaskingRule RuleFor(FieldDefinition field, MaskingPurpose purpose)
    {
        ArgumentNullException.ThrowIfNull(field);

        // M4.1: core data cannot enter authorized operation; defend even if a core field slipped through.
        if (field.Grade == FieldGrade.Core)
        {
            return MaskingRule.SuppressCore;
        }

        // M4.4: personal information leaves the provider only de-identified; per-agreement pseudonyms for provisioning.
        return field.Classification switch
        {
            FieldClassification.Public or FieldClassification.Internal => MaskingRule.Keep,
            // M4.5.2: trade secrets and confidential business information are suppressed like commercial secrets.
            FieldClassification.CommercialSecret or FieldClassification.TradeSecret or FieldClassification.ConfidentialBusiness => MaskingRule.SuppressCommercialSecret,
            FieldClassification.Personal or FieldClassification.SensitivePersonal when field.IdentifierKind is { } kind =>
                purpose == MaskingPurpose.Sample ? MaskingRule.SampleRuleFor(kind) : ProvisioningRuleFor(kind),
            FieldClassification.Personal =>
                purpose == MaskingPurpose.Sample ? MaskingRule.MaskGeneric : MaskingRule.Pseudonymise,
            FieldClassification.SensitivePersonal =>
                purpose == MaskingPurpose.Sample ? MaskingRule.SuppressSensitive : MaskingRule.Pseudonymise,
            _ => throw new ArgumentOutOfRangeException(nameof(field), field.Classification, "Unknown classification."),
        };
    }

    /// <summary>True when any field's rule needs a pseudonymisation key.</summary>
    public static bool NeedsKey(IEnumerable<FieldDefinition> fields, MaskingPurpose purpose) =>
        fields.Any(field => RuleFor(field, purpose).Technique == MaskingTechnique.Pseudonymise);

    private static MaskingRule ProvisioningRuleFor(IdentifierKind kind) => kind switch
    {
        IdentifierKind.Address or IdentifierKind.BirthDate or IdentifierKind.FreeText => MaskingRule.SampleRuleFor(kind),
        _ => MaskingRule.Pseudonymise,
    };
}
