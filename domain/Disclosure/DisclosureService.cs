using Platform.Domain.Agreements;
using Platform.Domain.Organizations;
using Platform.Domain.Plans;

namespace Platform.Domain.Disclosure;

/// <summary>
/// One authorisation as the public sees it (M4.7.4): who is authorised (object), under which plan (content), where
/// (scope) and for how long (term). Organisations only, never people.
/// </summary>
public sealed record AuthorizationDisclosure(
    string AgreementId,
    string OperatorId,
    string OperatorName,
    string OperatorCreditCode,
    string PlanTitle,
    PlanMode PlanMode,
    string Region,
    SelectionMethod SelectionMethod,
    DateOnly StartsOn,
    DateOnly EndsOn,
    AgreementStatus Status,
    int PlanVersion = 1,
    AuthorizationScope? Scope = null,
    AuthorizationScope? StatedScope = null,
    string? CoImplementingDepartment = null)
{
    /// <summary>
    /// M4.7.4 "对象、内容、范围和时限": the operator, the plan version the agreement stands on with its approved scope (and the
    /// narrower one stated for the agreement), and the term.
    /// </summary>
    public static AuthorizationDisclosure Of(Agreement agreement, Organization organization, Plan plan)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(organization);
        ArgumentNullException.ThrowIfNull(plan);
        var version = plan.VersionRecord(agreement.PlanVersion ?? 1);
        return new AuthorizationDisclosure(
            agreement.Id, organization.Id, organization.Name, organization.CreditCode, plan.Title, plan.Mode, plan.Region,
            agreement.SelectionMethod, agreement.StartsOn, agreement.EndsOn, agreement.Status,
            agreement.PlanVersion ?? 1, version?.Scope, agreement.Scope, version?.CoImplementingDepartment ?? plan.CoImplementingDepartment);
    }
}

public sealed class DisclosureService(IAgreementStore agreements, IOrganizationStore organizations, IPlanStore plans)
{
    public const int MaxItems = 10_000;

    /// <summary>Every authorisation granted (live or ended), ordered by agreement id.</summary>
    public async Task<IReadOnlyList<AuthorizationDisclosure>> AuthorizationsAsync(CancellationToken cancellationToken = default)
    {
        var items = new List<AuthorizationDisclosure>();
        string? token = null;
        var operatorCache = new Dictionary<string, Organization?>();
        var planCache = new Dictionary<string, Plan?>();
        do
        {
            var (page, next) = await agreements.ListAsync(null, 200, token, cancellationToken);
            foreach (var agreement in page)
            {
                if (!operatorCache.TryGetValue(agreement.OperatorId, out var organization))
                {
                    organization = operatorCache[agreement.OperatorId] = (await organizations.GetAsync(agreement.OperatorId, cancellationToken))?.Value;
                }

                if (!planCache.TryGetValue(agreement.PlanId, out var plan))
                {
                    plan = planCache[agreement.PlanId] = (await plans.GetAsync(agreement.PlanId, cancellationToken))?.Value;
                }

                if (organization is null || plan is null)
                {
                    continue;
                }

                items.Add(AuthorizationDisclosure.Of(agreement, organization, plan));
            }

            token = next;
        }
        while (token is not null && items.Count < MaxItems);

        return items.OrderBy(i => i.AgreementId, StringComparer.Ordinal).ToList();
    }
}
