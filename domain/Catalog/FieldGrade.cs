using System.Text.Json.Serialization;

namespace Platform.Domain.Catalog;

/// <summary>Data grade under GB/T 43697-2024 (数据安全技术 数据分类分级规则).</summary>
[JsonConverter(typeof(WireEnumConverter<FieldGrade>))]
public enum FieldGrade
{
    [JsonStringEnumMemberName("general")]
    General,

    [JsonStringEnumMemberName("important")]
    Important,

    /// <summary>Core data 核心数据: never enters authorized operation (M4.1).</summary>
    [JsonStringEnumMemberName("core")]
    Core,
}

public static class FieldGradeWire
{
    extension(FieldGrade)
    {
        public static IReadOnlyList<string> WireNames => WireNames<FieldGrade>.All;

        public static FieldGrade Parse(string wire) => WireNames<FieldGrade>.Parse(wire);

        public static bool TryParse(string? wire, out FieldGrade value) => WireNames<FieldGrade>.TryParse(wire, out value);
    }

    extension(FieldGrade value)
    {
        public string ToWire() => WireNames<FieldGrade>.ToWire(value);
    }
}
