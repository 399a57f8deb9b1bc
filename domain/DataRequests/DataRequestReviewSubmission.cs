using Platform.Domain.Approvals;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Workflows;
using static Platform.Domain.DataRequests.DataRequestContract;

namespace Platform.Domain.DataRequests;

/// <summary>
/// A provider decides on the authenticated route (POST /data-requests/{id}/reviews): the decision settles the same
/// approval slot a signed link would (one decision per provider, M4.3) and raises the same event.
/// </summary>
public sealed class DataRequestReviewSubmission(
    DataRequestQueries queries,
    IDataRequestStore store,
    IApprovalStore approvalClaims,
    DataRequestDecisions decisions,
    IAuditTrail audit,
    IClock clock)
{
    /// <summary>Files the provider's decision and hands it to the orchestration; a link used afterwards answers 409.</summary>
    public async Task<Versioned<DataRequest>> SubmitReviewAsync(string id, ReviewDraft draft, Caller caller, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var request = (await queries.GetAsync(id, caller, cancellationToken)).Value;
        var review = caller.Role == Roles.Provider ? request.Review(DataRequestRules.SlotOf(caller.Organization)) : null;
        if (review is null)
        {
            throw new DomainException(FailureKind.Forbidden, "auth.forbidden_role", "Only a provider whose data the request asks for reviews it.");
        }

        EnsureOpen(request, review);
        var (items, comment) = DataRequestRules.ResolveReview(draft, request.ItemsOf(review.ProviderId).ToList());
        var now = clock.UtcNow;
        var submission = new ReviewSubmission(Guid.NewGuid().ToString("N"), id, review.Slot, items, comment, now, caller.Subject);
        await store.AddSubmissionAsync(submission, cancellationToken);
        var decision = new ApprovalDecision(DataRequestRules.SlotKindOf(items), new Dictionary<string, int>(), comment, now);
        var claim = new ApprovalClaim(request.InstanceId, review.Slot, ApprovalSlotState.Decided, decision, ApiClaimPrefix + submission.Id, null, now);
        if (!await approvalClaims.TryClaimAsync(claim, cancellationToken))
        {
            var winner = await approvalClaims.GetClaimAsync(request.InstanceId, review.Slot, cancellationToken);
            throw winner?.State == ApprovalSlotState.Closed
                ? new DomainException(FailureKind.Conflict, NotPendingCode, "The review has ended (the request was cancelled with its agreement).")
                : new DomainException(FailureKind.Conflict, AlreadyDecidedCode, "Your organisation has already decided on this request (through the link or this route).");
        }

        await audit.RecordAsync(caller, "data_request.review_submitted", TargetOf(id), new { review.Slot, items, comment }, cancellationToken);
        // On purpose this HTTP path runs the workflow step that files the decision: the caller reads the decided request
        // in the response. The step is idempotent, so the orchestration running it again on the event changes nothing.
        await decisions.RecordDecisionAsync(id, review.Slot, cancellationToken);
        await workflows.RaiseEventAsync(request.InstanceId, ApprovalService.DecisionEventName,
            new ApprovalDecidedEvent(review.Slot, Recipient.Organization(review.ProviderId).Key, decision), cancellationToken);
        return await store.GetAsync(id, cancellationToken) ?? throw new InvalidOperationException($"Data request {id} vanished.");
    }

    private static void EnsureOpen(DataRequest request, ProviderReview review)
    {
        if (request.IsCancelled || review.Closed)
        {
            throw new DomainException(FailureKind.Conflict, NotPendingCode, "The review has ended (the request was cancelled with its agreement).");
        }

        if (review.Decision is not null)
        {
            throw new DomainException(FailureKind.Conflict, AlreadyDecidedCode, "Your organisation has already decided on this request (through the link or this route).");
        }
    }
}
