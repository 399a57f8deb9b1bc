using Platform.Domain.Audit;
using Platform.Domain.Calendar;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Resources;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Workflows;

namespace Platform.Domain.Quality;

/// <summary>
/// The workflow steps of a quality ticket (M4.7.1): at its deadline an unanswered ticket is flagged overdue, escalated to
/// the authority once and the provider reminded; the daily sweep does the same for tickets the orchestration missed.
/// Nothing is closed by silence. Every step is idempotent.
/// </summary>
public sealed class QualityIssueEscalation(
    IQualityIssueStore store,
    IOrganizationStore organizations,
    INotificationOutbox outbox,
    IAuditTrail audit,
    IClock clock,
    TimeCompression compression)
{
    /// <summary>
    /// Activity at the deadline (<paramref name="check"/> 1) and each further deadline period (2, 3, …): a ticket still
    /// unanswered is flagged overdue and escalated to the authority (once), and the provider is reminded. An answered
    /// ticket is left alone. Nothing is closed by silence.
    /// </summary>
    public async Task<QualityEscalationOutcome> EscalateAsync(string id, int check = 1, CancellationToken cancellationToken = default)
    {
        var (issue, changed) = await ChangeWithRetryAsync(id, i => QualityIssueRules.MarkOverdue(i, clock.UtcNow), cancellationToken);
        if (!issue.AwaitsResolution)
        {
            return new QualityEscalationOutcome(issue.Status, issue.Overdue);
        }

        if (changed)
        {
            await EscalatedAsync(issue, cancellationToken);
        }

        if (issue.Reminders < check)
        {
            await outbox.SendAsync(QualityNotices.OverdueReminder(issue, check, clock.UtcNow), cancellationToken);
            issue = (await ChangeWithRetryAsync(id, i => QualityIssueRules.MarkReminded(i, check, clock.UtcNow), cancellationToken)).Issue;
        }

        return new QualityEscalationOutcome(issue.Status, issue.Overdue);
    }

    /// <summary>
    /// The safety net under the orchestrations (the daily deadline sweep): every unanswered ticket past its deadline that
    /// is not escalated yet is flagged and escalated now. Repeating it changes nothing; returns how many it escalated.
    /// </summary>
    public async Task<int> SweepAsync(DateTimeOffset nowUtc, CancellationToken cancellationToken = default)
    {
        var escalated = 0;
        foreach (var candidate in await store.ListAwaitingUnescalatedAsync(cancellationToken))
        {
            if (!QualityIssueRules.NeedsEscalation(candidate, nowUtc, compression))
            {
                continue;
            }

            var (issue, changed) = await ChangeWithRetryAsync(candidate.Id, i => QualityIssueRules.MarkOverdue(i, clock.UtcNow), cancellationToken);
            if (changed)
            {
                escalated++;
                await EscalatedAsync(issue, cancellationToken);
            }
        }

        return escalated;
    }

    private async Task EscalatedAsync(QualityIssue issue, CancellationToken cancellationToken)
    {
        await audit.RecordAsync(Caller.System, "quality_issue.overdue", QualityIssueRules.TargetOf(issue.Id), new { issue.DueAt, issue.DueLegalDate, issue.EscalatedAt }, cancellationToken);
        var providerName = await OrganizationNameAsync(issue.ProviderId, cancellationToken);
        var raiserName = await OrganizationNameAsync(issue.RaisedByOrganization, cancellationToken);
        await outbox.SendAsync(QualityNotices.Escalated(issue, providerName, raiserName, clock.UtcNow), cancellationToken);
    }

    // The provider answered at the same moment: apply this change again on top of the answer.
    private Task<(QualityIssue Issue, bool Changed)> ChangeWithRetryAsync(string id, Func<QualityIssue, QualityIssue> change, CancellationToken cancellationToken)
        => OptimisticChange.ApplyAsync(ct => store.GetAsync(id, ct), store.ReplaceAsync, change,
            () => new DomainException(FailureKind.NotFound, QualityIssueRules.NotFoundCode, $"Quality issue '{id}' does not exist."), cancellationToken);

    private async Task<string> OrganizationNameAsync(string id, CancellationToken cancellationToken)
        => (await organizations.GetAsync(id, cancellationToken))?.Value.Name ?? id;
}

/// <summary>The quality tickets' part of the daily deadline sweep (M4.7.1): escalates overdue tickets the orchestration missed.</summary>
public sealed class QualityIssueDeadlineSweepStep(QualityIssueEscalation escalation) : Oversight.IDeadlineSweepStep
{
    public const string StepName = "quality-issues";

    public string Name => StepName;

    public Task<int> SweepAsync(DateTimeOffset nowUtc, CancellationToken cancellationToken = default) => escalation.SweepAsync(nowUtc, cancellationToken);
}
