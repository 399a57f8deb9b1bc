using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Functions.Http;

/// <summary>
/// Enums travel as kebab-case strings (<c>PublicTender</c> ↔ <c>public-tender</c>, docs/api.md). A member can choose its
/// own wire name with <see cref="JsonStringEnumMemberNameAttribute"/>. Numbers are refused, and an unknown name raises
/// <see cref="UnknownEnumValueException"/> so the caller is told which values are allowed.
/// </summary>
public sealed class WireEnumConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
        => (JsonConverter)Activator.CreateInstance(typeof(WireEnumConverter<>).MakeGenericType(typeToConvert))!;

    /// <summary>The wire names of <paramref name="enumType"/> in declaration order.</summary>
    public static IReadOnlyList<string> WireNames(Type enumType)
        => enumType.GetFields(BindingFlags.Public | BindingFlags.Static).Select(WireName).ToArray();

    internal static string WireName(FieldInfo field)
        => field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
           ?? JsonNamingPolicy.KebabCaseLower.ConvertName(field.Name);
}

public sealed class WireEnumConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> NamesByValue;
    private static readonly FrozenDictionary<string, TEnum> ValuesByName;
    private static readonly IReadOnlyList<string> AllowedNames;

    static WireEnumConverter()
    {
        var fields = typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static);
        var pairs = fields.Select(field => (Name: WireEnumConverterFactory.WireName(field), Value: (TEnum)field.GetValue(null)!)).ToArray();
        AllowedNames = pairs.Select(pair => pair.Name).ToArray();
        // Several members may share a value (aliases); the first declared one names it on the wire.
        NamesByValue = pairs.GroupBy(pair => pair.Value).ToFrozenDictionary(group => group.Key, group => group.First().Name);
        // Case is forgiven on input ("Public-Tender" is clearly meant), never on output.
        ValuesByName = pairs.ToFrozenDictionary(pair => pair.Name, pair => pair.Value, StringComparer.OrdinalIgnoreCase);
    }

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            // Numbers are refused on purpose: member order is not part of the public API.
            var received = reader.TokenType is JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null
                ? System.Text.Encoding.UTF8.GetString(reader.ValueSpan)
                : reader.TokenType.ToString().ToLowerInvariant();
            throw new UnknownEnumValueException(typeof(TEnum), received, AllowedNames);
        }

        return Parse(reader.GetString()!);
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
        => writer.WriteStringValue(NameOf(value));

    public override TEnum ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => Parse(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
        => writer.WritePropertyName(NameOf(value));

    private static TEnum Parse(string text)
        => ValuesByName.TryGetValue(text, out var value)
            ? value
            : throw new UnknownEnumValueException(typeof(TEnum), text, AllowedNames);

    private static string NameOf(TEnum value)
        => NamesByValue.TryGetValue(value, out var name)
            ? name
            : throw new JsonException($"{typeof(TEnum).Name} value {value} has no wire name.");
}

/// <summary>A request named an enum value the platform does not know. The serializer fills in <see cref="JsonException.Path"/>.</summary>
public sealed class UnknownEnumValueException(Type enumType, string receivedValue, IReadOnlyList<string> allowedValues)
    : JsonException($"'{receivedValue}' is not one of: {string.Join(", ", allowedValues)}.")
{
    public Type EnumType { get; } = enumType;

    public string ReceivedValue { get; } = receivedValue;

    public IReadOnlyList<string> AllowedValues { get; } = allowedValues;
}
