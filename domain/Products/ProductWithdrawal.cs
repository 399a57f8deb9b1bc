using Platform.Domain.Agreements;
using Platform.Domain.Approvals;
using Platform.Domain.Audit;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Products;

/// <summary>Withdraws the products still in review under an agreement that ended (M4.5).</summary>
public sealed class ProductWithdrawal(IProductStore store, INotificationOutbox outbox, IAuditTrail audit, IClock clock)
{
    /// <summary>
    /// When an agreement ends, the operator's products still in review under it are withdrawn (published products stay
    /// published: delivered products are not recalled). Returns how many were withdrawn now, and every product withdrawn
    /// with the agreement (now or by an earlier run), whose open review links the revocation step closes. Idempotent.
    /// </summary>
    public async Task<(int Withdrawn, IReadOnlyList<Product> Stopped)> WithdrawUnderReviewAsync(Agreement agreement, string reason, CancellationToken cancellationToken = default)
    {
        var withdrawn = 0;
        var stopped = new List<Product>();
        var endReason = $"agreement-{reason}";
        foreach (var product in await store.FindAsync(new ProductQuery(OwnerOrgId: agreement.OperatorId, AgreementId: agreement.Id), cancellationToken))
        {
            if (!product.IsUnderReview)
            {
                if (product.Status == ProductStatus.Withdrawn && product.CurrentRound.EndReason?.StartsWith("agreement-", StringComparison.Ordinal) == true)
                {
                    stopped.Add(product);
                }

                continue;
            }

            var (ended, changed) = await store.ChangeWithRetryAsync(product.Id, p => ProductRules.Withdraw(p, endReason, clock.UtcNow), cancellationToken);
            if (ended.Status == ProductStatus.Withdrawn)
            {
                stopped.Add(ended);
            }

            if (changed)
            {
                withdrawn++;
                await audit.RecordAsync(Caller.System, "product.withdrawn", ProductRules.TargetOf(product.Id), new { agreementId = agreement.Id, reason, round = ended.CurrentRound.Number }, cancellationToken);
                await outbox.SendAsync(ProductNotices.Withdrawn(ended, agreement, clock.UtcNow), cancellationToken);
            }
        }

        return (withdrawn, stopped);
    }
}

/// <summary>
/// The agreement revocation step that withdraws the operator's products still in review (published ones stay) and closes
/// the open slots of their rounds at once, so the links answer 410 and the review stops at its next step. The slots are
/// closed here rather than in <see cref="ProductWithdrawal"/>, which the approval pages depend on.
/// </summary>
public sealed class ProductReviewRevocationStep(ProductWithdrawal products, ApprovalService approvals, IApprovalSlotDirectory slotDirectory) : IAgreementRevocationStep
{
    public const string StepName = "product-reviews";

    public string Name => StepName;

    public async Task<string> RevokeAsync(Agreement agreement, string reason, CancellationToken cancellationToken = default)
    {
        var (withdrawn, stopped) = await products.WithdrawUnderReviewAsync(agreement, reason, cancellationToken);
        foreach (var product in stopped)
        {
            var round = product.CurrentRound;
            var decided = round.Decisions.Select(d => d.Slot).ToHashSet(StringComparer.Ordinal);
            var open = (await slotDirectory.ListSlotsAsync(round.InstanceId, cancellationToken)).Where(slot => !decided.Contains(slot)).ToList();
            await approvals.CloseAsync(round.InstanceId, open, $"agreement-{reason}", cancellationToken);
        }

        return $"{withdrawn} product(s) in review withdrawn";
    }
}
