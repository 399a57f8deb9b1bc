using Platform.Domain.Approvals;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Products;
using Platform.Domain.Time;

namespace Platform.Domain.ProductCompliance;

/// <summary>
/// Reviewers' links of the product-compliance review (M4.5.1): the slot is stored once per instance and slot, its link
/// signed and sent through the notification outbox (messages keyed by instance and step).
/// </summary>
public sealed class ProductReviewLinkStep(
    ApprovalService approvals,
    IApprovalStore approvalStore,
    ApprovalLinkSettings links,
    INotificationOutbox outbox,
    IOrganizationStore organizations,
    IClock clock,
    TimeCompression compression)
{
    /// <summary>The approval subject kind of product review slots.</summary>
    public const string SubjectKind = "product";

    /// <summary>
    /// Activity: stores the slot, signs its link and sends it to the reviewer. <paramref name="reminder"/> 0 is the
    /// request itself; reminder n (after the n-th deadline) carries a fresh link, since the first may expire while the
    /// round waits. A slot already settled is left alone.
    /// </summary>
    public async Task IssueReviewLinkAsync(ProductReviewPlan plan, string slot, int reminder = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var reviewer = plan.ReviewerOf(slot) ?? throw new InvalidOperationException($"Review {plan.InstanceId} has no slot '{slot}'.");
        if (await approvalStore.GetClaimAsync(plan.InstanceId, slot, cancellationToken) is not null)
        {
            return;
        }

        var now = clock.UtcNow;
        var approvalSlot = new ApprovalSlot(plan.InstanceId, slot, reviewer.Reviewer, reviewer.ReviewerRole, SubjectKind, plan.ProductId, plan.Round, plan.StartedAt, plan.DueAt);
        var link = await approvals.IssueAsync(approvalSlot, now + compression.Compress(links.Lifetime), cancellationToken);
        var owner = await OrganizationNameAsync(plan.OwnerOrgId, cancellationToken);
        await outbox.SendAsync(ProductComplianceNotices.ReviewLink(plan, reviewer, reminder, owner, link.Url, now), cancellationToken);
    }

    public async Task<string> OrganizationNameAsync(string id, CancellationToken cancellationToken)
        => (await organizations.GetAsync(id, cancellationToken))?.Value.Name ?? id;
}
