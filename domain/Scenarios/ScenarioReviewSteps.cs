using Platform.Domain.Approvals;
using Platform.Domain.Audit;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Scenarios;

/// <summary>What the deadline of a round found: the scenario's status and decisions recovered from their claims.</summary>
public sealed record ScenarioEscalationResult(ScenarioStatus Status, IReadOnlyList<ApprovalDecidedEvent> Recovered);

/// <summary>
/// Workflow steps of a scenario review round (M4.2): signed links to every reviewer, decisions filed as they arrive,
/// escalation of late reviews (nothing is decided by silence), and the result told to the operator. Each is idempotent.
/// </summary>
public sealed class ScenarioReviewSteps(
    ScenarioRecords records,
    ApprovalService approvals,
    ApprovalLinkSettings links,
    INotificationOutbox outbox,
    IAuditTrail audit,
    IClock clock,
    TimeCompression compression)
{
    /// <summary>
    /// Stores the slot, signs its link and sends it to the reviewer. <paramref name="reminder"/> 0 is the request
    /// itself; reminder n (after the n-th deadline) carries a fresh link, since the first may expire while the round waits.
    /// </summary>
    public async Task IssueReviewLinkAsync(string id, int round, string slot, int reminder = 0, CancellationToken cancellationToken = default)
    {
        var scenario = await records.RequireAsync(id, cancellationToken);
        var reviewRound = scenario.Round(round) ?? throw new InvalidOperationException($"Scenario {id} has no round {round}.");
        var review = reviewRound.Reviews.FirstOrDefault(r => r.Slot == slot) ?? throw new InvalidOperationException($"Round {round} of scenario {id} has no slot '{slot}'.");
        if (reviewRound.Outcome is not null || review.Decision is not null)
        {
            return;
        }

        var now = clock.UtcNow;
        var approvalSlot = new ApprovalSlot(reviewRound.InstanceId, slot, review.Reviewer, ScenarioRules.RoleOf(review.ReviewerKind), ScenarioService.SubjectKind, id, round, reviewRound.StartedAt, reviewRound.DueAt);
        var link = await approvals.IssueAsync(approvalSlot, now + compression.Compress(links.Lifetime), cancellationToken);
        var operatorName = await records.OrganizationNameAsync(scenario.OperatorId, cancellationToken);
        await outbox.SendAsync(ScenarioNotices.ReviewLink(id, reviewRound, review, reminder, operatorName, link.Url, now), cancellationToken);
    }

    /// <summary>Files a decision as it arrives; returns the scenario's status (cancelled stops the round).</summary>
    public async Task<ScenarioStatus> RecordDecisionAsync(string id, int round, ApprovalDecidedEvent decided, CancellationToken cancellationToken = default)
    {
        var (scenario, changed) = await records.ChangeAsync(id, s => ScenarioRules.RecordDecision(s, round, decided.Slot, decided.Decision, clock.UtcNow), cancellationToken);
        if (changed)
        {
            await audit.RecordAsync(Caller.System, "scenario.review_decided", ScenarioService.TargetOf(id), new { round, decided.Slot, decided.Decision.Kind, decided.Decision.Scores }, cancellationToken);
        }

        return scenario.Status;
    }

    /// <summary>
    /// At a round's deadline (and after each further deadline period, <paramref name="escalation"/> = 1, 2, …):
    /// a slot whose decision is on record (its event was lost) is recovered; every other open slot is marked overdue,
    /// the authority is told, and the reviewer gets a reminder with a fresh link. The round keeps waiting: nothing is
    /// decided by silence.
    /// </summary>
    public async Task<ScenarioEscalationResult> EscalateAsync(string id, int round, IReadOnlyList<string> openSlots, int escalation = 1, CancellationToken cancellationToken = default)
    {
        var scenario = await records.RequireAsync(id, cancellationToken);
        var reviewRound = scenario.Round(round);
        if (reviewRound is null || reviewRound.Outcome is not null || scenario.Status != ScenarioStatus.InReview)
        {
            return new ScenarioEscalationResult(scenario.Status, []);
        }

        var recovered = new List<ApprovalDecidedEvent>();
        foreach (var slot in openSlots)
        {
            var review = reviewRound.Reviews.FirstOrDefault(r => r.Slot == slot);
            if (review is null)
            {
                continue;
            }

            if (await approvals.FindDecisionAsync(reviewRound.InstanceId, slot, cancellationToken) is { } decision)
            {
                var found = new ApprovalDecidedEvent(slot, review.Reviewer.Key, decision);
                await RecordDecisionAsync(id, round, found, cancellationToken);
                recovered.Add(found);
                continue;
            }

            var (marked, changed) = await records.ChangeAsync(id, s => ScenarioRules.MarkOverdue(s, round, slot, clock.UtcNow), cancellationToken);
            if (changed)
            {
                await audit.RecordAsync(Caller.System, "scenario.review_overdue", ScenarioService.TargetOf(id), new { round, slot, reviewRound.DueAt }, cancellationToken);
            }

            var operatorName = await records.OrganizationNameAsync(marked.OperatorId, cancellationToken);
            var reviewerName = review.Reviewer.Kind == "org" ? await records.OrganizationNameAsync(review.Reviewer.Value, cancellationToken) : "主管部门";
            await outbox.SendAsync(ScenarioNotices.Overdue(id, reviewRound, review, escalation, operatorName, reviewerName, clock.UtcNow), cancellationToken);
            await IssueReviewLinkAsync(id, round, slot, escalation, cancellationToken);
        }

        return new ScenarioEscalationResult(scenario.Status, recovered);
    }

    /// <summary>
    /// At the end of a round: closes the slots still open (their links answer 410), keeps any decision that
    /// raced the end, records the outcome and tells the operator (and the authority) the result.
    /// </summary>
    public async Task<ScenarioStatus> CompleteRoundAsync(string id, int round, ReviewRoundOutcome outcome, CancellationToken cancellationToken = default)
    {
        var scenario = await records.RequireAsync(id, cancellationToken);
        var reviewRound = scenario.Round(round) ?? throw new InvalidOperationException($"Scenario {id} has no round {round}.");
        var late = await approvals.CloseAsync(reviewRound.InstanceId, reviewRound.OpenSlots, $"round-{ScenarioRules.Wire(outcome)}", cancellationToken);
        var (ended, changed) = await records.ChangeAsync(id, s =>
        {
            var withLate = late.Aggregate(s, (acc, claim) => ScenarioRules.RecordLateDecision(acc, round, claim.Slot, claim.Decision!, clock.UtcNow));
            return ScenarioRules.EndRound(withLate, round, outcome, clock.UtcNow);
        }, cancellationToken);
        if (changed)
        {
            await audit.RecordAsync(Caller.System, $"scenario.{ScenarioRules.Wire(outcome)}", ScenarioService.TargetOf(id), new { round, outcome }, cancellationToken);
        }

        foreach (var notice in ScenarioNotices.Result(id, ended.OperatorId, reviewRound, outcome, clock.UtcNow))
        {
            await outbox.SendAsync(notice, cancellationToken);
        }

        return ended.Status;
    }
}
