using Platform.Domain.DataRequests;
using Platform.Domain.Grants;
using Platform.Domain.Products;
using Platform.Domain.Quality;
using Platform.Domain.Resources;
using Platform.Domain.Scenarios;
using Platform.Domain.Time;

namespace Platform.Domain.Contribution;

/// <summary>Counts records page by page with a bound on how many are read, so one provider's score never scans without end.</summary>
internal static class PagedCount
{
    public const int PageSize = 200;
    public const int MaxScanned = 20_000;

    public static async Task<int> CountAsync<T>(Func<string?, Task<(IReadOnlyList<T> Page, string? Next)>> readPage, Func<T, bool> counts)
    {
        var count = 0;
        var scanned = 0;
        string? token = null;
        do
        {
            var (page, next) = await readPage(token);
            scanned += page.Count;
            count += page.Count(counts);
            token = next;
        }
        while (token is not null && scanned < MaxScanned);

        return count;
    }
}

/// <summary>The data-quality facts of a provider's year (M4.7.1, M4.7.2): its quality tickets and published resources.</summary>
public sealed class ProviderQualityFacts(IQualityIssueStore issues, IResourceStore resources)
{
    public async Task<DataQualityInputs> GatherAsync(string providerId, int year, DateTimeOffset nowUtc, TimeCompression compression, CancellationToken cancellationToken)
    {
        var published = await PagedCount.CountAsync(
            token => resources.ListAsync(providerId, ResourceStatus.Published, PagedCount.PageSize, token, cancellationToken), _ => true);
        return ContributionScore.CountQuality(await issues.ListForProviderAsync(providerId, year, cancellationToken), published, nowUtc, compression);
    }
}

/// <summary>The usage facts of a provider's year (M4.7.2): approved scenarios that need its data, grants over it, products built on it.</summary>
public sealed class ProviderUsageFacts(IScenarioStore scenarios, IGrantStore grants, IProductReadModel products)
{
    public async Task<UsageInputs> GatherAsync(string providerId, int year, CancellationToken cancellationToken)
    {
        // Scenarios approved in the year (CST) whose data needs name the provider.
        var approvedScenarios = await PagedCount.CountAsync(
            token => scenarios.ListAsync(null, PagedCount.PageSize, token, cancellationToken),
            s => s.Status == ScenarioStatus.Approved
                 && s.Content.DataNeeds.Any(n => n.ProviderId == providerId)
                 && ChinaTime.LegalDate(s.CurrentRound.EndedAt ?? s.UpdatedAt).Year == year);
        // Grants over the provider's data issued in the year (CST).
        var issuedGrants = await PagedCount.CountAsync(
            token => grants.ListAsync(null, PagedCount.PageSize, token, cancellationToken),
            g => g.ProviderId == providerId && ChinaTime.LegalDate(g.IssuedAt).Year == year);
        var productCounts = await products.CountForProviderAsync(providerId, year, cancellationToken);
        return new UsageInputs(approvedScenarios, issuedGrants, productCounts.Published, productCounts.Calls);
    }
}

/// <summary>The review-timeliness facts of a provider's year (M4.3, M4.7.2), measured on the working-day calendar.</summary>
public sealed class ProviderTimelinessFacts(IReviewTimelinessStore timeliness, Calendar.ICalendarStore calendars)
{
    public async Task<ReviewTimelinessInputs> GatherAsync(string providerId, int year, DateTimeOffset nowUtc, TimeCompression compression, CancellationToken cancellationToken)
    {
        var calendar = await calendars.LoadAsync(year, year + 1, cancellationToken);
        return ContributionScore.CountTimeliness(await timeliness.ListAsync(providerId, year, cancellationToken), calendar, nowUtc, compression);
    }
}
