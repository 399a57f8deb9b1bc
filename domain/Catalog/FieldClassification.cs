using System.Text.Json.Serialization;

namespace Platform.Domain.Catalog;

/// <summary>What a field holds, from the point of view of who may see it (M4.1).</summary>
[JsonConverter(typeof(WireEnumConverter<FieldClassification>))]
public enum FieldClassification
{
    [JsonStringEnumMemberName("public")]
    Public,

    [JsonStringEnumMemberName("internal")]
    Internal,

    /// <summary>Personal information 个人信息 (PIPL art. 4).</summary>
    [JsonStringEnumMemberName("personal")]
    Personal,

    /// <summary>Sensitive personal information 敏感个人信息 (PIPL art. 28).</summary>
    [JsonStringEnumMemberName("sensitive-personal")]
    SensitivePersonal,

    [JsonStringEnumMemberName("commercial-secret")]
    CommercialSecret,
}

public static class FieldClassificationWire
{
    extension(FieldClassification)
    {
        public static IReadOnlyList<string> WireNames => WireNames<FieldClassification>.All;

        public static FieldClassification Parse(string wire) => WireNames<FieldClassification>.Parse(wire);

        public static bool TryParse(string? wire, out FieldClassification value) => WireNames<FieldClassification>.TryParse(wire, out value);
    }

    extension(FieldClassification value)
    {
        public string ToWire() => WireNames<FieldClassification>.ToWire(value);

        /// <summary>Personal or sensitive-personal: the classifications the masking property tests guard.</summary>
        public bool IsPersonal => value is FieldClassification.Personal or FieldClassification.SensitivePersonal;
    }
}
