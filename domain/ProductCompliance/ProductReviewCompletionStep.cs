using Platform.Domain.Approvals;
using Platform.Domain.Audit;
using Platform.Domain.Notifications;
using Platform.Domain.Products;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.ProductCompliance;

/// <summary>The end of a product-compliance review round (M4.5.1), and closing its links when the product is withdrawn.</summary>
public sealed class ProductReviewCompletionStep(
    IProductComplianceSubject subject,
    ApprovalService approvals,
    IApprovalStore approvalStore,
    INotificationOutbox outbox,
    IAuditTrail audit,
    IClock clock,
    ProductComplianceSettings settings)
{
    /// <summary>
    /// Activity at the end of the review: closes the slots still open (their links answer 410), files any decision
    /// that raced the end, records the outcome on the product (publication registers it) and tells the owner and the
    /// authority. Repeating it sends nothing new.
    /// </summary>
    public async Task<ProductStatus> CompleteAsync(ProductReviewPlan plan, ProductComplianceOutcome outcome, IReadOnlyList<string> openSlots, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(openSlots);
        var wire = ProductReviewAggregation.Wire(outcome.Kind);
        var late = await approvals.CloseAsync(plan.InstanceId, openSlots, $"review-{wire}", cancellationToken);
        foreach (var claim in late)
        {
            var reviewer = plan.ReviewerOf(claim.Slot);
            await subject.RecordReviewDecisionAsync(plan.ProductId, claim.Slot, reviewer?.Reviewer.Key ?? claim.Slot, claim.Decision!, cancellationToken);
        }

        var status = await subject.CompleteAsync(plan.ProductId, outcome, cancellationToken);
        if (status == ProductStatus.Withdrawn)
        {
            return status;
        }

        await audit.RecordAsync(Caller.System, $"product.review_{wire}", ProductRules.TargetOf(plan.ProductId), new { plan.Round, outcome.Kind, Findings = outcome.Findings.Count }, cancellationToken);
        foreach (var notice in ProductComplianceNotices.Result(plan, outcome, clock.UtcNow))
        {
            await outbox.SendAsync(notice, cancellationToken);
        }

        return status;
    }

    /// <summary>
    /// For the revocation step of the product records (agreement expiry or termination, withdrawal): closes every slot
    /// of the product's review round, so its links answer 410 and the orchestration stops at its next deadline.
    /// Repeating it changes nothing. Returns how many slots it closed.
    /// </summary>
    public async Task<int> CloseReviewLinksAsync(string productId, int round, string reason, CancellationToken cancellationToken = default)
    {
        var facts = await subject.LoadFactsAsync(productId, cancellationToken);
        if (facts is null)
        {
            return 0;
        }

        var instanceId = ProductWorkflow.InstanceId(productId, round);
        var closed = 0;
        foreach (var reviewer in ProductReviewPlanning.SelectReviewers(facts, ProductReviewPlanning.SelectTrack(facts), settings))
        {
            if (await approvalStore.GetClaimAsync(instanceId, reviewer.Slot, cancellationToken) is null)
            {
                await approvals.CloseAsync(instanceId, [reviewer.Slot], reason, cancellationToken);
                closed++;
            }
        }

        return closed;
    }
}
