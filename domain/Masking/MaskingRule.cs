using Platform.Domain.Catalog;

namespace Platform.Domain.Masking;

/// <summary>
/// One masking rule: a technique, a stable <see cref="Name"/> for reports, and a description a reviewer can read.
/// The rules are the fixed instances below; <see cref="MaskingPolicy"/> picks one per field.
/// </summary>
public sealed class MaskingRule
{
    private MaskingRule(MaskingTechnique technique, string name, string description, Func<string, string>? transform = null)
    {
        Technique = technique;
        Name = name;
        Description = description;
        Transform = transform;
    }

    public MaskingTechnique Technique { get; }

    /// <summary>Stable identifier of the rule, e.g. <c>mask-mobile</c>; part of the report, keep it stable.</summary>
    public string Name { get; }

    public string Description { get; }

    /// <summary>The value function of mask/truncate/generalise rules; null for keep, suppress and pseudonymise.</summary>
    internal Func<string, string>? Transform { get; }

    public static readonly MaskingRule Keep = new(MaskingTechnique.Keep, "keep", "Kept as is.");

    public static readonly MaskingRule SuppressCore = new(
        MaskingTechnique.Suppress, "suppress-core", "Removed: core data never enters authorized operation (M4.1, GB/T 43697-2024).");

    public static readonly MaskingRule SuppressCommercialSecret = new(
        MaskingTechnique.Suppress, "suppress-commercial-secret", "Removed: a commercial secret is not disclosed without its holder's consent.");

    public static readonly MaskingRule SuppressSensitive = new(
        MaskingTechnique.Suppress, "suppress-sensitive-personal", "Removed: sensitive personal information is not shown in samples.");

    public static readonly MaskingRule SuppressFreeText = new(
        MaskingTechnique.Suppress, "suppress-free-text", "Removed: free text about a person cannot be masked reliably.");

    public static readonly MaskingRule MaskIdNumber = new(
        MaskingTechnique.Mask, "mask-id-number", "Area code (first 6 digits) kept; birth date, sequence and check character masked.", ValueMasks.MaskIdNumber);

    public static readonly MaskingRule MaskMobile = new(
        MaskingTechnique.Mask, "mask-mobile", "First 3 and last 4 digits kept, middle 4 masked.", ValueMasks.MaskMobile);

    public static readonly MaskingRule MaskBankCard = new(
        MaskingTechnique.Mask, "mask-bank-card", "Issuer number (first 6 digits) and last 4 digits kept, the rest masked.", ValueMasks.MaskBankCard);

    public static readonly MaskingRule MaskName = new(
        MaskingTechnique.Mask, "mask-name", "Surname kept (compound surnames too), given name masked.", ValueMasks.MaskName);

    public static readonly MaskingRule TruncateAddress = new(
        MaskingTechnique.Truncate, "truncate-address", "Truncated after the district or county.", ValueMasks.TruncateAddress);

    public static readonly MaskingRule MaskEmail = new(
        MaskingTechnique.Mask, "mask-email", "First character of the local part and the domain kept.", ValueMasks.MaskEmail);

    public static readonly MaskingRule MaskCreditCode = new(
        MaskingTechnique.Mask, "mask-credit-code", "Registration authority, category and division code (first 8 characters) kept, the rest masked.", ValueMasks.MaskCreditCode);

    public static readonly MaskingRule MaskPlate = new(
        MaskingTechnique.Mask, "mask-plate", "Province and issuing-office letter kept, serial masked.", ValueMasks.MaskPlate);

    public static readonly MaskingRule GeneraliseBirthDate = new(
        MaskingTechnique.Generalise, "generalise-birth-date", "Generalised to the year of birth.", ValueMasks.GeneraliseBirthDate);

    public static readonly MaskingRule MaskGeneric = new(
        MaskingTechnique.Mask, "mask-generic", "First character kept, the rest masked.", ValueMasks.MaskGeneric);

    public static readonly MaskingRule Pseudonymise = new(
        MaskingTechnique.Pseudonymise, "pseudonymise-hmac-sha256", "Replaced by a keyed HMAC-SHA256 pseudonym, joinable within one agreement only.");

    /// <summary>The kind-specific partial-masking rule of a sample; suppression for free text.</summary>
    public static MaskingRule SampleRuleFor(IdentifierKind kind) => kind switch
    {
        IdentifierKind.IdNumber => MaskIdNumber,
        IdentifierKind.Mobile => MaskMobile,
        IdentifierKind.Name => MaskName,
        IdentifierKind.BankCard => MaskBankCard,
        IdentifierKind.Address => TruncateAddress,
        IdentifierKind.Email => MaskEmail,
        IdentifierKind.CreditCode => MaskCreditCode,
        IdentifierKind.Plate => MaskPlate,
        IdentifierKind.BirthDate => GeneraliseBirthDate,
        IdentifierKind.FreeText => SuppressFreeText,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown identifier kind."),
    };

    public override string ToString() => Name;
}
