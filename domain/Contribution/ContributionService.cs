using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Contribution;

/// <summary>
/// The provider contribution score (M4.7.2): gathers the year's facts on data quality, review timeliness and usage and
/// hands them to the pure <see cref="ContributionScore"/> formula.
/// </summary>
public sealed class ContributionService(
    IOrganizationStore organizations,
    ProviderQualityFacts qualityFacts,
    ProviderTimelinessFacts timelinessFacts,
    ProviderUsageFacts usageFacts,
    IClock clock,
    TimeCompression compression,
    ContributionWeights weights)
{
    public const int MinYear = 2000;

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

        var quality = await qualityFacts.GatherAsync(providerId, scoredYear, now, compression, cancellationToken);
        var reviews = await timelinessFacts.GatherAsync(providerId, scoredYear, now, compression, cancellationToken);
        var usage = await usageFacts.GatherAsync(providerId, scoredYear, cancellationToken);
        return ContributionScore.Compute(providerId, scoredYear, quality, reviews, usage, weights, now);
    }
}
