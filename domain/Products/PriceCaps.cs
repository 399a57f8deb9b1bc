using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Products;

/// <summary>The government-guided price cap 政府指导价 of one product kind (M4.5.3), in CNY.</summary>
public sealed record PriceCap(ProductKind Kind, decimal Amount, string Currency, string? Basis, DateTimeOffset UpdatedAt, string UpdatedBy);

public interface IPriceCapStore
{
    Task<Versioned<PriceCap>?> GetAsync(ProductKind kind, CancellationToken cancellationToken = default);

    /// <summary>Writes the cap; <paramref name="ifMatch"/> null creates it (412 if it exists), otherwise replaces it if unchanged.</summary>
    Task<string> PutAsync(PriceCap cap, string? ifMatch, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Versioned<PriceCap>>> ListAsync(CancellationToken cancellationToken = default);
}

public sealed class PriceCapService(IPriceCapStore store, IAuditTrail audit, IClock clock)
{
    public const string Currency = "CNY";

    /// <summary>
    /// Sets the cap of a kind. A first cap needs no If-Match; changing one needs the ETag it was read with, so two
    /// officials cannot overwrite each other unknowingly (412 <c>price_cap.if_match_required</c> otherwise).
    /// </summary>
    public async Task<Versioned<PriceCap>> SetAsync(string? kindWire, decimal? amount, string? currency, string? basis, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        var kind = ParseKind(kindWire);
        var errors = new Dictionary<string, string[]>();
        if (amount is null || amount < 0 || decimal.Round(amount.Value, 2) != amount.Value || amount > 1_000_000_000m)
        {
            errors["amount"] = ["A non-negative amount in yuan with at most 2 decimals is required."];
        }

        if (currency is not null && !string.Equals(currency, Currency, StringComparison.Ordinal))
        {
            errors["currency"] = ["Caps are set in CNY."];
        }

        if (basis?.Length > 1000)
        {
            errors["basis"] = ["At most 1000 characters."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "price_cap.invalid", "The price cap has invalid fields.", errors);
        }

        var existing = await store.GetAsync(kind, cancellationToken);
        if (existing is not null && ifMatch is null)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "price_cap.if_match_required", "The cap exists; send If-Match with the ETag you read to change it.");
        }

        var cap = new PriceCap(kind, amount!.Value, Currency, string.IsNullOrWhiteSpace(basis) ? null : basis.Trim(), clock.UtcNow, caller.Subject);
        var etag = await store.PutAsync(cap, existing is null ? null : ifMatch, cancellationToken);
        await audit.RecordAsync(caller, "price_cap.set", $"price-caps/{ProductWire.Of(kind)}", new { cap.Amount, cap.Currency, cap.Basis, previous = existing?.Value.Amount }, cancellationToken);
        return new Versioned<PriceCap>(cap, etag);
    }

    public async Task<Versioned<PriceCap>> GetAsync(string? kindWire, CancellationToken cancellationToken = default)
        => await store.GetAsync(ParseKind(kindWire), cancellationToken)
           ?? throw new DomainException(FailureKind.NotFound, "price_cap.not_set", $"No price cap is set for '{kindWire}' products.");

    public async Task<IReadOnlyList<PriceCap>> ListAsync(CancellationToken cancellationToken = default)
        => (await store.ListAsync(cancellationToken)).Select(v => v.Value).OrderBy(c => c.Kind).ToList();

    public async Task<decimal?> CapOfAsync(ProductKind kind, CancellationToken cancellationToken = default)
        => (await store.GetAsync(kind, cancellationToken))?.Value.Amount;

    private static ProductKind ParseKind(string? kindWire)
        => ProductWire.TryParse<ProductKind>(kindWire, out var kind)
            ? kind
            : throw new DomainException(FailureKind.NotFound, "price_cap.unknown_kind", $"'{kindWire}' is not a product kind; expected one of: {string.Join(", ", ProductWire.All<ProductKind>())}.");
}
