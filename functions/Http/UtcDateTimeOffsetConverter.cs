using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Functions.Http;

/// <summary>Writes every instant in UTC with a 'Z' suffix (house style); reads any ISO 8601 instant that carries an offset.</summary>
public sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    private const string UtcFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException();
        }

        return ParseInstant(reader.GetString()!) ?? throw new JsonException();
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
        => writer.WriteStringValue(Format(value));

    public static string Format(DateTimeOffset value)
        => value.UtcDateTime.ToString(UtcFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// An instant must say which instant it is: text without 'Z' or an offset is ambiguous (UTC? China Standard
    /// Time?) and is refused instead of guessed.
    /// </summary>
    public static DateTimeOffset? ParseInstant(string text)
    {
        if (text.Length < 11 || !HasExplicitOffset(text))
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
            ? parsed.ToUniversalTime()
            : null;
    }

    private static bool HasExplicitOffset(string text)
    {
        var timeSeparator = text.IndexOfAny(['T', 't']);
        if (timeSeparator < 0)
        {
            return false;
        }

        var timePart = text.AsSpan(timeSeparator + 1);
        return timePart.EndsWith("Z", StringComparison.OrdinalIgnoreCase) || timePart.IndexOfAny('+', '-') >= 0;
    }
}
