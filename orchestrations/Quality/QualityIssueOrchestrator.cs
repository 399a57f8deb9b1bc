using Microsoft.DurableTask;
using Platform.Domain.Quality;
using Platform.Domain.Time;

namespace Platform.Orchestrations.Quality;

/// <summary>How a ticket's orchestration ended: answered (corrected or disputed), and how many deadline checks it ran.</summary>
public sealed record QualityIssueWorkflowResult(string IssueId, string Outcome, bool Escalated, int Checks);

/// <summary>Runs a deadline check: at the deadline it flags and escalates an unanswered ticket; later checks remind the provider.</summary>
public sealed class EscalateQualityIssueActivity(QualityIssueEscalation escalation) : TaskActivity<QualityEscalationRequest, QualityEscalationOutcome>
{
    public override Task<QualityEscalationOutcome> RunAsync(TaskActivityContext context, QualityEscalationRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return escalation.EscalateAsync(input.IssueId, input.Check);
    }
}

/// <summary>
/// The <c>quality-issue</c> orchestration (M4.7.1), instance <c>quality-issue-{id}</c>: waits for the
/// provider's answer (the resolution route raises <see cref="QualityIssueService.ResolvedEventName"/>) or the correction
/// deadline. At the deadline an unanswered ticket is flagged overdue and escalated to the authority, and the
/// orchestration keeps waiting, checking again each further deadline period; nothing closes a ticket by silence. When a
/// check finds the ticket answered (its event was lost) it ends. Timers fire at compressed times; the moments are the
/// pure <see cref="QualityIssueRules.CheckMoment"/>.
/// </summary>
public sealed class QualityIssueOrchestrator : TaskOrchestrator<QualityIssueWorkflowInput, QualityIssueWorkflowResult>
{
    public override async Task<QualityIssueWorkflowResult> RunAsync(TaskOrchestrationContext context, QualityIssueWorkflowInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var compression = new TimeCompression(input.TimeCompression);
        using var stopWaiting = new CancellationTokenSource();
        var answer = context.WaitForExternalEvent<QualityIssueResolvedEvent>(QualityIssueService.ResolvedEventName, stopWaiting.Token);
        var escalated = false;
        for (var check = 1; ; check++)
        {
            using var stopTimer = new CancellationTokenSource();
            var moment = QualityIssueRules.CheckMoment(input.AnchorUtc, input.DueUtc, check);
            var timer = context.CreateTimer(compression.TimerFireTime(input.AnchorUtc, moment), stopTimer.Token);
            if (await Task.WhenAny(answer, timer) == answer)
            {
                stopTimer.Cancel();
                var resolved = await answer;
                return new QualityIssueWorkflowResult(input.IssueId, QualityIssueRules.Wire(StatusOf(resolved.Outcome)), escalated, check - 1);
            }

            var outcome = await context.CallActivityAsync<QualityEscalationOutcome>(nameof(EscalateQualityIssueActivity), new QualityEscalationRequest(input.IssueId, check));
            escalated |= outcome.Escalated;
            if (!QualityIssueRules.KeepsWaiting(outcome.Status))
            {
                stopWaiting.Cancel();
                return new QualityIssueWorkflowResult(input.IssueId, QualityIssueRules.Wire(outcome.Status), escalated, check);
            }
        }
    }

    private static QualityIssueStatus StatusOf(QualityResolutionOutcome outcome)
        => outcome == QualityResolutionOutcome.Corrected ? QualityIssueStatus.Corrected : QualityIssueStatus.Disputed;
}
