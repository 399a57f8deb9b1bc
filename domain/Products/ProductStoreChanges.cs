using Platform.Domain.Common;

namespace Platform.Domain.Products;

public static class ProductStoreChanges
{
    /// <summary>Decisions and the revocation step may write at the same time: applies the change again on top of the newer record.</summary>
    public static Task<(Product Product, bool Changed)> ChangeWithRetryAsync(this IProductStore store, string id, Func<Product, Product> change, CancellationToken cancellationToken)
        => OptimisticChange.ApplyAsync(ct => store.GetAsync(id, ct), store.ReplaceAsync, change, () => ProductRules.NotFound(id), cancellationToken);
}
