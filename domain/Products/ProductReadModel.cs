using Platform.Domain.Time;

namespace Platform.Domain.Products;

/// <summary>What oversight reads of the products (<see cref="IProductReadModel"/>).</summary>
public sealed class ProductReadModel(IProductStore store, IProductUsageStore usage) : IProductReadModel
{
    public async Task<IReadOnlyList<PublishedProductSummary>> ListPublishedAsync(string? operatorId, CancellationToken cancellationToken = default)
    {
        var published = await store.FindAsync(new ProductQuery(OperatorId: operatorId, Status: ProductStatus.Published), cancellationToken);
        return published.OrderBy(p => p.Id, StringComparer.Ordinal).Select(Summary).ToList();
    }

    public async Task<ProductActivityCounts> CountForOwnerAsync(string orgId, int year, CancellationToken cancellationToken = default)
        => await CountAsync(await store.FindAsync(new ProductQuery(OwnerOrgId: orgId), cancellationToken), year, cancellationToken);

    public async Task<ProductActivityCounts> CountForProviderAsync(string providerId, int year, CancellationToken cancellationToken = default)
    {
        var all = await store.FindAsync(new ProductQuery(), cancellationToken);
        return await CountAsync(all.Where(p => p.ProviderIds.Contains(providerId, StringComparer.Ordinal)).ToList(), year, cancellationToken);
    }

    public static PublishedProductSummary Summary(Product p)
        => new(p.Id, p.OperatorId, p.OwnerOrgId, p.Name, p.Kind, p.UseCategory, p.Price, p.Registration?.Number ?? "", p.Registration?.RegisteredOn ?? default,
            p.ResourceIds, p.ProviderIds, p.DerivedFrom);

    private async Task<ProductActivityCounts> CountAsync(IReadOnlyList<Product> products, int year, CancellationToken cancellationToken)
    {
        var submitted = products.Count(p => ChinaTime.LegalDate(p.CreatedAt).Year == year);
        var published = products.Count(p => p.Status == ProductStatus.Published && p.Registration?.RegisteredOn.Year == year);
        long calls = 0;
        foreach (var product in products.Where(p => p.Kind == ProductKind.Api && p.Registration is not null))
        {
            calls += (await usage.ListAsync(product.Id, cancellationToken)).Where(m => m.Day.Year == year).Sum(m => m.Calls);
        }

        return new ProductActivityCounts(submitted, published, calls);
    }
}
