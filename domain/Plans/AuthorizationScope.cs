using Platform.Domain.Errors;

namespace Platform.Domain.Plans;

/// <summary>A data domain of a <c>domain</c>-mode plan and the providers it covers (none listed = every provider of the region).</summary>
public sealed record DomainScope(string Domain, IReadOnlyList<string> ProviderIds);

/// <summary>The facts about one resource that decide whether a scope covers it.</summary>
/// <param name="ProviderRegion">The GB/T 2260 code of the provider's organisation; null when the provider is unknown.</param>
/// <param name="Domain">The resource's catalogue domain; null when the resource is not (yet) in the catalogue.</param>
public sealed record ScopedResource(string ResourceId, string? ProviderId, string? ProviderRegion, string? Domain);

/// <summary>
/// What an authorisation covers (M3.3 "授权范围", M5.5.4 "不得超授权范围"): the resources listed by id, the providers of
/// listed domains, and in <c>whole</c> mode every resource of a provider inside the region (GB/T 2260).
/// </summary>
public sealed record AuthorizationScope(PlanMode Mode, string Region, IReadOnlyList<string> ResourceIds, IReadOnlyList<DomainScope> Domains)
{
    public const string OutsideCode = "scope.outside_authorization";

    // M3.3, M5.5.4: data is used only within the authorised scope. A listed resource id is covered; a listed domain
    // covers its providers' resources of that domain (inside the region); whole mode covers every provider of the region.
    public bool Covers(ScopedResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (ResourceIds.Contains(resource.ResourceId, StringComparer.Ordinal))
        {
            return true;
        }

        var inRegion = resource.ProviderRegion is not null && RegionCodes.Covers(Region, resource.ProviderRegion);
        if (!inRegion || resource.ProviderId is null)
        {
            return false;
        }

        if (Mode == PlanMode.Whole)
        {
            return true;
        }

        return resource.Domain is not null && Domains.Any(d =>
            string.Equals(d.Domain, resource.Domain, StringComparison.Ordinal)
            && (d.ProviderIds.Count == 0 || d.ProviderIds.Contains(resource.ProviderId, StringComparer.Ordinal)));
    }

    /// <summary>
    /// True when everything <paramref name="narrower"/> could cover is covered here too (an agreement may state a narrower
    /// scope than its plan, M3.4): its region lies inside this region, and in non-whole mode its listed ids and domains are
    /// listed here too.
    /// </summary>
    public bool Contains(AuthorizationScope narrower)
    {
        ArgumentNullException.ThrowIfNull(narrower);
        if (!RegionCodes.Covers(Region, narrower.Region))
        {
            return false;
        }

        if (Mode == PlanMode.Whole)
        {
            return true;
        }

        return narrower.Mode != PlanMode.Whole
            && narrower.ResourceIds.All(id => ResourceIds.Contains(id, StringComparer.Ordinal))
            && narrower.Domains.All(n => Domains.Any(d => d.Domain == n.Domain
                && (d.ProviderIds.Count == 0 || (n.ProviderIds.Count > 0 && n.ProviderIds.All(p => d.ProviderIds.Contains(p, StringComparer.Ordinal))))));
    }

    /// <summary>422 <c>scope.outside_authorization</c>, each error naming the field and the resource it refers to.</summary>
    public static DomainException Outside(IReadOnlyDictionary<string, string> resourceByField)
    {
        ArgumentNullException.ThrowIfNull(resourceByField);
        return new DomainException(FailureKind.Unprocessable, OutsideCode,
            $"Outside the authorised scope (M3.3, M5.5.4): {string.Join(", ", resourceByField.Values.Distinct(StringComparer.Ordinal))}.",
            resourceByField.ToDictionary(p => p.Key, p => new[] { $"Resource '{p.Value}' is outside the scope of the agreement's authorisation." }));
    }
}

/// <summary>GB/T 2260 administrative division codes: 6 digits, province (2), prefecture (2), county (2).</summary>
public static class RegionCodes
{
    /// <summary>
    /// True when <paramref name="code"/> is <paramref name="region"/> or one of its sub-divisions: 420000 (Hubei) covers
    /// 420100 (Wuhan) and 420102; 420100 covers 4201xx; a county code covers only itself.
    /// </summary>
    public static bool Covers(string region, string code)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(code);
        if (region.Length != 6 || code.Length != 6)
        {
            return false;
        }

        var prefix = region.EndsWith("0000", StringComparison.Ordinal) ? region[..2]
            : region.EndsWith("00", StringComparison.Ordinal) ? region[..4]
            : region;
        return code.StartsWith(prefix, StringComparison.Ordinal);
    }
}
