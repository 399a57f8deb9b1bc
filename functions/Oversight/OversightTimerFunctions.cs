using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Platform.Domain.Disclosure;
using Platform.Domain.Oversight;

namespace Platform.Functions.Oversight;

/// <summary>
/// The oversight timers (M5.6, M5.7). Schedules are six-field NCrontab in UTC from settings:
/// <c>Oversight:DeadlineSweepSchedule</c> (default 01:00 CST daily) and <c>Disclosure:SnapshotSchedule</c> (default
/// 09:00 CST every day of March; the first run publishes the previous year, later runs find it published).
/// </summary>
public sealed partial class OversightTimerFunctions(DeadlineSweep sweep, DisclosureSnapshotService snapshots, ILogger<OversightTimerFunctions> logger)
{
    [Function("DeadlineSweep")]
    public async Task SweepDeadlines([TimerTrigger("%Oversight:DeadlineSweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var (summary, failures) = await sweep.RunAsync(cancellationToken);
        foreach (var (step, error) in failures)
        {
            LogStepFailed(logger, error, step);
        }

        LogSwept(logger, summary.DayCst.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), summary.Steps.Count, summary.Flagged, failures.Count);
    }

    [Function("PublishDisclosureSnapshot")]
    public async Task PublishSnapshot([TimerTrigger("%Disclosure:SnapshotSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var (snapshot, published) = await snapshots.PublishPreviousYearAsync(cancellationToken);
        LogSnapshot(logger, snapshot.Year, published ? "published" : "already published", snapshot.Authorizations.Count, snapshot.Operators.Count);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Deadline sweep step {Step} failed; the other steps ran.")]
    private static partial void LogStepFailed(ILogger logger, Exception error, string step);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deadline sweep of {Day} (CST): {Steps} steps, {Flagged} items flagged, {Failed} steps failed")]
    private static partial void LogSwept(ILogger logger, string day, int steps, int flagged, int failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Disclosure snapshot {Year}: {Outcome} ({Authorizations} authorisations, {Operators} operators)")]
    private static partial void LogSnapshot(ILogger logger, int year, string outcome, int authorizations, int operators);
}
