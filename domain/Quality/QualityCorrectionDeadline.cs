using Platform.Domain.Calendar;
using Platform.Domain.Time;

namespace Platform.Domain.Quality;

/// <summary>
/// M4.7.1: the provider corrects a quality issue within the configured number of working days, counted on the
/// province's working-day calendar from the instant the issue is raised.
/// </summary>
public sealed class QualityCorrectionDeadline(ICalendarStore calendars, QualitySettings settings)
{
    public async Task<ReviewDeadlineResult> ComputeAsync(DateTimeOffset raisedAt, CancellationToken cancellationToken = default)
    {
        var year = ChinaTime.LegalDate(raisedAt).Year;
        var calendar = await calendars.LoadAsync(year, year + 1, cancellationToken);
        return ReviewDeadline.Compute(raisedAt, settings.CorrectionWorkingDays, calendar);
    }
}
