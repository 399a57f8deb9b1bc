using Platform.Domain.Agreements;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Organizations;
using Platform.Domain.Plans;
using Platform.Domain.Products;
using Platform.Domain.Time;

namespace Platform.Domain.Disclosure;

/// <summary>
/// One resource an operator holds a grant over (M4.7.4 resource usage): which resource of which provider, how many
/// fields were granted and for how long. Never field values, never people.
/// </summary>
public sealed record ResourceUsageDisclosure(
    string GrantId,
    string AgreementId,
    string ResourceId,
    string ResourceName,
    string ProviderId,
    string ProviderName,
    int GrantedFieldCount,
    DateTimeOffset GrantedAt,
    DateTimeOffset ExpiresAt,
    GrantStatus Status);

/// <summary>What the public sees of one operator (M4.7.4): its authorisations, its published products and services with prices, and its resource usage.</summary>
public sealed record OperatorDisclosure(
    string OperatorId,
    string OperatorName,
    string OperatorCreditCode,
    string Region,
    IReadOnlyList<AuthorizationDisclosure> Authorizations,
    IReadOnlyList<PublishedProductSummary> Products,
    IReadOnlyList<ResourceUsageDisclosure> ResourceUsage,
    Oversight.Reexamination? Reexamination = null);

/// <summary>A calendar year in China Standard Time, as instants: [start, end).</summary>
public sealed record DisclosurePeriod(int Year)
{
    public DateOnly FirstDay => new(Year, 1, 1);

    public DateOnly LastDay => new(Year, 12, 31);

    public DateTimeOffset StartUtc => ChinaTime.StartOfDayUtc(FirstDay);

    public DateTimeOffset EndUtc => ChinaTime.EndOfDayUtc(LastDay);
}

/// <summary>
/// Builds an operator's public disclosure from the records; products come from the product read model.
/// </summary>
public sealed class OperatorDisclosureService(
    IOrganizationStore organizations,
    IAgreementStore agreements,
    IPlanStore plans,
    IGrantStore grants,
    IClock clock,
    IProductReadModel products,
    Oversight.IEvaluationStore evaluations)
{
    private const int PageSize = 200;

    /// <summary>The operator's disclosure as of now; 404 <c>organization.not_found</c> for an unknown id or another kind of organisation.</summary>
    public async Task<OperatorDisclosure> GetAsync(string operatorId, CancellationToken cancellationToken = default)
    {
        var organization = (await organizations.GetAsync(operatorId, cancellationToken))?.Value;
        if (organization is null || organization.Kind != OrganizationKind.Operator)
        {
            throw new DomainException(FailureKind.NotFound, "organization.not_found", $"Operator '{operatorId}' does not exist.");
        }

        return await BuildAsync(organization, null, cancellationToken);
    }

    /// <summary>
    /// The disclosure of <paramref name="organization"/>; with a <paramref name="period"/>, only authorisations whose term
    /// overlaps it, products registered by its end and grants held at some time during it (yearly snapshots).
    /// Statuses are those at the moment of building.
    /// </summary>
    public async Task<OperatorDisclosure> BuildAsync(Organization organization, DisclosurePeriod? period, CancellationToken cancellationToken = default)
    {
        var now = clock.UtcNow;
        var authorizations = new List<AuthorizationDisclosure>();
        var planCache = new Dictionary<string, Plan?>();
        string? token = null;
        do
        {
            var (page, next) = await agreements.ListAsync(organization.Id, PageSize, token, cancellationToken);
            foreach (var agreement in page.Where(a => period is null || (a.StartsOn <= period.LastDay && a.EndsOn >= period.FirstDay)))
            {
                if (!planCache.TryGetValue(agreement.PlanId, out var plan))
                {
                    plan = planCache[agreement.PlanId] = (await plans.GetAsync(agreement.PlanId, cancellationToken))?.Value;
                }

                if (plan is not null)
                {
                    authorizations.Add(AuthorizationDisclosure.Of(agreement, organization, plan));
                }
            }

            token = next;
        }
        while (token is not null);

        var published = await products.ListPublishedAsync(organization.Id, cancellationToken);
        var productList = published
            .Where(p => period is null || p.RegisteredOn <= period.LastDay)
            .OrderBy(p => p.Id, StringComparer.Ordinal)
            .ToList();

        var usage = new List<ResourceUsageDisclosure>();
        var providerNames = new Dictionary<string, string>();
        do
        {
            var (page, next) = await grants.ListAsync(organization.Id, PageSize, token, cancellationToken);
            foreach (var grant in page.Where(g => period is null || HeldDuring(g, period)))
            {
                foreach (var table in grant.Tables)
                {
                    if (!providerNames.TryGetValue(table.ProviderId, out var providerName))
                    {
                        providerName = providerNames[table.ProviderId] = (await organizations.GetAsync(table.ProviderId, cancellationToken))?.Value.Name ?? "";
                    }

                    usage.Add(new ResourceUsageDisclosure(
                        grant.Id, grant.AgreementId, table.ResourceId, table.ResourceName, table.ProviderId, providerName, table.Fields.Count,
                        grant.IssuedAt, grant.ExpiresAt, StatusAt(grant, now)));
                }
            }

            token = next;
        }
        while (token is not null);

        return new OperatorDisclosure(
            organization.Id, organization.Name, organization.CreditCode, organization.Region,
            authorizations.OrderBy(a => a.AgreementId, StringComparer.Ordinal).ToList(),
            productList,
            usage.OrderBy(u => u.GrantId, StringComparer.Ordinal).ThenBy(u => u.ResourceId, StringComparer.Ordinal).ToList(),
            // M5.7: an operator under re-examination after a fail evaluation is disclosed as such.
            Oversight.ReexaminationRules.Pending(await evaluations.ListByOperatorAsync(organization.Id, cancellationToken)));
    }

    /// <summary>Held at some moment of the period: issued before it ended, and neither expired nor revoked before it began.</summary>
    public static bool HeldDuring(Grant grant, DisclosurePeriod period)
    {
        var heldUntil = grant.RevokedAt is { } revokedAt && revokedAt < grant.ExpiresAt ? revokedAt : grant.ExpiresAt;
        return grant.IssuedAt < period.EndUtc && heldUntil > period.StartUtc;
    }

    private static GrantStatus StatusAt(Grant grant, DateTimeOffset now)
        => grant.RevokedAt is not null || grant.Status == GrantStatus.Revoked ? GrantStatus.Revoked : grant.StatusAt(now);
}
