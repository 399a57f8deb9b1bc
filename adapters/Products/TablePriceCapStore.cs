using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Products;

namespace Platform.Adapters.Products;

/// <summary>Price caps in table <c>pricecaps</c>, one row per product kind.</summary>
public sealed class TablePriceCapStore(TableServiceClient tables) : IPriceCapStore
{
    private readonly JsonTableStore<PriceCap> _store = new(tables, "pricecaps", "price-cap", "price_cap");

    public Task<Versioned<PriceCap>?> GetAsync(ProductKind kind, CancellationToken cancellationToken = default)
        => _store.GetAsync(ProductWire.Of(kind), cancellationToken);

    public async Task<string> PutAsync(PriceCap cap, string? ifMatch, CancellationToken cancellationToken = default)
    {
        var key = ProductWire.Of(cap.Kind);
        if (ifMatch is not null)
        {
            return await _store.ReplaceAsync(key, cap, ifMatch, null, cancellationToken);
        }

        try
        {
            return await _store.AddAsync(key, cap, null, null, cancellationToken);
        }
        catch (DomainException e) when (e.Kind == FailureKind.Conflict)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The price cap was set meanwhile; read it again and retry.");
        }
    }

    public async Task<IReadOnlyList<Versioned<PriceCap>>> ListAsync(CancellationToken cancellationToken = default)
    {
        var found = new List<Versioned<PriceCap>>();
        foreach (var kind in Enum.GetValues<ProductKind>())
        {
            if (await GetAsync(kind, cancellationToken) is { } cap)
            {
                found.Add(cap);
            }
        }

        return found;
    }
}
