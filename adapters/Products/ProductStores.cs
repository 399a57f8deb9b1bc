using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Adapters.Storage;
using Platform.Domain.Errors;
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

/// <summary>Developer admissions in table <c>developeradmissions</c>, queryable by developer.</summary>
public sealed class TableDeveloperAdmissionStore(TableServiceClient tables) : IDeveloperAdmissionStore
{
    private readonly JsonTableStore<DeveloperAdmission> _store = new(tables, "developeradmissions", "admission", "developer_admission");

    public Task<string> AddAsync(DeveloperAdmission admission, CancellationToken cancellationToken = default)
        => _store.AddAsync(admission.Id, admission, null, Columns(admission), cancellationToken);

    public Task<Versioned<DeveloperAdmission>?> GetAsync(string id, CancellationToken cancellationToken = default)
        => TableKeys.IsValid(id) ? _store.GetAsync(id, cancellationToken) : Task.FromResult<Versioned<DeveloperAdmission>?>(null);

    public Task<string> ReplaceAsync(DeveloperAdmission admission, string ifMatch, CancellationToken cancellationToken = default)
        => _store.ReplaceAsync(admission.Id, admission, ifMatch, Columns(admission), cancellationToken);

    public Task<IReadOnlyList<DeveloperAdmission>> ListByDeveloperAsync(string developerId, CancellationToken cancellationToken = default)
        => _store.QueryAllAsync(TableClient.CreateQueryFilter($"DeveloperId eq {developerId}"), 200, cancellationToken);

    private static Dictionary<string, object> Columns(DeveloperAdmission admission) => new()
    {
        ["DeveloperId"] = admission.DeveloperId,
        ["OperatorId"] = admission.OperatorId,
        ["Status"] = ProductWire.Of(admission.Status),
    };
}

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

/// <summary>
/// Call meters in table <c>productusage</c>, one partition per product: row <c>meter~{org}~{yyyy-MM-dd}</c> counts the
/// calls of an organisation on a CST day, row <c>call~{org}~{callId}</c> marks a call as counted. Both are written in
/// one entity-group transaction, so a call is counted exactly once however often it is retried.
/// </summary>
public sealed class TableProductUsageStore(TableServiceClient tables) : IProductUsageStore
{
    public const string TableName = "productusage";
    private const int MaxAttempts = 20;
    private readonly TableClient _table = tables.GetTableClient(TableName);
    private int _created;

    public async Task<ProductCallRecord> RecordCallAsync(string productId, string callerOrgId, DateOnly day, string callId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var callKey = $"call~{callerOrgId}~{callId}";
        for (var attempt = 1; ; attempt++)
        {
            var earlier = await _table.GetEntityIfExistsAsync<TableEntity>(productId, callKey, cancellationToken: cancellationToken);
            if (earlier.HasValue && earlier.Value is not null)
            {
                var earlierDay = DateOnly.ParseExact(earlier.Value.GetString("Day"), "yyyy-MM-dd", CultureInfo.InvariantCulture);
                return new ProductCallRecord(await MeterAsync(productId, callerOrgId, earlierDay, cancellationToken), true);
            }

            var meterKey = MeterKey(callerOrgId, day);
            var meter = await _table.GetEntityIfExistsAsync<TableEntity>(productId, meterKey, cancellationToken: cancellationToken);
            var calls = (meter.HasValue && meter.Value is not null ? meter.Value.GetInt64("Calls") ?? 0 : 0) + 1;
            var counter = new TableEntity(productId, meterKey)
            {
                ["CallerOrgId"] = callerOrgId,
                ["Day"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["Calls"] = calls,
            };
            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.Add, new TableEntity(productId, callKey) { ["Day"] = counter["Day"], ["At"] = at }),
                meter.HasValue && meter.Value is not null
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, counter, meter.Value.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, counter),
            };
            try
            {
                await _table.SubmitTransactionAsync(actions, cancellationToken);
                return new ProductCallRecord(new ProductCallMeter(productId, callerOrgId, day, calls), false);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another call counted first (or this call id was just recorded by a retry): read again.
            }
        }
    }

    public async Task<IReadOnlyList<ProductCallMeter>> ListAsync(string productId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {productId} and RowKey ge {"meter~"} and RowKey lt {"meter~~"}");
        var meters = new List<ProductCallMeter>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            meters.Add(ToMeter(productId, entity));
        }

        return meters.OrderBy(m => m.Day).ThenBy(m => m.CallerOrgId, StringComparer.Ordinal).ToList();
    }

    private async Task<ProductCallMeter> MeterAsync(string productId, string callerOrgId, DateOnly day, CancellationToken cancellationToken)
    {
        var meter = await _table.GetEntityIfExistsAsync<TableEntity>(productId, MeterKey(callerOrgId, day), cancellationToken: cancellationToken);
        return meter.HasValue && meter.Value is not null ? ToMeter(productId, meter.Value) : new ProductCallMeter(productId, callerOrgId, day, 0);
    }

    private static ProductCallMeter ToMeter(string productId, TableEntity entity)
        => new(productId, entity.GetString("CallerOrgId"), DateOnly.ParseExact(entity.GetString("Day"), "yyyy-MM-dd", CultureInfo.InvariantCulture), entity.GetInt64("Calls") ?? 0);

    private static string MeterKey(string callerOrgId, DateOnly day) => $"meter~{callerOrgId}~{day:yyyy-MM-dd}";

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _created, 1);
        }
    }
}

/// <summary>Reads the slot rows (<c>slot~{slot}</c>) an approval round stored in table <c>approvals</c>.</summary>
public sealed class TableApprovalSlotDirectory(TableServiceClient tables) : IApprovalSlotDirectory
{
    private const string SlotPrefix = "slot~";
    private readonly TableClient _table = tables.GetTableClient("approvals");

    public async Task<IReadOnlyList<string>> ListSlotsAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        if (!TableKeys.IsValid(instanceId))
        {
            return [];
        }

        await _table.CreateIfNotExistsAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and RowKey ge {SlotPrefix} and RowKey lt {"slot~~"}");
        var slots = new List<string>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            slots.Add(entity.RowKey[SlotPrefix.Length..]);
        }

        return slots;
    }
}

public static class ProductAdapterServiceCollectionExtensions
{
    /// <summary>The product records, developer admissions, price caps, call meters and the approval slot directory (Table storage).</summary>
    public static IServiceCollection AddProductAdapters(this IServiceCollection services)
    {
        services.TryAddSingleton<IProductStore, TableProductStore>();
        services.TryAddSingleton<IDeveloperAdmissionStore, TableDeveloperAdmissionStore>();
        services.TryAddSingleton<IPriceCapStore, TablePriceCapStore>();
        services.TryAddSingleton<IProductUsageStore, TableProductUsageStore>();
        services.TryAddSingleton<IApprovalSlotDirectory, TableApprovalSlotDirectory>();
        return services;
    }
}
