using Platform.Domain.Approvals;
using Platform.Domain.Audit;
using Platform.Domain.Notifications;
using Platform.Domain.Products;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.ProductCompliance;

/// <summary>Decisions as they arrive and the deadlines of the product-compliance review (M4.5.1); nothing is decided by silence.</summary>
public sealed class ProductReviewEscalationStep(
    IProductComplianceSubject subject,
    ProductReviewLinkStep reviewLinks,
    IApprovalStore approvalStore,
    INotificationOutbox outbox,
    IAuditTrail audit,
    IClock clock)
{
    /// <summary>Activity: files a decision as it arrives; returns the product's status (withdrawn stops the review).</summary>
    public Task<ProductStatus> RecordDecisionAsync(string productId, ApprovalDecidedEvent decided, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decided);
        return subject.RecordReviewDecisionAsync(productId, decided.Slot, decided.Reviewer, decided.Decision, cancellationToken);
    }

    /// <summary>
    /// Activity at the deadline (and after each further deadline period, <paramref name="escalation"/> = 1, 2, …): a
    /// slot whose decision is on record (its event was lost) is recovered; every other open slot is reported to the
    /// authority and its reviewer reminded with a fresh link. The review keeps waiting: nothing is decided by silence.
    /// When the open slots were all closed elsewhere (the review was revoked), the product is reported withdrawn.
    /// </summary>
    public async Task<ProductEscalationResult> EscalateAsync(ProductReviewPlan plan, IReadOnlyList<string> openSlots, int escalation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(openSlots);
        var recovered = new List<ApprovalDecidedEvent>();
        var status = ProductStatus.InReview;
        var closed = 0;
        var owner = await reviewLinks.OrganizationNameAsync(plan.OwnerOrgId, cancellationToken);
        foreach (var slot in openSlots)
        {
            if (plan.ReviewerOf(slot) is not { } reviewer)
            {
                continue;
            }

            var claim = await approvalStore.GetClaimAsync(plan.InstanceId, slot, cancellationToken);
            if (claim is { State: ApprovalSlotState.Decided, Decision: { } decision })
            {
                var found = new ApprovalDecidedEvent(slot, reviewer.Reviewer.Key, decision);
                status = await RecordDecisionAsync(plan.ProductId, found, cancellationToken);
                recovered.Add(found);
                if (status == ProductStatus.Withdrawn)
                {
                    return new ProductEscalationResult(status, recovered);
                }

                continue;
            }

            if (claim is { State: ApprovalSlotState.Closed })
            {
                closed++;
                continue;
            }

            await audit.RecordAsync(Caller.System, "product.review_overdue", ProductRules.TargetOf(plan.ProductId), new { plan.Round, slot, plan.DueAt, escalation }, cancellationToken);
            var reviewerName = reviewer.Reviewer.Kind == "org" ? await reviewLinks.OrganizationNameAsync(reviewer.Reviewer.Value, cancellationToken) : "主管部门";
            await outbox.SendAsync(ProductComplianceNotices.Overdue(plan, reviewer, escalation, owner, reviewerName, clock.UtcNow), cancellationToken);
            await reviewLinks.IssueReviewLinkAsync(plan, slot, escalation, cancellationToken);
        }

        if (openSlots.Count > 0 && closed == openSlots.Count)
        {
            status = ProductStatus.Withdrawn;
        }

        return new ProductEscalationResult(status, recovered);
    }
}
