using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Domain.Agreements;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Oversight;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Products;

/// <summary>Calls of one caller organisation to one product on one legal day (CST).</summary>
public sealed record ProductCallMeter(string ProductId, string CallerOrgId, DateOnly Day, long Calls);

/// <summary>
/// What recording a call found: the meter after it, and whether the call id had been counted before; for a replay, the
/// hashes of the request and of the answer the call id was first used for.
/// </summary>
public sealed record ProductCallRecord(ProductCallMeter Meter, bool Replayed, string? RequestHash = null, string? AnswerHash = null);

/// <summary>One delivered call: its id and the hashes binding the id to the request and to the answer delivered.</summary>
public sealed record ProductCallFingerprint(string CallId, string RequestHash, string AnswerHash);

/// <summary>Call meters (M4.5.2): one counter per product, caller organisation and CST day, and one row per call id.</summary>
public interface IProductUsageStore
{
    /// <summary>
    /// Counts the call once: the call id row (with the request and answer hashes) and the counter change are written
    /// together, so a call id repeated within <paramref name="replayWindow"/> (a client retry) is not counted again and
    /// gets <see cref="ProductCallRecord.Replayed"/> with its day's meter and the hashes first recorded. A call id
    /// older than the window is counted as a new call.
    /// </summary>
    Task<ProductCallRecord> RecordCallAsync(string productId, string callerOrgId, DateOnly day, ProductCallFingerprint call, DateTimeOffset at, TimeSpan replayWindow, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ProductCallMeter>> ListAsync(string productId, CancellationToken cancellationToken = default);
}

public sealed record ProductCallRequest(string? CallId, string? SubjectAuthorizationRef);

/// <summary>The rows a call returns: one table of the product's data, cut to the page.</summary>
public sealed record ProductCallData(string Name, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows);

public sealed record ProductCallResult(string ProductId, string CallId, bool Replayed, ProductCallMeter Meter, IReadOnlyList<ProductCallData> Data, int Offset, int? NextOffset);

/// <summary>Calls to published <c>api</c> products (M4.5.2): metered per caller organisation and day, with the data subject's authorisation where personal information is involved.</summary>
public sealed class ProductCallService(IProductStore products, IProductUsageStore usage, ISandboxResultStore results, IOperatorAccessGuard accessGuard, IAgreementStore agreements, IAuditTrail audit, IClock clock)
{
    public const int MaxCallIdLength = 100;
    public const string CallIdReusedCode = "product.call_id_reused";

    /// <summary>How long a call id stays bound to its request and answer: a retry within it is answered again, unmetered.</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromDays(7);

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

        // M3.4, docs/lifecycles.md: a published product stays, but its metered calls stop with the agreement it was made under.
        if (product.AgreementId is { } agreementId && (await agreements.GetAsync(agreementId, cancellationToken))?.Value is { } agreement)
        {
            AgreementRules.EnsureInForce(agreement);
        }

        var callId = request.CallId?.Trim();
        if (callId is not null && (callId.Length is 0 or > MaxCallIdLength || callId.Any(c => char.IsControl(c) || c is '/' or '\\' or '#' or '?' or '~')))
        {
            throw new DomainException(FailureKind.BadRequest, "product.invalid_call", $"callId must be 1 to {MaxCallIdLength} characters without control characters, '/', '\\', '#', '?' or '~'.",
                new Dictionary<string, string[]> { ["callId"] = ["Invalid."] });
        }

        var authorization = request.SubjectAuthorizationRef?.Trim();
        // M4.5.2: a product involving personal information, trade secrets or confidential business information is provided
        // only with the authorisation of the data subject or the right holder, shown on each call and recorded per call.
        if ((product.InvolvesPersonalInfo || product.InvolvesTradeSecrets) && (string.IsNullOrEmpty(authorization) || authorization.Length > ProductRules.MaxReferenceLength))
        {
            throw new DomainException(FailureKind.Forbidden, ProductRules.SubjectAuthorizationRequiredCode,
                (product.InvolvesPersonalInfo ? "This product involves personal information" : "This product involves trade secrets or confidential business information")
                + ": each call must carry the authorisation reference of the data subject or right holder (subjectAuthorizationRef).",
                new Dictionary<string, string[]> { ["subjectAuthorizationRef"] = ["Required for this product."] });
        }

        var now = clock.UtcNow;
        var id = callId ?? Guid.NewGuid().ToString("N");
        // M4.5.2: a call id is bound to its request and its answer, so a retry returns the same data unmetered and a
        // reused id cannot fetch other data for free; every delivered answer is metered and audited once.
        var (data, next) = await PageAsync(product, offset, pageSize, cancellationToken);
        var fingerprint = new ProductCallFingerprint(id, ProductCallHashes.Request(productId, authorization, offset, pageSize), ProductCallHashes.Answer(data, next));
        var recorded = await usage.RecordCallAsync(productId, caller.Organization, ChinaTime.LegalDate(now), fingerprint, now, ReplayWindow, cancellationToken);
        if (recorded.Replayed && (recorded.RequestHash != fingerprint.RequestHash || recorded.AnswerHash != fingerprint.AnswerHash))
        {
            throw new DomainException(FailureKind.Conflict, CallIdReusedCode,
                $"callId '{id}' was used for a different request; use a new callId for every new request (retries repeat the same request).",
                new Dictionary<string, string[]> { ["callId"] = ["Already used for a different request."] });
        }

        if (!recorded.Replayed)
        {
            await audit.RecordAsync(caller, "product.called", ProductRules.TargetOf(productId),
                new { callId = id, subjectAuthorizationRef = authorization, offset, pageSize, fingerprint.RequestHash, fingerprint.AnswerHash, day = recorded.Meter.Day, recorded.Meter.Calls }, cancellationToken);
        }

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

/// <summary>SHA-256 (lower-case hex) of what binds a call id: the request as the platform read it and the answer it delivered.</summary>
public static class ProductCallHashes
{
    public static string Request(string productId, string? subjectAuthorizationRef, int offset, int pageSize)
        => Hash(JsonSerializer.Serialize(new { productId, subjectAuthorizationRef, offset, pageSize }));

    public static string Answer(IReadOnlyList<ProductCallData> data, int? nextOffset)
        => Hash(JsonSerializer.Serialize(new { data, nextOffset }));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
