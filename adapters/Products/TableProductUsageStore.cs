using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Platform.Domain.Errors;
using Platform.Domain.Products;

namespace Platform.Adapters.Products;

/// <summary>
/// Call meters in table <c>productusage</c>, one partition per product: row <c>meter~{org}~{yyyy-MM-dd}</c> counts the
/// calls of an organisation on a CST day, row <c>call~{org}~{callId}</c> marks a call as counted and binds the id to the hashes of its request and answer for the replay window. Both are written in
/// one entity-group transaction, so a call is counted exactly once however often it is retried.
/// </summary>
public sealed class TableProductUsageStore(TableServiceClient tables) : IProductUsageStore
{
    public const string TableName = "productusage";
    private const int MaxAttempts = 20;
    private readonly TableClient _table = tables.GetTableClient(TableName);
    private int _created;

    public async Task<ProductCallRecord> RecordCallAsync(string productId, string callerOrgId, DateOnly day, ProductCallFingerprint call, DateTimeOffset at, TimeSpan replayWindow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        await EnsureTableAsync(cancellationToken);
        var callKey = $"call~{callerOrgId}~{call.CallId}";
        for (var attempt = 1; ; attempt++)
        {
            var found = await _table.GetEntityIfExistsAsync<TableEntity>(productId, callKey, cancellationToken: cancellationToken);
            var earlier = found.HasValue ? found.Value : null;
            // Rows written before calls were bound to their request carry no hashes: such an id is refused for any request.
            if (earlier is not null && (earlier.GetDateTimeOffset("At") is not { } earlierAt || earlierAt > at - replayWindow))
            {
                var earlierDay = DateOnly.ParseExact(earlier.GetString("Day"), "yyyy-MM-dd", CultureInfo.InvariantCulture);
                return new ProductCallRecord(await MeterAsync(productId, callerOrgId, earlierDay, cancellationToken), true,
                    earlier.GetString("RequestHash") ?? "", earlier.GetString("AnswerHash") ?? "");
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
                new(earlier is null ? TableTransactionActionType.Add : TableTransactionActionType.UpdateReplace,
                    new TableEntity(productId, callKey) { ["Day"] = counter["Day"], ["At"] = at, ["RequestHash"] = call.RequestHash, ["AnswerHash"] = call.AnswerHash },
                    earlier?.ETag ?? default),
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
