using Platform.Domain.Agreements;
using Platform.Domain.Plans;

namespace Platform.Functions.Agreements;

/// <summary>Agreements are signed under an approved implementation plan (M3.3).</summary>
public sealed class PlanApprovalCheck(PlanService plans) : IPlanApprovalCheck
{
    public async Task EnsureApprovedAsync(string planId, CancellationToken cancellationToken = default)
        => await plans.GetApprovedAsync(planId, cancellationToken);
}
