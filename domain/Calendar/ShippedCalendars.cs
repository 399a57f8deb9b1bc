using System.Reflection;
using System.Text.Json;

namespace Platform.Domain.Calendar;

/// <summary>
/// The official State Council schedules shipped with the platform (embedded <c>Calendar/Data/{year}.json</c>), used
/// for any year the authority has not stored a calendar for.
/// </summary>
public static class ShippedCalendars
{
    private const string ResourcePrefix = "Platform.Domain.Calendar.Data.";

    private static readonly Lazy<IReadOnlyDictionary<int, WorkingDayCalendarYear>> Loaded = new(Load);

    /// <summary>The shipped years, ascending.</summary>
    public static IReadOnlyList<int> Years => Loaded.Value.Keys.Order().ToList();

    public static WorkingDayCalendarYear? Get(int year) => Loaded.Value.GetValueOrDefault(year);

    /// <summary>A calendar of all shipped years.</summary>
    public static WorkingDayCalendar Calendar => new(Loaded.Value.Values);

    private static Dictionary<int, WorkingDayCalendarYear> Load()
    {
        var assembly = typeof(ShippedCalendars).Assembly;
        var years = new Dictionary<int, WorkingDayCalendarYear>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal)))
        {
            var calendar = Read(assembly, name);
            if (!years.TryAdd(calendar.Year, calendar))
            {
                throw new InvalidOperationException($"Shipped calendar {name} repeats the year {calendar.Year}.");
            }
        }

        return years;
    }

    private static WorkingDayCalendarYear Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Shipped calendar {name} cannot be opened.");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        try
        {
            var fileYear = int.Parse(name[ResourcePrefix.Length..^".json".Length], System.Globalization.CultureInfo.InvariantCulture);
            return CalendarJson.Deserialize(reader.ReadToEnd()).ToCalendarYear(fileYear);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or Errors.DomainException)
        {
            var details = ex is Errors.DomainException { Errors: { } errors }
                ? ": " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))
                : ": " + ex.Message;
            throw new InvalidOperationException($"Shipped calendar {name} is invalid{details}", ex);
        }
    }
}
