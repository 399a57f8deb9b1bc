using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Organizations;
using Platform.Domain.Products;

namespace Platform.Adapters.Products;

/// <summary>Products in table <c>products</c>, with the columns the lists filter on (owner, operator, agreement, status, kind, use category).</summary>
public sealed class TableProductStore(TableServiceClient tables) : IProductStore
{
    private const int ScanPageSize = 200;
    private readonly JsonTableStore<Product> _store = new(tables, "products", "product", "product");

    public Task<string> AddAsync(Product product, CancellationToken cancellationToken = default)
        => _store.AddAsync(product.Id, product, null, Columns(product), cancellationToken);

    public Task<Versioned<Product>?> GetAsync(string id, CancellationToken cancellationToken = default)
        => TableKeys.IsValid(id) ? _store.GetAsync(id, cancellationToken) : Task.FromResult<Versioned<Product>?>(null);

    public Task<string> ReplaceAsync(Product product, string ifMatch, CancellationToken cancellationToken = default)
        => _store.ReplaceAsync(product.Id, product, ifMatch, Columns(product), cancellationToken);

    public Task<(IReadOnlyList<Product> Items, string? ContinuationToken)> ListAsync(string? ownerOrgId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => _store.QueryAsync(ownerOrgId is null ? null : TableClient.CreateQueryFilter($"OwnerOrgId eq {ownerOrgId}"), pageSize, continuationToken, cancellationToken);

    public Task<(IReadOnlyList<Product> Items, string? ContinuationToken)> ListPublishedAsync(ProductKind? kind, string? useCategory, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"Status eq {ProductWire.Of(ProductStatus.Published)}");
        if (kind is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Kind eq {ProductWire.Of(kind.Value)}");
        }

        if (useCategory is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"UseCategory eq {useCategory}");
        }

        return _store.QueryAsync(filter, pageSize, continuationToken, cancellationToken);
    }

    public async Task<IReadOnlyList<Product>> FindAsync(ProductQuery query, CancellationToken cancellationToken = default)
    {
        var filters = new List<string>();
        if (query.OwnerOrgId is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"OwnerOrgId eq {query.OwnerOrgId}"));
        }

        if (query.OperatorId is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"OperatorId eq {query.OperatorId}"));
        }

        if (query.AgreementId is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"AgreementId eq {query.AgreementId}"));
        }

        if (query.Status is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"Status eq {ProductWire.Of(query.Status.Value)}"));
        }

        return await _store.QueryAllAsync(filters.Count == 0 ? null : string.Join(" and ", filters), ScanPageSize, cancellationToken);
    }

    private static Dictionary<string, object> Columns(Product product) => new()
    {
        ["OwnerOrgId"] = product.OwnerOrgId,
        ["OperatorId"] = product.OperatorId,
        ["AgreementId"] = product.AgreementId ?? "",
        ["Status"] = ProductWire.Of(product.Status),
        ["Kind"] = ProductWire.Of(product.Kind),
        ["UseCategory"] = product.UseCategory,
    };

}
