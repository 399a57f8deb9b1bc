using Platform.Domain.Audit;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Oversight;

/// <summary>
/// Settings of the oversight timers (section <c>Oversight</c>): when the daily deadline sweep runs (six-field NCrontab
/// in UTC, read by the timer trigger as <c>%Oversight:DeadlineSweepSchedule%</c>) and the day of the year (CST) by which
/// the previous year's operator evaluation (M5.7) must be on record.
/// </summary>
public sealed class DeadlineSweepOptions
{
    public const string SectionName = "Oversight";

    /// <summary>01:00 China Standard Time every day (17:00 UTC the day before).</summary>
    public const string DefaultSchedule = "0 0 17 * * *";

    public string DeadlineSweepSchedule { get; set; } = DefaultSchedule;

    /// <summary><c>MM-dd</c>; the previous year's evaluation is overdue from the day after this date (CST).</summary>
    public string EvaluationDueMonthDay { get; set; } = "03-31";

    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (!TimerScheduleText.IsSixFieldCron(DeadlineSweepSchedule))
        {
            failures.Add($"{SectionName}:{nameof(DeadlineSweepSchedule)} must be a six-field NCrontab expression in UTC (second minute hour day month day-of-week), e.g. '{DefaultSchedule}'; it is '{DeadlineSweepSchedule}'.");
        }

        if (MonthDay.TryParse(EvaluationDueMonthDay) is null)
        {
            failures.Add($"{SectionName}:{nameof(EvaluationDueMonthDay)} must be a month and day as MM-dd that exists in every year (not 02-29), e.g. '03-31'; it is '{EvaluationDueMonthDay}'.");
        }

        return failures;
    }
}

/// <summary>A day of the year without the year (e.g. 31 March), valid in every year.</summary>
public readonly record struct MonthDay(int Month, int Day)
{
    public static MonthDay? TryParse(string? text)
    {
        if (text is not { Length: 5 } || text[2] != '-'
            || !int.TryParse(text.AsSpan(0, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var month)
            || !int.TryParse(text.AsSpan(3, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var day)
            || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(2001, month))
        {
            return null;
        }

        return new MonthDay(month, day);
    }

    public static MonthDay Parse(string text) => TryParse(text) ?? throw new FormatException($"'{text}' is not a month and day (MM-dd).");

    public DateOnly InYear(int year) => new(year, Month, Day);

    public override string ToString() => $"{Month:D2}-{Day:D2}";
}

/// <summary>Shape checks of timer schedules made at start-up, before the trigger would reject them.</summary>
public static class TimerScheduleText
{
    public static bool IsSixFieldCron(string? expression)
        => expression is not null
           && expression.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: 6 } fields
           && fields.All(field => field.All(c => char.IsAsciiLetterOrDigit(c) || c is '*' or '/' or ',' or '-' or '?'));
}

/// <summary>
/// Marks that one sweep step already flagged one item (table <c>sweepmarks</c>, key step + item). Creating a mark is a
/// conditional insert, so a step flags and notifies an item once however often the sweep runs.
/// </summary>
public interface ISweepMarkStore
{
    Task<bool> IsMarkedAsync(string step, string itemId, CancellationToken cancellationToken = default);

    /// <summary>Creates the mark; false when it already existed.</summary>
    Task<bool> TryMarkAsync(string step, string itemId, DateTimeOffset markedAt, CancellationToken cancellationToken = default);
}

/// <summary>Notifies about an overdue item once per sweep step.</summary>
public sealed class SweepFlags(ISweepMarkStore marks, INotificationOutbox outbox)
{
    /// <summary>
    /// Sends <paramref name="notification"/> unless the item was flagged by this step before; true when flagged now.
    /// The message goes out before the mark is written and has a fixed id, so a crash in between resends nothing twice.
    /// </summary>
    public async Task<bool> FlagOnceAsync(string step, string itemId, Notification notification, CancellationToken cancellationToken = default)
    {
        if (await marks.IsMarkedAsync(step, itemId, cancellationToken))
        {
            return false;
        }

        await outbox.SendAsync(notification, cancellationToken);
        return await marks.TryMarkAsync(step, itemId, notification.CreatedAt, cancellationToken);
    }

    public static string NotificationId(string itemId, string step) => $"{itemId}-{step}";
}

public sealed record DeadlineSweepStepResult(string Step, int Flagged, string? Error);

public sealed record DeadlineSweepSummary(DateTimeOffset StartedAt, DateOnly DayCst, DateTimeOffset FinishedAt, IReadOnlyList<DeadlineSweepStepResult> Steps)
{
    public int Flagged => Steps.Sum(s => s.Flagged);

    public bool AllSucceeded => Steps.All(s => s.Error is null);
}

/// <summary>
/// The daily deadline sweep (timers of M5.6, M5.7): runs every registered <see cref="IDeadlineSweepStep"/> in turn. Steps
/// are isolated: one that throws is reported (with its exception, for the caller to log) and the others still run.
/// The summary is audited as the platform's own action.
/// </summary>
public sealed class DeadlineSweep(IEnumerable<IDeadlineSweepStep> steps, IAuditTrail audit, IClock clock)
{
    public async Task<(DeadlineSweepSummary Summary, IReadOnlyList<(string Step, Exception Error)> Failures)> RunAsync(CancellationToken cancellationToken = default)
    {
        var startedAt = clock.UtcNow;
        var results = new List<DeadlineSweepStepResult>();
        var failures = new List<(string, Exception)>();
        foreach (var step in steps)
        {
            try
            {
                results.Add(new DeadlineSweepStepResult(step.Name, await step.SweepAsync(startedAt, cancellationToken), null));
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                results.Add(new DeadlineSweepStepResult(step.Name, 0, $"{e.GetType().Name}: {e.Message}"));
                failures.Add((step.Name, e));
            }
        }

        var summary = new DeadlineSweepSummary(startedAt, ChinaTime.LegalDate(startedAt), clock.UtcNow, results);
        await audit.RecordAsync(Caller.System, "oversight.deadline_swept", $"oversight/deadline-sweep/{summary.DayCst:yyyy-MM-dd}", summary, cancellationToken);
        return (summary, failures);
    }
}
