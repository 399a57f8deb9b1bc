namespace Platform.Domain.Calendar;

/// <summary>Where a year's calendar came from.</summary>
public enum CalendarYearOrigin
{
    /// <summary>Maintained by the authority through the API.</summary>
    Stored,

    /// <summary>The official schedule shipped with the platform; nothing stored yet.</summary>
    Shipped,
}

/// <param name="ETag">The stored version, for If-Match; null for a shipped calendar (a PUT then creates the year).</param>
public sealed record CalendarYearEntry(WorkingDayCalendarYear Calendar, CalendarYearOrigin Origin, string? ETag);

/// <summary>The authority's working-day calendars (M4.3), one per year, over the shipped official schedules.</summary>
public interface ICalendarStore
{
    /// <summary>The stored calendar for <paramref name="year"/>, else the shipped one, else null.</summary>
    Task<CalendarYearEntry?> GetAsync(int year, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="calendar"/> as the calendar for <paramref name="year"/> and returns the new ETag.
    /// <paramref name="ifMatch"/> null creates the year and fails with 409 when it is stored already (also when
    /// another writer created it first); an ETag replaces only that version and fails with 412 when it is stale;
    /// <c>*</c> replaces whatever is stored (404 when nothing is). The Table adapter surfaces these as
    /// <c>Azure.RequestFailedException</c> with that <c>Status</c>.
    /// </summary>
    Task<string> PutAsync(int year, WorkingDayCalendarYear calendar, string? ifMatch, CancellationToken cancellationToken = default);

    /// <summary>
    /// A calendar covering <paramref name="firstYear"/> to <paramref name="lastYear"/>: stored years, shipped years for
    /// the rest; years with neither are left out (the calendar falls back to weekends for them and says so).
    /// </summary>
    Task<WorkingDayCalendar> LoadAsync(int firstYear, int lastYear, CancellationToken cancellationToken = default);
}
