using Platform.Domain.Security;

namespace Platform.Domain.Products;

/// <summary>Data products, what HTTP reads: one record (object-level access by <see cref="ProductRules.MayRead"/>), lists and usage.</summary>
public sealed class ProductQueries(IProductStore store, IProductUsageStore usage)
{
    public async Task<Versioned<Product>> GetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        if (found is null || !ProductRules.MayRead(found.Value, caller))
        {
            throw ProductRules.NotFound(id);
        }

        return found;
    }

    public Task<(IReadOnlyList<Product> Items, string? ContinuationToken)> ListAsync(Caller caller, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => store.ListAsync(caller.Role is Roles.Authority or Roles.Supervisor ? null : caller.Organization, pageSize, continuationToken, cancellationToken);

    public Task<(IReadOnlyList<Product> Items, string? ContinuationToken)> ListPublishedAsync(ProductKind? kind, string? useCategory, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => store.ListPublishedAsync(kind, useCategory, pageSize, continuationToken, cancellationToken);

    public async Task<IReadOnlyList<ProductCallMeter>> UsageAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var product = (await GetAsync(id, caller, cancellationToken)).Value;
        if (!(caller.Role is Roles.Authority or Roles.Supervisor || caller.Organization == product.OwnerOrgId))
        {
            throw ProductRules.NotFound(id);
        }

        return await usage.ListAsync(id, cancellationToken);
    }
}
