using Platform.Domain.Agreements;
using Platform.Domain.Plans;

namespace Platform.Functions.Agreements;

/// <summary>Agreements are signed under an approved implementation plan (M3.3).</summary>
public sealed class PlanApprovalCheck(PlanService plans) : IPlanApprovalCheck
{
    public async Task<PlanVersionRecord> EnsureApprovedAsync(string planId, CancellationToken cancellationToken = default)
    {
        var plan = await plans.GetApprovedAsync(planId, cancellationToken);
        return plan.VersionRecord(plan.Version) ?? throw new InvalidOperationException($"Approved plan {planId} has no version record.");
    }
}
