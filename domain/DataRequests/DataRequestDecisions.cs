using Platform.Domain.Approvals;
using Platform.Domain.Audit;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.Domain.Time;
using static Platform.Domain.DataRequests.DataRequestContract;

namespace Platform.Domain.DataRequests;

/// <summary>
/// Workflow steps after the review task: filing a provider's decision (link or authenticated route), the deadline
/// escalation (M4.3: nothing is decided by silence), the provisioning outcome and the final result. Each is idempotent.
/// </summary>
public sealed class DataRequestDecisions(
    DataRequestRecords records,
    IApprovalStore approvalClaims,
    DataRequestReviewTasks reviewTasks,
    INotificationOutbox outbox,
    IAuditTrail audit,
    IClock clock,
    TimeCompression compression)
{
    /// <summary>
    /// Files the decision on record for a slot (from its claim, whichever way it was made). Returns the status, whether
    /// the slot is decided and whether it approved anything. Repeating it changes nothing.
    /// </summary>
    public async Task<DataRequestDecisionOutcome> RecordDecisionAsync(string id, string slot, CancellationToken cancellationToken = default)
    {
        var request = await records.RequireAsync(id, cancellationToken);
        var review = request.Review(slot);
        if (review is null)
        {
            return new DataRequestDecisionOutcome(request.Status, false, false);
        }

        if (review.Decision is null && !request.IsCancelled
            && await approvalClaims.GetClaimAsync(request.InstanceId, slot, cancellationToken) is { State: ApprovalSlotState.Decided, Decision: { } decision } claim)
        {
            var (items, comment, decidedBy, channel) = await ItemsOfClaimAsync(request, review, claim, decision, cancellationToken);
            // Under compressed time the decision instant is scaled back to the legal instant it stands for.
            var legalDecidedAt = new DateTimeOffset(compression.LegalTime(request.SubmittedAt.UtcDateTime, decision.DecidedAt.UtcDateTime), TimeSpan.Zero);
            var (updated, changed) = await records.ChangeAsync(id,
                (r, now) => DataRequestRules.RecordDecision(r, slot, items, comment, decision.DecidedAt, decidedBy, channel, now, legalDecidedAt), cancellationToken);
            request = updated;
            review = updated.Review(slot)!;
            if (changed && review.Decision is { } decided)
            {
                await audit.RecordAsync(Caller.System, "data_request.review_decided", TargetOf(id), new { slot, decided.Items, decided.Late, decided.Channel }, cancellationToken);
                await records.RecordTimelinessAsync(request, review, cancellationToken);
                var providerName = await records.OrganizationNameAsync(review.ProviderId, cancellationToken);
                await outbox.SendAsync(DataRequestNotices.Decided(request, slot, decided, providerName, clock.UtcNow), cancellationToken);
            }
        }

        return OutcomeOf(request, slot);
    }

    /// <summary>
    /// At a review's deadline (<paramref name="escalation"/> 1) and after each further deadline period (2, 3, …): a
    /// decision on record whose event was lost is filed; otherwise the review is marked overdue, the authority is told
    /// (once), and the provider gets a reminder with a fresh link. Nothing is decided by silence (M4.3).
    /// </summary>
    public async Task<DataRequestEscalationOutcome> EscalateAsync(string id, string slot, int escalation = 1, CancellationToken cancellationToken = default)
    {
        var recorded = await RecordDecisionAsync(id, slot, cancellationToken);
        if (recorded.Decided || recorded.Status == DataRequestStatus.Cancelled)
        {
            return new DataRequestEscalationOutcome(recorded.Status, recorded.Decided, recorded.AnyApproved);
        }

        var (request, changed) = await records.ChangeAsync(id, (r, now) => DataRequestRules.MarkOverdue(r, slot, now), cancellationToken);
        var review = request.Review(slot)!;
        if (changed)
        {
            await audit.RecordAsync(Caller.System, "data_request.review_overdue", TargetOf(id), new { slot, review.DueAt, review.DueLegalDate }, cancellationToken);
            await records.RecordTimelinessAsync(request, review, cancellationToken);
        }

        if (escalation <= 1)
        {
            var operatorName = await records.OrganizationNameAsync(request.OperatorId, cancellationToken);
            var providerName = await records.OrganizationNameAsync(review.ProviderId, cancellationToken);
            await outbox.SendAsync(DataRequestNotices.Overdue(request, review, operatorName, providerName, clock.UtcNow), cancellationToken);
        }

        await reviewTasks.IssueReviewTaskAsync(id, slot, ReviewNotice.Overdue, escalation, cancellationToken);
        return new DataRequestEscalationOutcome(request.Status, false, false);
    }

    /// <summary>Notes on the request that a review's approved items were provisioned (or why not).</summary>
    public async Task MarkProvisionedAsync(string id, string slot, string? error, CancellationToken cancellationToken = default)
    {
        var (request, changed) = await records.ChangeAsync(id, (r, now) => DataRequestRules.MarkProvisioned(r, slot, now, error), cancellationToken);
        if (changed && error is not null)
        {
            await audit.RecordAsync(Caller.System, "data_request.provisioning_failed", TargetOf(id), new { slot, error }, cancellationToken);
            await outbox.SendAsync(DataRequestNotices.ProvisioningFailed(request, slot, error, clock.UtcNow), cancellationToken);
        }
    }

    /// <summary>When every review is decided: tells the operator the result.</summary>
    public async Task<DataRequestStatus> CompleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var request = await records.RequireAsync(id, cancellationToken);
        if (request.IsCancelled)
        {
            return request.Status;
        }

        var approved = request.Items.Count(i => i.Status == DataRequestItemStatus.Approved);
        await audit.RecordAsync(Caller.System, "data_request.completed", TargetOf(id), new { request.Status, approved, total = request.Items.Count }, cancellationToken);
        await outbox.SendAsync(DataRequestNotices.Completed(request, clock.UtcNow), cancellationToken);
        return request.Status;
    }

    private static DataRequestDecisionOutcome OutcomeOf(DataRequest request, string slot)
    {
        var review = request.Review(slot);
        var decided = review?.Decision is not null;
        var anyApproved = review?.Decision?.Items.Values.Any(v => v == ItemDecisionKind.Approve) ?? false;
        return new DataRequestDecisionOutcome(request.Status, decided, anyApproved);
    }

    private async Task<(IReadOnlyDictionary<string, ItemDecisionKind> Items, string? Comment, string DecidedBy, ReviewChannel Channel)> ItemsOfClaimAsync(
        DataRequest request, ProviderReview review, ApprovalClaim claim, ApprovalDecision decision, CancellationToken cancellationToken)
    {
        if (claim.Nonce?.StartsWith(ApiClaimPrefix, StringComparison.Ordinal) == true
            && await records.Store.GetSubmissionAsync(claim.Nonce[ApiClaimPrefix.Length..], cancellationToken) is { } submission)
        {
            return (submission.Items, submission.Comment, submission.SubmittedBy, ReviewChannel.Api);
        }

        return (DataRequestRules.ItemsOfLinkDecision(decision.Kind, request.ItemsOf(review.ProviderId)), decision.Comment, $"link:{claim.Nonce}", ReviewChannel.Link);
    }
}
