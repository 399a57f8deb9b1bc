using System.Text.Json.Serialization;

namespace Platform.Domain.Catalog;

[JsonConverter(typeof(WireEnumConverter<FieldType>))]
public enum FieldType
{
    [JsonStringEnumMemberName("string")]
    String,

    [JsonStringEnumMemberName("integer")]
    Integer,

    [JsonStringEnumMemberName("decimal")]
    Decimal,

    [JsonStringEnumMemberName("date")]
    Date,

    [JsonStringEnumMemberName("datetime")]
    DateTime,

    [JsonStringEnumMemberName("boolean")]
    Boolean,
}

public static class FieldTypeWire
{
    extension(FieldType)
    {
        public static IReadOnlyList<string> WireNames => WireNames<FieldType>.All;

        public static FieldType Parse(string wire) => WireNames<FieldType>.Parse(wire);

        public static bool TryParse(string? wire, out FieldType value) => WireNames<FieldType>.TryParse(wire, out value);
    }

    extension(FieldType value)
    {
        public string ToWire() => WireNames<FieldType>.ToWire(value);
    }
}
