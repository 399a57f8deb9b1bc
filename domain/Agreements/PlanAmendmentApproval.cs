using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Plans;
using Platform.Domain.Security;

namespace Platform.Domain.Agreements;

/// <summary>
/// M3.3 "确需变更的，应当报请本级人民政府批准": the government's approval of a plan amendment. The new version comes into
/// force, every live agreement under the plan then stands on it, and where it narrows the scope, what falls outside —
/// grants and the sandbox jobs on them — is revoked with the same steps as a termination. Widening needs nothing further.
/// </summary>
public sealed class PlanAmendmentApproval(
    PlanService plans,
    IAgreementStore agreements,
    AgreementScopeGuard scope,
    IEnumerable<IScopeRevocationStep> steps,
    IAuditTrail audit)
{
    public async Task<Versioned<Plan>> ApproveAsync(string planId, int version, PlanApprovalFacts facts, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        var approved = await plans.ApproveAmendmentAsync(planId, version, facts, ifMatch, caller, cancellationToken);
        await ApplyToAgreementsAsync(approved.Value, cancellationToken);
        return approved;
    }

    /// <summary>Moves the plan's live agreements onto its version in force and revokes what falls outside. Safe to repeat.</summary>
    public async Task ApplyToAgreementsAsync(Plan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var agreement in (await agreements.ListByPlanAsync(plan.Id, cancellationToken)).Where(a => a.IsLive))
        {
            await ApplyAsync(agreement.Id, plan.Version, cancellationToken);
        }
    }

    private async Task ApplyAsync(string agreementId, int version, CancellationToken cancellationToken)
    {
        var (agreement, changed) = await OptimisticChange.ApplyAsync(
            ct => agreements.GetAsync(agreementId, ct),
            agreements.ReplaceAsync,
            a => a.PlanVersion == version ? a : a with { PlanVersion = version },
            () => new DomainException(FailureKind.NotFound, "agreement.not_found", $"Agreement '{agreementId}' does not exist."),
            cancellationToken);
        var reason = $"Plan '{agreement.PlanId}' amended to version {version}: outside the approved scope (M3.3).";
        var results = new List<string>();
        foreach (var step in steps)
        {
            results.Add($"{step.Name}: {await step.RevokeOutsideScopeAsync(agreement, scope, reason, cancellationToken)}");
        }

        if (changed)
        {
            await audit.RecordAsync(Caller.System, "agreement.plan_version_changed", $"agreements/{agreementId}", new { agreement.PlanId, version, steps = results }, cancellationToken);
        }
    }
}
