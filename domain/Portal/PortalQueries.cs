using Platform.Domain.Organizations;
using Platform.Domain.Products;
using Platform.Domain.Resources;

namespace Platform.Domain.Portal;

/// <summary>One event of a resource's public update history (dates only, never who did it).</summary>
public sealed record ResourceHistoryEntry(DateTimeOffset At, string Event);

/// <summary>A published product as the public sees it (M4.5, M4.7.4): never its review rounds, sources, consent evidence or scenario.</summary>
public sealed record PublicProduct(
    string Id,
    string Name,
    string Description,
    ProductKind Kind,
    string UseCategory,
    decimal Price,
    string PriceBasis,
    string OperatorId,
    string OperatorName,
    string RegistrationNumber,
    DateOnly RegisteredOn,
    string? DerivedFrom,
    IReadOnlyList<PublicProductSource> DataUsed);

/// <summary>A resource a product uses: its name and provider (field names, never values).</summary>
public sealed record PublicProductSource(string ResourceId, string ResourceName, string ProviderName, int FieldCount);

/// <summary>Reads the published catalogue for the portal (M4.1: published resources only) and the names of organisations.</summary>
public sealed class PortalCatalog(IResourceStore resources, IOrganizationStore organizations)
{
    /// <summary>At most this many published resources are read for one page (the portal's filters work in memory).</summary>
    public const int MaxResources = 5000;

    private const int Batch = 500;

    public async Task<IReadOnlyList<Resource>> PublishedAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<Resource>();
        string? after = null;
        while (all.Count < MaxResources)
        {
            var batch = await resources.ListAfterAsync(ResourceStatus.Published, after, Batch, cancellationToken);
            all.AddRange(batch.Where(r => r.Status == ResourceStatus.Published));
            if (batch.Count < Batch)
            {
                break;
            }

            after = batch[^1].Id;
        }

        return all;
    }

    /// <summary>Organisation names by id (an unknown id maps to an empty name).</summary>
    public async Task<IReadOnlyDictionary<string, string>> NamesAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            names[id] = (await organizations.GetAsync(id, cancellationToken))?.Value.Name ?? "";
        }

        return names;
    }

    /// <summary>
    /// The public update history of a resource (M4.1): registered, data uploaded, submitted, reviewed, published — the
    /// dates only, oldest first; who uploaded or reviewed is internal and not shown.
    /// </summary>
    public static IReadOnlyList<ResourceHistoryEntry> History(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var entries = new List<ResourceHistoryEntry> { new(resource.CreatedAt, "登记数据资源") };
        if (resource.Data is { } data)
        {
            entries.Add(new ResourceHistoryEntry(data.UploadedAt, "更新数据"));
        }

        if (resource.SubmittedAt is { } submitted)
        {
            entries.Add(new ResourceHistoryEntry(submitted, "提交审核并生成脱敏样例"));
        }

        if (resource.PublishedAt is { } published)
        {
            entries.Add(new ResourceHistoryEntry(published, "审核通过并发布"));
        }

        return entries.OrderBy(e => e.At).ToList();
    }
}

/// <summary>Reads the published products for the portal (M4.5, M4.7.4), their price basis (M4.5.3) and their call meters.</summary>
public sealed class PortalProducts(IProductReadModel readModel, IProductStore products, IProductUsageStore usage, IPriceCapStore caps, IResourceStore resources, IOrganizationStore organizations)
{
    public Task<IReadOnlyList<PublishedProductSummary>> PublishedAsync(CancellationToken cancellationToken = default)
        => readModel.ListPublishedAsync(null, cancellationToken);

    /// <summary>
    /// A published product's public page; 404 <c>product.not_found</c> for one in review, rejected or withdrawn (their
    /// records are internal).
    /// </summary>
    public async Task<PublicProduct> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var product = (await products.GetAsync(id, cancellationToken))?.Value;
        if (product is not { Status: ProductStatus.Published }) // M4.5.1, M4.7.4: only a published product is public
        {
            throw ProductRules.NotFound(id);
        }

        var cap = product.UseCategory == ProductRules.Industry ? (await caps.GetAsync(product.Kind, cancellationToken))?.Value : null;
        var operatorName = (await organizations.GetAsync(product.OperatorId, cancellationToken))?.Value.Name ?? "";
        var sources = new List<PublicProductSource>();
        foreach (var used in product.UsedData)
        {
            var resource = (await resources.GetAsync(used.ResourceId, cancellationToken))?.Value;
            var provider = (await organizations.GetAsync(used.ProviderId, cancellationToken))?.Value.Name ?? "";
            sources.Add(new PublicProductSource(used.ResourceId, resource?.Name ?? "", provider, used.Fields.Count));
        }

        return new PublicProduct(
            product.Id, product.Name, product.Description, product.Kind, product.UseCategory, product.Price,
            PriceBasis.Describe(product.UseCategory, product.Price, cap), product.OperatorId, operatorName,
            product.Registration?.Number ?? "", product.Registration?.RegisteredOn ?? default, product.DerivedFrom, sources);
    }

    /// <summary>Call meters of the published API products (only API products are called, M4.5.2).</summary>
    public async Task<IReadOnlyList<ProductCallMeter>> MetersAsync(IEnumerable<PublishedProductSummary> published, CancellationToken cancellationToken = default)
    {
        var meters = new List<ProductCallMeter>();
        foreach (var product in published.Where(p => p.Kind == ProductKind.Api))
        {
            meters.AddRange(await usage.ListAsync(product.Id, cancellationToken));
        }

        return meters;
    }

    /// <summary>The price basis shown in the product list, per product (caps read once per kind).</summary>
    public async Task<IReadOnlyDictionary<string, string>> PriceBasesAsync(IEnumerable<PublishedProductSummary> published, CancellationToken cancellationToken = default)
    {
        var capsByKind = new Dictionary<ProductKind, PriceCap?>();
        var bases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var product in published)
        {
            PriceCap? cap = null;
            if (product.UseCategory == ProductRules.Industry && !capsByKind.TryGetValue(product.Kind, out cap))
            {
                cap = capsByKind[product.Kind] = (await caps.GetAsync(product.Kind, cancellationToken))?.Value;
            }

            bases[product.Id] = PriceBasis.Describe(product.UseCategory, product.Price, cap);
        }

        return bases;
    }
}
