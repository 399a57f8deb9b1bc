using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace Platform.Adapters.Storage;

/// <summary>
/// Tables the platform expects come back by themselves (issue 20 item 9): after storage is reset or replaced by a fresh
/// account, the first call to a missing table creates it again instead of failing with <c>TableNotFound</c> on every
/// request and every run of a timer. <see cref="Policy"/> does it for single calls (reads, queries, inserts, updates) of
/// every table client it is added to; <see cref="RunAsync{T}"/> for entity-group transactions, whose failure comes back
/// inside the batch answer.
/// </summary>
public static class MissingTables
{
    public const string TableNotFound = "TableNotFound";

    /// <summary>True when storage said the table itself does not exist.</summary>
    public static bool IsTableMissing(Exception exception)
        => exception is RequestFailedException failed
           && (failed.ErrorCode == TableNotFound || (failed.Status == 404 && failed.Message.Contains(TableNotFound, StringComparison.Ordinal)));

    /// <summary>Runs <paramref name="operation"/>; when the table is missing, creates it and runs the operation once more.</summary>
    public static async Task<T> RunAsync<T>(TableClient table, Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (RequestFailedException missing) when (IsTableMissing(missing))
        {
            await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            return await operation().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A table client pipeline policy: when a call answers 404 <c>TableNotFound</c>, it creates the table through
    /// <paramref name="createTable"/> and sends the same call again.
    /// </summary>
    public static HttpPipelinePolicy Policy(Func<string, CancellationToken, Task> createTable) => new RecreatePolicy(createTable);

    /// <summary>Adds <see cref="Policy"/> to <paramref name="options"/>, creating tables through a client built by <paramref name="plainClient"/>.</summary>
    public static TableClientOptions WithRecreation(this TableClientOptions options, Func<TableClientOptions, TableServiceClient> plainClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(plainClient);
        var creator = new Lazy<TableServiceClient>(() => plainClient(new TableClientOptions()));
        options.AddPolicy(Policy((name, ct) => creator.Value.CreateTableIfNotExistsAsync(name, ct)), HttpPipelinePosition.PerCall);
        return options;
    }

    /// <summary>The table a request addresses (<c>/account/name(…)</c> or <c>/name()</c>); null for the table service itself and batches.</summary>
    public static string? TableNameOf(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var path = uri.AbsolutePath.TrimEnd('/');
        var segment = path[(path.LastIndexOf('/') + 1)..];
        var bracket = segment.IndexOf('(', StringComparison.Ordinal);
        var name = Uri.UnescapeDataString(bracket >= 0 ? segment[..bracket] : segment);
        return name.Length == 0 || name.Equals("Tables", StringComparison.OrdinalIgnoreCase) || name.StartsWith('$') ? null : name;
    }

    private sealed class RecreatePolicy(Func<string, CancellationToken, Task> createTable) : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            if (MissingTableOf(message) is { } table)
            {
                await createTable(table, message.CancellationToken).ConfigureAwait(false);
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ProcessNext(message, pipeline);
            if (MissingTableOf(message) is { } table)
            {
                createTable(table, message.CancellationToken).GetAwaiter().GetResult();
                ProcessNext(message, pipeline);
            }
        }

        private static string? MissingTableOf(HttpMessage message)
        {
            if (!message.HasResponse || message.Response.Status != 404)
            {
                return null;
            }

            var missing = message.Response.Headers.TryGetValue("x-ms-error-code", out var code) ? code == TableNotFound : BodySaysTableNotFound(message.Response);
            return missing ? TableNameOf(message.Request.Uri.ToUri()) : null;
        }

        private static bool BodySaysTableNotFound(Response response)
        {
            try
            {
                return response.Content.ToString().Contains(TableNotFound, StringComparison.Ordinal);
            }
            catch (InvalidOperationException)
            {
                // A streamed (unbuffered) answer: only the header could have said it.
                return false;
            }
        }
    }
}
