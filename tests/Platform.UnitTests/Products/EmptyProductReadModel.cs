using Platform.Domain.Products;

namespace Platform.UnitTests.Products;

/// <summary>A product read model of a platform on which no product exists yet.</summary>
public sealed class EmptyProductReadModel : IProductReadModel
{
    public static readonly EmptyProductReadModel Instance = new();

    public Task<IReadOnlyList<PublishedProductSummary>> ListPublishedAsync(string? operatorId, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<PublishedProductSummary>>([]);

    public Task<ProductActivityCounts> CountForOwnerAsync(string orgId, int year, CancellationToken cancellationToken = default)
        => Task.FromResult(new ProductActivityCounts(0, 0, 0));

    public Task<ProductActivityCounts> CountForProviderAsync(string providerId, int year, CancellationToken cancellationToken = default)
        => Task.FromResult(new ProductActivityCounts(0, 0, 0));
}
