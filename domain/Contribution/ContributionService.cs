using Platform.Domain.Calendar;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Organizations;
using Platform.Domain.Products;
using Platform.Domain.Quality;
using Platform.Domain.Resources;
using Platform.Domain.Scenarios;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Contribution;

/// <summary>
/// The provider contribution score (M4.7.2): gathers the year's facts on data quality, review timeliness and usage and
/// hands them to the pure <see cref="ContributionScore"/> formula.
/// </summary>
public sealed class ContributionService(
    IOrganizationStore organizations,
    IQualityIssueStore issues,
    IResourceStore resources,
    IReviewTimelinessStore timeliness,
    IScenarioStore scenarios,
    IGrantStore grants,
    ICalendarStore calendars,
    IClock clock,
    TimeCompression compression,
    ContributionWeights weights,
    IProductReadModel products)
{
    public const int MinYear = 2000;
    private const int PageSize = 200;
    private const int MaxScanned = 20_000;

    /// <summary>The score of <paramref name="providerId"/> for <paramref name="year"/> (default: the current CST year); the provider itself, the authority and supervisors.</summary>
    public async Task<ContributionReport> GetAsync(string providerId, int? year, Caller caller, CancellationToken cancellationToken = default)
    {
        var mayRead = caller.Role is Roles.Authority or Roles.Supervisor || (caller.Role == Roles.Provider && caller.Organization == providerId);
        var provider = mayRead ? (await organizations.GetAsync(providerId, cancellationToken))?.Value : null;
        // Object-level access: another organisation learns nothing, not even whether the provider exists.
        if (provider is null || provider.Kind != OrganizationKind.Provider)
        {
            throw new DomainException(FailureKind.NotFound, "organization.not_found", $"Provider '{providerId}' does not exist.");
        }

        var now = clock.UtcNow;
        var currentYear = ChinaTime.LegalDate(now).Year;
        var scoredYear = year ?? currentYear;
        if (scoredYear < MinYear || scoredYear > currentYear)
        {
            throw new DomainException(FailureKind.BadRequest, "request.invalid_query", $"year must be from {MinYear} to {currentYear}; got {scoredYear}.",
                new Dictionary<string, string[]> { ["year"] = [$"From {MinYear} to {currentYear}."] });
        }

        var quality = ContributionScore.CountQuality(await issues.ListForProviderAsync(providerId, scoredYear, cancellationToken),
            await CountPublishedResourcesAsync(providerId, cancellationToken), now, compression);
        var calendar = await calendars.LoadAsync(scoredYear, scoredYear + 1, cancellationToken);
        var reviews = ContributionScore.CountTimeliness(await timeliness.ListAsync(providerId, scoredYear, cancellationToken), calendar, now, compression);
        var productCounts = await products.CountForProviderAsync(providerId, scoredYear, cancellationToken);
        var usage = new UsageInputs(
            await CountScenariosAsync(providerId, scoredYear, cancellationToken),
            await CountGrantsAsync(providerId, scoredYear, cancellationToken),
            productCounts.Published,
            productCounts.Calls);
        return ContributionScore.Compute(providerId, scoredYear, quality, reviews, usage, weights, now);
    }

    private async Task<int> CountPublishedResourcesAsync(string providerId, CancellationToken cancellationToken)
    {
        var count = 0;
        string? token = null;
        do
        {
            var (page, next) = await resources.ListAsync(providerId, ResourceStatus.Published, PageSize, token, cancellationToken);
            count += page.Count;
            token = next;
        }
        while (token is not null && count < MaxScanned);

        return count;
    }

    /// <summary>Scenarios approved in the year (CST) whose data needs name the provider.</summary>
    private async Task<int> CountScenariosAsync(string providerId, int year, CancellationToken cancellationToken)
    {
        var count = 0;
        var scanned = 0;
        string? token = null;
        do
        {
            var (page, next) = await scenarios.ListAsync(null, PageSize, token, cancellationToken);
            scanned += page.Count;
            count += page.Count(s => s.Status == ScenarioStatus.Approved
                                     && s.Content.DataNeeds.Any(n => n.ProviderId == providerId)
                                     && ChinaTime.LegalDate(s.CurrentRound.EndedAt ?? s.UpdatedAt).Year == year);
            token = next;
        }
        while (token is not null && scanned < MaxScanned);

        return count;
    }

    /// <summary>Grants over the provider's data issued in the year (CST).</summary>
    private async Task<int> CountGrantsAsync(string providerId, int year, CancellationToken cancellationToken)
    {
        var count = 0;
        var scanned = 0;
        string? token = null;
        do
        {
            var (page, next) = await grants.ListAsync(null, PageSize, token, cancellationToken);
            scanned += page.Count;
            count += page.Count(g => g.ProviderId == providerId && ChinaTime.LegalDate(g.IssuedAt).Year == year);
            token = next;
        }
        while (token is not null && scanned < MaxScanned);

        return count;
    }
}
