using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Plans;
using Platform.Domain.Resources;

namespace Platform.Domain.Agreements;

/// <summary>One resource a command wants to use, with the request field that names it.</summary>
/// <param name="ProviderId">The provider the caller names, used when the resource is not in the catalogue.</param>
public sealed record ScopeItem(string Field, string ResourceId, string? ProviderId = null);

/// <summary>
/// M3.3, M5.5.4 "不得超授权范围": whether an agreement's authorisation covers a resource. The scope is the plan version the
/// agreement stands on, and the version in force (an amendment that narrows binds at once), and the narrower scope the
/// authority stated for the agreement. Every command that uses data asks here: scenario data needs, data requests, grant
/// provisioning, product registration.
/// </summary>
public sealed class AgreementScopeGuard(IPlanStore plans, IResourceStore resources, IOrganizationStore organizations)
{
    /// <summary>Throws 422 <c>scope.outside_authorization</c> naming each field whose resource is outside the scope.</summary>
    public async Task EnsureCoversAsync(Agreement agreement, IEnumerable<ScopeItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var scopes = await ScopesOfAsync(agreement, cancellationToken);
        var outside = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var resource = await DescribeAsync(item.ResourceId, item.ProviderId, cancellationToken);
            if (!scopes.All(s => s.Covers(resource)))
            {
                outside[item.Field] = item.ResourceId;
            }
        }

        if (outside.Count > 0)
        {
            throw AuthorizationScope.Outside(outside);
        }
    }

    /// <summary>True when every one of <paramref name="resourceIds"/> (from <paramref name="providerId"/>) is inside the agreement's scope.</summary>
    public async Task<bool> CoversAllAsync(Agreement agreement, IEnumerable<string> resourceIds, string? providerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resourceIds);
        var scopes = await ScopesOfAsync(agreement, cancellationToken);
        foreach (var id in resourceIds)
        {
            var resource = await DescribeAsync(id, providerId, cancellationToken);
            if (!scopes.All(s => s.Covers(resource)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The scopes that must all cover a resource for <paramref name="agreement"/> to use it.</summary>
    public async Task<IReadOnlyList<AuthorizationScope>> ScopesOfAsync(Agreement agreement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        var plan = (await plans.GetAsync(agreement.PlanId, cancellationToken))?.Value;
        if (plan?.ApprovedScope is not { } inForce)
        {
            // No approved plan behind the agreement: nothing is authorised.
            return [new AuthorizationScope(PlanMode.Scenario, agreement.PlanId, [], [])];
        }

        var scopes = new List<AuthorizationScope> { inForce };
        if (plan.VersionRecord(agreement.PlanVersion ?? 1) is { } stoodOn && stoodOn.Version != plan.Version)
        {
            scopes.Add(stoodOn.Scope);
        }

        if (agreement.Scope is { } stated)
        {
            scopes.Add(stated);
        }

        return scopes;
    }

    private async Task<ScopedResource> DescribeAsync(string resourceId, string? providerId, CancellationToken cancellationToken)
    {
        var resource = ResourceId.IsLookupKey(resourceId) ? (await resources.GetAsync(resourceId, cancellationToken))?.Value : null;
        var provider = resource?.ProviderId ?? providerId;
        var region = provider is not null && ResourceId.IsLookupKey(provider) ? (await organizations.GetAsync(provider, cancellationToken))?.Value.Region : null;
        return new ScopedResource(resourceId, provider, region, resource?.Domain);
    }
}

/// <summary>
/// One thing an agreement carries that an amendment narrowing its plan's scope takes away when it falls outside (M3.3):
/// grants over resources no longer covered, and the sandbox jobs running on them. Steps must be idempotent.
/// </summary>
public interface IScopeRevocationStep
{
    string Name { get; }

    Task<string> RevokeOutsideScopeAsync(Agreement agreement, AgreementScopeGuard scope, string reason, CancellationToken cancellationToken = default);
}
