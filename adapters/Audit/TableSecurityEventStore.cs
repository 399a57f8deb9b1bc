using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Platform.Adapters.Storage;
using Platform.Domain.Security;

namespace Platform.Adapters.Audit;

/// <summary>
/// Per-minute counts of refused signed-link attempts (issue 20 item 3), one partition per minute (<c>yyyyMMddHHmm</c>, UTC),
/// one row per kind, key and code. Several processes add to the same rows: each flush reads the minute's rows once and
/// writes its increments in entity-group transactions guarded by the ETags it read, re-reading when another process won.
/// </summary>
public sealed class TableSecurityEventStore(TableServiceClient tables, IOptions<AuditOptions> options) : ISecurityEventStore
{
    private const int MaxAttempts = 10;
    private const int MaxPerTransaction = 100;
    private const int MaxKeyLength = 200;
    private readonly TableClient _table = tables.GetTableClient(options.Value.SecurityEventTableName);
    private int _created;

    public async Task AddAsync(IReadOnlyList<LinkAttemptCount> counts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counts);
        await EnsureTableAsync(cancellationToken);
        foreach (var minute in counts.GroupBy(c => PartitionOf(c.Minute)))
        {
            var increments = minute.GroupBy(c => RowKeyOf(c.Kind, c.Key, c.Code)).ToDictionary(g => g.Key, g => (First: g.First(), Count: g.Sum(c => c.Count)));
            for (var attempt = 1; ; attempt++)
            {
                var existing = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
                await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {minute.Key}"), cancellationToken: cancellationToken))
                {
                    existing[row.RowKey] = row;
                }

                try
                {
                    var actions = increments.Select(pair => existing.TryGetValue(pair.Key, out var row)
                        ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, Row(minute.Key, pair.Key, pair.Value.First, (row.GetInt64("Count") ?? 0) + pair.Value.Count), row.ETag)
                        : new TableTransactionAction(TableTransactionActionType.Add, Row(minute.Key, pair.Key, pair.Value.First, pair.Value.Count))).ToList();
                    foreach (var chunk in actions.Chunk(MaxPerTransaction))
                    {
                        await _table.SubmitTransactionAsync(chunk, cancellationToken);
                        foreach (var done in chunk)
                        {
                            increments.Remove(done.Entity.RowKey);
                        }
                    }

                    break;
                }
                catch (RequestFailedException raced) when (raced.Status is 409 or 412 && attempt < MaxAttempts)
                {
                    // Another process added to the same minute first: read again and add on top of it.
                }
            }
        }
    }

    public async Task<IReadOnlyList<LinkAttemptCount>> QueryAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {PartitionOf(from)} and PartitionKey le {PartitionOf(to)}");
        var found = new List<LinkAttemptCount>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            found.Add(new LinkAttemptCount(
                DateTimeOffset.ParseExact(row.PartitionKey, "yyyyMMddHHmm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                row.GetString("Kind") ?? "",
                row.GetString("Key") ?? "",
                row.GetString("Code") ?? "",
                row.GetInt64("Count") ?? 0));
        }

        return found;
    }

    private static TableEntity Row(string partition, string rowKey, LinkAttemptCount count, long total) => new(partition, rowKey)
    {
        ["Kind"] = count.Kind,
        ["Key"] = Clip(count.Key),
        ["Code"] = count.Code,
        ["Count"] = total,
    };

    private static string PartitionOf(DateTimeOffset minute) => minute.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    // Keys come from outside (addresses, header values): anything storage would refuse in a row key is replaced.
    private static string RowKeyOf(string kind, string key, string code)
        => string.Concat($"{kind}~{code}~{Clip(key)}".Select(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : c));

    private static string Clip(string value) => value.Length > MaxKeyLength ? value[..MaxKeyLength] : value;

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _created, 1);
        }
    }
}
