using System.Text;

namespace Platform.Domain.Resources;

/// <summary>Text search over the public catalogue: name and description, ignoring case and full-width forms.</summary>
public static class CatalogSearch
{
    public const int MaxQueryLength = 100;

    /// <summary>The query as it is compared; null when there is nothing to search for.</summary>
    public static string? Normalize(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return null;
        }

        // NFKC folds full-width letters and digits (common in Chinese input) into their ordinary forms.
        return query.Trim().Normalize(NormalizationForm.FormKC);
    }

    /// <summary>True when <paramref name="normalizedQuery"/> is a substring of the name or description; Chinese matches by characters.</summary>
    public static bool Matches(Resource resource, string normalizedQuery)
        => Contains(resource.Name, normalizedQuery) || Contains(resource.Description, normalizedQuery);

    private static bool Contains(string text, string query)
        => text.Normalize(NormalizationForm.FormKC).Contains(query, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// The public catalogue (M4.1): published resources only. Pages run in id (= registration) order; the
/// continuation token is the id of the last resource looked at, so a search that filters out rows still pages
/// exactly, and each request does a bounded amount of work.
/// </summary>
public sealed class CatalogService(IResourceStore store)
{
    /// <summary>Resources examined per request before a search answers with what it found so far.</summary>
    public const int MaxScannedPerRequest = 1000;

    private const int SearchBatchSize = 200;

    public async Task<(IReadOnlyList<Resource> Items, string? ContinuationToken)> ListAsync(string? query, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var normalized = CatalogSearch.Normalize(query);
        var items = new List<Resource>(pageSize);
        var cursor = continuationToken;
        var scanned = 0;
        while (true)
        {
            var wanted = normalized is null ? pageSize - items.Count : SearchBatchSize;
            var batch = await store.ListAfterAsync(ResourceStatus.Published, cursor, wanted, cancellationToken);
            foreach (var resource in batch)
            {
                cursor = resource.Id;
                scanned++;
                if (normalized is null || CatalogSearch.Matches(resource, normalized))
                {
                    items.Add(resource);
                    if (items.Count == pageSize)
                    {
                        return (items, cursor);
                    }
                }
            }

            if (batch.Count < wanted)
            {
                return (items, null);
            }

            if (scanned >= MaxScannedPerRequest)
            {
                return (items, cursor);
            }
        }
    }

    /// <summary>A published resource; anything else is 404, as if it did not exist.</summary>
    public async Task<Resource> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        return found is { Value.Status: ResourceStatus.Published } ? found.Value : throw ResourceRules.NotFound(id);
    }
}
