using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Oversight;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Products;

/// <summary>Calls of one caller organisation to one product on one legal day (CST).</summary>
public sealed record ProductCallMeter(string ProductId, string CallerOrgId, DateOnly Day, long Calls);

/// <summary>What recording a call found: the meter after it, and whether the call id had been counted before.</summary>
public sealed record ProductCallRecord(ProductCallMeter Meter, bool Replayed);

/// <summary>Call meters (M4.5.2): one counter per product, caller organisation and CST day, and one row per call id.</summary>
public interface IProductUsageStore
{
    /// <summary>
    /// Counts the call once: the call id row and the counter change are written together, so a call id repeated (a
    /// client retry) is not counted again and gets <see cref="ProductCallRecord.Replayed"/> with its day's meter.
    /// </summary>
    Task<ProductCallRecord> RecordCallAsync(string productId, string callerOrgId, DateOnly day, string callId, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ProductCallMeter>> ListAsync(string productId, CancellationToken cancellationToken = default);
}

public sealed record ProductCallRequest(string? CallId, string? SubjectAuthorizationRef);

/// <summary>The rows a call returns: one table of the product's data, cut to the page.</summary>
public sealed record ProductCallData(string Name, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows);

public sealed record ProductCallResult(string ProductId, string CallId, bool Replayed, ProductCallMeter Meter, IReadOnlyList<ProductCallData> Data, int Offset, int? NextOffset);

/// <summary>Calls to published <c>api</c> products (M4.5.2): metered per caller organisation and day, with the data subject's authorisation where personal information is involved.</summary>
public sealed class ProductCallService(IProductStore products, IProductUsageStore usage, ISandboxResultStore results, IOperatorAccessGuard accessGuard, IAuditTrail audit, IClock clock)
{
    public const int MaxCallIdLength = 100;

    public async Task<ProductCallResult> CallAsync(string productId, ProductCallRequest request, int offset, int pageSize, Caller caller, CancellationToken cancellationToken = default)
    {
        var product = (await products.GetAsync(productId, cancellationToken))?.Value;
        if (product is null || (product.Status != ProductStatus.Published && !ProductRules.MayRead(product, caller)))
        {
            throw new DomainException(FailureKind.NotFound, ProductRules.NotFoundCode, $"Product '{productId}' does not exist.");
        }

        if (product.Status != ProductStatus.Published)
        {
            throw new DomainException(FailureKind.Conflict, "product.not_published", "The product is not published; only registered and published products can be called (M4.5.1).");
        }

        if (product.Kind != ProductKind.Api)
        {
            throw new DomainException(FailureKind.Conflict, "product.not_callable", "Only products of kind api are called.");
        }

        if (caller.Role == Roles.Operator)
        {
            await accessGuard.EnsureNotSuspendedAsync(caller.Organization, cancellationToken);
        }

        var callId = request.CallId?.Trim();
        if (callId is not null && (callId.Length is 0 or > MaxCallIdLength || callId.Any(c => char.IsControl(c) || c is '/' or '\\' or '#' or '?' or '~')))
        {
            throw new DomainException(FailureKind.BadRequest, "product.invalid_call", $"callId must be 1 to {MaxCallIdLength} characters without control characters, '/', '\\', '#', '?' or '~'.",
                new Dictionary<string, string[]> { ["callId"] = ["Invalid."] });
        }

        var authorization = request.SubjectAuthorizationRef?.Trim();
        // M4.5.2: a product involving personal information is provided only with the data subject's authorisation, shown on each call.
        if (product.InvolvesPersonalInfo && (string.IsNullOrEmpty(authorization) || authorization.Length > ProductRules.MaxReferenceLength))
        {
            throw new DomainException(FailureKind.Forbidden, ProductRules.SubjectAuthorizationRequiredCode,
                "This product involves personal information: each call must carry the data subject's authorisation reference (subjectAuthorizationRef).",
                new Dictionary<string, string[]> { ["subjectAuthorizationRef"] = ["Required for this product."] });
        }

        var now = clock.UtcNow;
        var id = callId ?? Guid.NewGuid().ToString("N");
        var recorded = await usage.RecordCallAsync(productId, caller.Organization, ChinaTime.LegalDate(now), id, now, cancellationToken);
        if (!recorded.Replayed)
        {
            await audit.RecordAsync(caller, "product.called", ProductRules.TargetOf(productId),
                new { callId = id, subjectAuthorizationRef = authorization, day = recorded.Meter.Day, recorded.Meter.Calls }, cancellationToken);
        }

        var (data, next) = await PageAsync(product, offset, pageSize, cancellationToken);
        return new ProductCallResult(productId, id, recorded.Replayed, recorded.Meter, data, offset, next);
    }

    /// <summary>Rows <paramref name="offset"/>.. of the product's tables taken in order, at most <paramref name="pageSize"/>.</summary>
    private async Task<(IReadOnlyList<ProductCallData> Data, int? Next)> PageAsync(Product product, int offset, int pageSize, CancellationToken cancellationToken)
    {
        var data = new List<ProductCallData>();
        var skipped = 0;
        var taken = 0;
        var total = 0;
        foreach (var jobId in product.DataJobIds)
        {
            var result = await results.ReadAsync(jobId, cancellationToken);
            var rows = result?.Rows ?? [];
            total += rows.Count;
            var skipHere = Math.Clamp(offset - skipped, 0, rows.Count);
            skipped += skipHere;
            var take = Math.Min(pageSize - taken, rows.Count - skipHere);
            if (take > 0)
            {
                data.Add(new ProductCallData(jobId, result!.Columns.Select(c => c.Name).ToList(), rows.Skip(skipHere).Take(take).ToList()));
                taken += take;
            }
        }

        return (data, offset + taken < total ? offset + taken : null);
    }
}
