using Microsoft.DurableTask;
using Platform.Domain.Oversight;
using Platform.Domain.Time;

namespace Platform.Orchestrations.Oversight;

public sealed record BreachWatchResult(string BreachId, string Outcome);

/// <summary>
/// The breach watch (M5.8), instance <c>breach-watch-{breachId}</c>: waits with a durable timer (compressed like every
/// lifecycle) for the reminder moment, reminds the operator, waits for the deadline and escalates to the authority. The
/// rectification arrives as an external event and ends it at whichever wait it is in.
/// </summary>
public sealed class BreachWatchOrchestrator : TaskOrchestrator<BreachWatchInput, BreachWatchResult>
{
    public const string RectifiedOutcome = "rectified";
    public const string EscalatedOutcome = "escalated";

    public override async Task<BreachWatchResult> RunAsync(TaskOrchestrationContext context, BreachWatchInput input)
    {
        var compression = new TimeCompression(input.TimeCompression);
        using var stopWaiting = new CancellationTokenSource();
        var rectified = context.WaitForExternalEvent<BreachRectifiedEvent>(BreachWatchService.RectifiedEventName, stopWaiting.Token);
        var step = new BreachWatchStep(input.AgreementId, input.BreachId);

        if (await RectifiedBeforeAsync(context, rectified, compression.TimerFireTime(input.AnchorUtc, input.ReminderUtc)))
        {
            return new BreachWatchResult(input.BreachId, RectifiedOutcome);
        }

        await context.CallActivityAsync<bool>(nameof(RemindBreachActivity), step);
        if (await RectifiedBeforeAsync(context, rectified, compression.TimerFireTime(input.AnchorUtc, input.DeadlineUtc)))
        {
            return new BreachWatchResult(input.BreachId, RectifiedOutcome);
        }

        stopWaiting.Cancel();
        var escalated = await context.CallActivityAsync<bool>(nameof(EscalateBreachActivity), step);
        return new BreachWatchResult(input.BreachId, escalated ? EscalatedOutcome : RectifiedOutcome);
    }

    private static async Task<bool> RectifiedBeforeAsync(TaskOrchestrationContext context, Task<BreachRectifiedEvent> rectified, DateTime fireAt)
    {
        using var stopTimer = new CancellationTokenSource();
        var timer = context.CreateTimer(fireAt, stopTimer.Token);
        if (await Task.WhenAny(timer, rectified) == rectified)
        {
            stopTimer.Cancel();
            return true;
        }

        return false;
    }
}

/// <summary>Reminds the operator before the deadline unless rectified; repeating it sends nothing twice (fixed message id).</summary>
public sealed class RemindBreachActivity(BreachWatchService breaches) : TaskActivity<BreachWatchStep, bool>
{
    public override Task<bool> RunAsync(TaskActivityContext context, BreachWatchStep input) => breaches.RemindAsync(input);
}

/// <summary>Escalates an unrectified breach to the authority at its deadline; repeating it sends nothing twice.</summary>
public sealed class EscalateBreachActivity(BreachWatchService breaches) : TaskActivity<BreachWatchStep, bool>
{
    public override Task<bool> RunAsync(TaskActivityContext context, BreachWatchStep input) => breaches.EscalateAsync(input);
}
