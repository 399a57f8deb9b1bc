using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace Platform.Domain.Calendar;

/// <summary>Reads and writes <see cref="CalendarYearDocument"/> as UTF-8 JSON, camelCase, Chinese kept as written.</summary>
public static class CalendarJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        // Chinese names stay readable in storage instead of turning into \uXXXX escapes.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(WorkingDayCalendarYear calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return JsonSerializer.Serialize(calendar.ToDocument(), Options);
    }

    /// <exception cref="JsonException">The text is not a calendar document.</exception>
    public static CalendarYearDocument Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize<CalendarYearDocument>(json, Options)
            ?? throw new JsonException("A calendar document is a JSON object, not null.");
    }
}
