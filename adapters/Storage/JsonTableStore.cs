using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;

namespace Platform.Adapters.Storage;

/// <summary>How records are written into Table storage: JSON, camelCase, enums by name, UTF-8 text as is.</summary>
public static class StorageJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>
/// Records kept as JSON in one table partition, guarded by ETags: inserts are conditional (a second insert of the same
/// key is a conflict, so retried creates never duplicate) and replacements need the ETag that was read.
/// Unique values (such as a credit code) are reserved by rows in the same partition, written in the same transaction.
/// </summary>
public sealed class JsonTableStore<T>(TableServiceClient tables, string tableName, string partition, string kind)
    where T : class
{
    private const string DataColumn = "Data";
    private const int AllPageSize = 500;
    private readonly TableClient _table = tables.GetTableClient(tableName);
    private int _created;

    public async Task<string> AddAsync(string id, T record, IReadOnlyDictionary<string, string>? uniqueValues = null, IReadOnlyDictionary<string, object>? columns = null, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var entity = ToEntity(id, record, columns);
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, entity) };
        foreach (var (name, value) in uniqueValues ?? new Dictionary<string, string>())
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, UniqueKey(name, value)) { ["OwnerId"] = id }));
        }

        try
        {
            // A transaction's failure comes back inside the batch answer, past the client's missing-table policy.
            var response = await MissingTables.RunAsync(_table, () => _table.SubmitTransactionAsync(actions, cancellationToken), cancellationToken);
            return response.Value[0].Headers.ETag?.ToString() ?? throw new InvalidOperationException("Table storage returned no ETag.");
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            var failed = e.FailedTransactionActionIndex is { } index and > 0 ? uniqueValues!.ElementAt(index - 1) : default;
            throw failed.Key is null
                ? new DomainException(FailureKind.Conflict, $"{kind}.already_exists", $"A {kind} with id '{id}' already exists.")
                : new DomainException(FailureKind.Conflict, $"{kind}.duplicate_{ToSnake(failed.Key)}", $"Another {kind} already has {failed.Key} '{failed.Value}'.",
                    new Dictionary<string, string[]> { [failed.Key] = ["Already registered."] });
        }
    }

    public async Task<Versioned<T>?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(partition, id, cancellationToken: cancellationToken);
        if (!response.HasValue || response.Value is null)
        {
            return null;
        }

        return new Versioned<T>(FromEntity(response.Value), response.Value.ETag.ToString());
    }

    public async Task<string> ReplaceAsync(string id, T record, string ifMatch, IReadOnlyDictionary<string, object>? columns = null, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await _table.UpdateEntityAsync(ToEntity(id, record, columns), new ETag(ifMatch), TableUpdateMode.Replace, cancellationToken);
            return response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("Table storage returned no ETag.");
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", $"The {kind} changed since it was read; read it again and retry.");
        }
    }

    /// <summary>Pages through records whose columns match an OData filter (null for all), in key order.</summary>
    public async Task<(IReadOnlyList<T> Items, string? ContinuationToken)> QueryAsync(string? filter, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var partitionFilter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        var fullFilter = filter is null ? partitionFilter : $"{partitionFilter} and ({filter})";
        var pages = _table.QueryAsync<TableEntity>(fullFilter, pageSize, cancellationToken: cancellationToken).AsPages(continuationToken, pageSize);
        await foreach (var page in pages)
        {
            var items = page.Values.Where(e => e.ContainsKey(DataColumn)).Select(FromEntity).ToList();
            return (items, page.ContinuationToken);
        }

        return ([], null);
    }

    /// <summary>Every record whose columns match an OData filter (null for all), read page by page (for counts and sweeps, not for callers' pages).</summary>
    public Task<IReadOnlyList<T>> QueryAllAsync(string? filter, CancellationToken cancellationToken = default)
        => QueryAllAsync(filter, AllPageSize, cancellationToken);

    /// <inheritdoc cref="QueryAllAsync(string, CancellationToken)"/>
    public async Task<IReadOnlyList<T>> QueryAllAsync(string? filter, int pageSize, CancellationToken cancellationToken = default)
    {
        var all = new List<T>();
        string? token = null;
        do
        {
            var (items, next) = await QueryAsync(filter, pageSize, token, cancellationToken);
            all.AddRange(items);
            token = next;
        }
        while (token is not null);

        return all;
    }

    /// <summary>Like <see cref="QueryAllAsync"/>, with each record's ETag.</summary>
    public Task<IReadOnlyList<Versioned<T>>> QueryAllVersionedAsync(string filter, CancellationToken cancellationToken = default)
        => QueryAllVersionedAsync(filter, AllPageSize, cancellationToken);

    /// <inheritdoc cref="QueryAllVersionedAsync(string, CancellationToken)"/>
    public async Task<IReadOnlyList<Versioned<T>>> QueryAllVersionedAsync(string filter, int pageSize, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var fullFilter = $"{TableClient.CreateQueryFilter($"PartitionKey eq {partition}")} and ({filter})";
        var all = new List<Versioned<T>>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(fullFilter, pageSize, cancellationToken: cancellationToken))
        {
            if (entity.ContainsKey(DataColumn))
            {
                all.Add(new Versioned<T>(FromEntity(entity), entity.ETag.ToString()));
            }
        }

        return all;
    }

    private TableEntity ToEntity(string id, T record, IReadOnlyDictionary<string, object>? columns)
    {
        var entity = new TableEntity(partition, id) { [DataColumn] = JsonSerializer.Serialize(record, StorageJson.Options) };
        foreach (var (name, value) in columns ?? new Dictionary<string, object>())
        {
            entity[name] = value;
        }

        return entity;
    }

    private static T FromEntity(TableEntity entity)
        => JsonSerializer.Deserialize<T>(entity.GetString(DataColumn), StorageJson.Options)
           ?? throw new InvalidOperationException($"Row {entity.RowKey} holds no record.");

    private static string UniqueKey(string name, string value) => $"unique~{name}~{value}";

    private static string ToSnake(string camel) => string.Concat(camel.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _created, 1);
        }
    }
}
