using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Security;

namespace Platform.Domain.Calendar;

/// <summary>A year of the working-day calendar as the API shows it, including whether it is only the weekends fallback.</summary>
public sealed record CalendarYearView(int Year, string Origin, bool WeekendsOnlyFallback, string? Note, CalendarYearDocument? Calendar);

/// <summary>The authority maintains each year's calendar (M4.3 5-working-day reviews count on it); anyone may read it.</summary>
public sealed class CalendarService(ICalendarStore store, IAuditTrail audit)
{
    public const int FirstYear = 2000;
    public const int LastYear = 2100;

    public async Task<(CalendarYearView View, string? ETag)> GetAsync(int year, CancellationToken cancellationToken = default)
    {
        EnsureYear(year);
        var entry = await store.GetAsync(year, cancellationToken);
        if (entry is null)
        {
            return (new CalendarYearView(year, "none", true,
                $"No calendar for {year} has been published; deadlines in {year} count only Saturdays and Sundays as days off until the authority publishes one.", null), null);
        }

        return (new CalendarYearView(year, entry.Origin.ToString().ToLowerInvariant(), false, null, entry.Calendar.ToDocument()), entry.ETag);
    }

    public async Task<(CalendarYearView View, string ETag)> PutAsync(int year, CalendarYearDocument document, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        EnsureYear(year);
        var calendar = document.ToCalendarYear(year);
        var etag = await store.PutAsync(year, calendar, ifMatch, cancellationToken);
        await audit.RecordAsync(caller, "calendar.published", $"calendar/{year}", calendar.ToDocument(), cancellationToken);
        return (new CalendarYearView(year, "stored", false, null, calendar.ToDocument()), etag);
    }

    private static void EnsureYear(int year)
    {
        if (year is < FirstYear or > LastYear)
        {
            throw new DomainException(FailureKind.BadRequest, "calendar.invalid_year", $"The year must be between {FirstYear} and {LastYear}.",
                new Dictionary<string, string[]> { ["year"] = [$"Between {FirstYear} and {LastYear}."] });
        }
    }
}
