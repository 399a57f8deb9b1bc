using Platform.Domain.Resources;

namespace Platform.Domain.Portal;

/// <summary>
/// The catalogue page's search and filters (M4.1): text in name and description (as the catalogue API searches), and
/// exact domain, provider and update frequency. Empty parts do not filter.
/// </summary>
public sealed record CatalogFilter(string? Query, string? Domain, string? ProviderId, string? UpdateFrequency)
{
    public bool IsEmpty => Query is null && Domain is null && ProviderId is null && UpdateFrequency is null;

    /// <summary>Published resources that match, in id (registration) order.</summary>
    public IReadOnlyList<Resource> Apply(IEnumerable<Resource> resources)
    {
        var normalized = CatalogSearch.Normalize(Query);
        return resources
            .Where(r => r.Status == ResourceStatus.Published) // M4.1: only the published catalogue is public
            .Where(r => normalized is null || CatalogSearch.Matches(r, normalized))
            .Where(r => Domain is null || string.Equals(r.Domain, Domain, StringComparison.Ordinal))
            .Where(r => ProviderId is null || string.Equals(r.ProviderId, ProviderId, StringComparison.Ordinal))
            .Where(r => UpdateFrequency is null || string.Equals(r.UpdateFrequency, UpdateFrequency, StringComparison.Ordinal))
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The choices a filter offers: the distinct values among the published resources, sorted.</summary>
    public static IReadOnlyList<string> Choices(IEnumerable<Resource> resources, Func<Resource, string> value)
        => resources.Select(value).Where(v => !string.IsNullOrWhiteSpace(v)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
