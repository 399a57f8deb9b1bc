using Platform.Domain.Audit;
using Platform.Domain.Calendar;
using Platform.Domain.Security;
using Platform.Domain.Time;
using static Platform.Domain.DataRequests.DataRequestContract;

namespace Platform.Domain.DataRequests;

/// <summary>
/// Workflow step: each provider's deadline (M4.3: 5 working days on the Chinese calendar, see <see cref="ReviewDeadline"/>)
/// and its reminder, computed once; later runs return what was stored.
/// </summary>
public sealed class DataRequestReviewSchedule(DataRequestRecords records, ICalendarStore calendars, IAuditTrail audit, DataRequestSettings settings)
{
    public async Task<DataRequestReviewPlan> ScheduleAsync(string id, CancellationToken cancellationToken = default)
    {
        var request = await records.RequireAsync(id, cancellationToken);
        if (request.Reviews.Any(r => r.DueAt is null) && !request.IsCancelled)
        {
            var year = ChinaTime.LegalDate(request.SubmittedAt).Year;
            var calendar = await calendars.LoadAsync(year, year + 1, cancellationToken);
            var deadline = ReviewDeadline.ComputeForDataRequest(request.SubmittedAt, calendar);
            var reminder = ReviewReminder.ForDeadline(deadline, settings.ReminderWorkingDaysBefore, calendar);
            var (scheduled, changed) = await records.ChangeAsync(id,
                (r, now) => r.Reviews.Aggregate(r, (acc, review) => DataRequestRules.Schedule(acc, review.Slot, deadline, reminder, now)), cancellationToken);
            request = scheduled;
            if (changed)
            {
                await audit.RecordAsync(Caller.System, "data_request.review_scheduled", TargetOf(id),
                    new { deadline.CountingStartsOn, deadline.DueLegalDate, deadline.DueAtUtc, deadline.FallbackYears, RemindAt = reminder?.RemindAtUtc }, cancellationToken);
            }
        }

        foreach (var review in request.Reviews)
        {
            await records.RecordTimelinessAsync(request, review, cancellationToken);
        }

        return new DataRequestReviewPlan(request.Status, request.Reviews
            .Where(r => r.DueAt is not null)
            .Select(r => new ScheduledReview(r.Slot, r.ProviderId, r.DueAt!.Value.UtcDateTime, r.RemindAt?.UtcDateTime))
            .ToList());
    }
}
