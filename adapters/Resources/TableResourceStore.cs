using System.Text.Json;
using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Resources;

namespace Platform.Adapters.Resources;

public sealed class TableResourceStore(TableServiceClient tables) : IResourceStore
{
    /// <summary>
    /// A Table storage string property holds at most 64 KiB of UTF-16, i.e. 32 Ki characters; the record is one JSON
    /// property, so a resource with very many or very long field definitions is refused with a clear message rather
    /// than a storage error.
    /// </summary>
    public const int MaxRecordCharacters = 32 * 1024 - 512;

    private readonly JsonTableStore<Resource> _store = new(tables, "resources", "resource", "resource");

    public Task<string> AddAsync(Resource resource, CancellationToken cancellationToken = default)
    {
        EnsureStorable(resource);
        return _store.AddAsync(resource.Id, resource, null, Columns(resource), cancellationToken);
    }

    public Task<Versioned<Resource>?> GetAsync(string id, CancellationToken cancellationToken = default) => _store.GetAsync(id, cancellationToken);

    public Task<string> ReplaceAsync(Resource resource, string ifMatch, CancellationToken cancellationToken = default)
    {
        EnsureStorable(resource);
        return _store.ReplaceAsync(resource.Id, resource, ifMatch, Columns(resource), cancellationToken);
    }

    public Task<(IReadOnlyList<Resource> Items, string? ContinuationToken)> ListAsync(string? providerId, ResourceStatus? status, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
    {
        var filters = new List<string>();
        if (providerId is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"ProviderId eq {providerId}"));
        }

        if (status is { } wanted)
        {
            filters.Add(TableClient.CreateQueryFilter($"Status eq {ResourceRules.Wire(wanted)}"));
        }

        return _store.QueryAsync(filters.Count == 0 ? null : string.Join(" and ", filters), pageSize, continuationToken, cancellationToken);
    }

    public async Task<IReadOnlyList<Resource>> ListAfterAsync(ResourceStatus status, string? afterId, int count, CancellationToken cancellationToken = default)
    {
        var filter = afterId is null
            ? TableClient.CreateQueryFilter($"Status eq {ResourceRules.Wire(status)}")
            : TableClient.CreateQueryFilter($"Status eq {ResourceRules.Wire(status)} and RowKey gt {afterId}");
        var found = new List<Resource>(count);
        string? token = null;
        do
        {
            // A page may come back short with a continuation token (server time or size limits): keep reading.
            var (items, next) = await _store.QueryAsync(filter, count - found.Count, token, cancellationToken);
            found.AddRange(items);
            token = next;
        }
        while (token is not null && found.Count < count);

        return found;
    }

    private static void EnsureStorable(Resource resource)
    {
        var length = JsonSerializer.Serialize(resource, StorageJson.Options).Length;
        if (length > MaxRecordCharacters)
        {
            throw new DomainException(FailureKind.Unprocessable, "resource.too_large",
                $"The resource description takes {length} characters, more than the {MaxRecordCharacters} a catalogue record holds; declare fewer fields or shorter names and texts.",
                new Dictionary<string, string[]> { ["fields"] = ["Too many or too long field definitions."] });
        }
    }

    private static Dictionary<string, object> Columns(Resource resource)
    {
        var columns = new Dictionary<string, object>
        {
            ["ProviderId"] = resource.ProviderId,
            ["Status"] = ResourceRules.Wire(resource.Status),
        };
        if (resource.SharedFrom is not null)
        {
            columns["SharedFrom"] = resource.SharedFrom;
        }

        return columns;
    }
}
