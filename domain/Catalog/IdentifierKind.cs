using System.Text.Json.Serialization;
using Platform.Domain.Identifiers;

namespace Platform.Domain.Catalog;

/// <summary>
/// What kind of identifier a field holds; selects the masking rule (M4.4). The wire names are the
/// ones <see cref="IdentifierKindNames"/> uses for recognised values.
/// </summary>
[JsonConverter(typeof(WireEnumConverter<IdentifierKind>))]
public enum IdentifierKind
{
    /// <summary>Resident identity number 公民身份号码 (GB 11643).</summary>
    [JsonStringEnumMemberName("id-number")]
    IdNumber,

    [JsonStringEnumMemberName("mobile")]
    Mobile,

    [JsonStringEnumMemberName("name")]
    Name,

    [JsonStringEnumMemberName("bank-card")]
    BankCard,

    [JsonStringEnumMemberName("address")]
    Address,

    [JsonStringEnumMemberName("email")]
    Email,

    /// <summary>Unified social credit code 统一社会信用代码 (GB 32100).</summary>
    [JsonStringEnumMemberName("credit-code")]
    CreditCode,

    [JsonStringEnumMemberName("plate")]
    Plate,

    [JsonStringEnumMemberName("birth-date")]
    BirthDate,

    /// <summary>Free text that may mention a person (remarks, complaints).</summary>
    [JsonStringEnumMemberName("free-text")]
    FreeText,
}

public static class IdentifierKindWire
{
    extension(IdentifierKind)
    {
        public static IReadOnlyList<string> WireNames => WireNames<IdentifierKind>.All;

        public static IdentifierKind Parse(string wire) => WireNames<IdentifierKind>.Parse(wire);

        public static bool TryParse(string? wire, out IdentifierKind value) => WireNames<IdentifierKind>.TryParse(wire, out value);
    }

    extension(IdentifierKind value)
    {
        public string ToWire() => WireNames<IdentifierKind>.ToWire(value);

        /// <summary>The recogniser flag for this kind; none for names, addresses and free text, which have no fixed shape.</summary>
        public IdentifierKinds ToRecognizedKinds() => value switch
        {
            IdentifierKind.IdNumber => IdentifierKinds.IdNumber,
            IdentifierKind.Mobile => IdentifierKinds.Mobile,
            IdentifierKind.BankCard => IdentifierKinds.BankCard,
            IdentifierKind.Email => IdentifierKinds.Email,
            IdentifierKind.CreditCode => IdentifierKinds.CreditCode,
            IdentifierKind.Plate => IdentifierKinds.Plate,
            IdentifierKind.BirthDate => IdentifierKinds.BirthDate,
            _ => IdentifierKinds.None,
        };
    }
}
