using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Catalog;
using Platform.Domain.Errors;
using Platform.Domain.Jobs;
using Platform.Domain.Organizations;
using Platform.Domain.Sandbox;

namespace Platform.Adapters.Sandbox;

/// <summary>
/// Sandbox job records in Table storage, as JSON guarded by ETags. A job carries its SQL (up to 64 K characters), which
/// is more than one table property holds (64 KiB), so the JSON is split over numbered columns; the columns the stop
/// steps query by (organisation, agreement, status) are kept beside it.
/// </summary>
public sealed class TableSandboxJobStore(TableServiceClient tables) : ISandboxJobStore
{
    public const string TableName = "sandboxjobs";
    private const string Partition = "sandbox-job";
    private const string ChunkCountColumn = "DataChunks";
    private const string ChunkColumnPrefix = "Data";
    private const string ModeColumn = "Mode";
    private static readonly string[] ActivityColumns = ["RowKey", "OrganizationId", ModeColumn, "Status", "SubmittedAt"];

    // Characters per column: UTF-16, so 30 000 characters stay under the 64 KiB a string property may hold.
    private const int ChunkLength = 30_000;

    private const string QueuedAtColumn = "QueuedAt";

    private readonly TableClient _table = tables.GetTableClient(TableName);
    private int _created;

    /// <summary>Rows per page of the reconciler's query; every page is read whatever its size.</summary>
    public int QueryPageSize { get; init; } = 500;

    public async Task<string> AddAsync(SandboxJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        await EnsureTableAsync(cancellationToken);
        try
        {
            var response = await _table.AddEntityAsync(ToEntity(job), cancellationToken);
            return response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("Table storage returned no ETag.");
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            throw new DomainException(FailureKind.Conflict, "sandbox_job.already_exists", $"A sandbox job with id '{job.Id}' already exists.");
        }
    }

    public async Task<Versioned<SandboxJob>?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken);
        return response.HasValue && response.Value is { } entity ? new Versioned<SandboxJob>(FromEntity(entity), entity.ETag.ToString()) : null;
    }

    public async Task<string> ReplaceAsync(SandboxJob job, string ifMatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        try
        {
            var response = await _table.UpdateEntityAsync(ToEntity(job), new ETag(ifMatch), TableUpdateMode.Replace, cancellationToken);
            return response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("Table storage returned no ETag.");
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The sandbox job changed since it was read; read it again and retry.");
        }
    }

    public Task<IReadOnlyList<SandboxJob>> ListActiveByOrganizationAsync(string organizationId, CancellationToken cancellationToken = default)
        => ListActiveAsync(TableClient.CreateQueryFilter($"OrganizationId eq {organizationId}"), cancellationToken);

    public Task<IReadOnlyList<SandboxJob>> ListActiveByAgreementAsync(string agreementId, CancellationToken cancellationToken = default)
        => ListActiveAsync(TableClient.CreateQueryFilter($"AgreementId eq {agreementId}"), cancellationToken);

    public async Task<IReadOnlyList<SandboxJobActivity>> ListSubmittedBetweenAsync(string? organizationId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and SubmittedAt ge {fromUtc} and SubmittedAt lt {toUtc}");
        if (organizationId is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"OrganizationId eq {organizationId}");
        }

        // Only the counted columns: a job's SQL (up to 64 K characters) is not read.
        var jobs = new List<SandboxJobActivity>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, select: ActivityColumns, cancellationToken: cancellationToken))
        {
            if (WireNames<SandboxMode>.TryParse(entity.GetString(ModeColumn), out var mode)
                && WireNames<SandboxJobStatus>.TryParse(entity.GetString("Status"), out var status)
                && entity.GetDateTimeOffset("SubmittedAt") is { } submittedAt)
            {
                jobs.Add(new SandboxJobActivity(entity.RowKey, entity.GetString("OrganizationId") ?? "", mode, status, submittedAt));
            }
        }

        return jobs;
    }

    public async Task<IReadOnlyList<Versioned<SandboxJob>>> ListQueuedSentBeforeAsync(DateTimeOffset sentBeforeUtc, CancellationToken cancellationToken = default)
    {
        // A record written before the QueuedAt column existed has none: it is found by its row's Timestamp (last write)
        // and judged by the times in its JSON, like every other candidate.
        var queued = SandboxJobStatus.Queued.ToWire();
        var cutoff = sentBeforeUtc.ToUniversalTime();
        var candidates = await ListVersionedAsync(
            TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Status eq {queued} and (QueuedAt lt {cutoff} or Timestamp lt {cutoff})"), cancellationToken);
        return candidates.Where(j => QueuedJobRule.LastActivityAt(j.Value.SubmittedAt, j.Value.RequeuedAt, j.Value.StartedAt) < sentBeforeUtc).ToList();
    }

    public Task<IReadOnlyList<Versioned<SandboxJob>>> ListRunningAsync(CancellationToken cancellationToken = default)
        => ListVersionedAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Status eq {SandboxJobStatus.Running.ToWire()}"), cancellationToken);

    private async Task<IReadOnlyList<Versioned<SandboxJob>>> ListVersionedAsync(string filter, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var jobs = new List<Versioned<SandboxJob>>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, QueryPageSize, cancellationToken: cancellationToken))
        {
            jobs.Add(new Versioned<SandboxJob>(FromEntity(entity), entity.ETag.ToString()));
        }

        return jobs;
    }

    public async Task<IReadOnlyList<SandboxJob>> ListReleasedAsync(CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var released = SandboxJobStatus.Released.ToWire();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Status eq {released}");
        var jobs = new List<SandboxJob>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, QueryPageSize, cancellationToken: cancellationToken))
        {
            jobs.Add(FromEntity(entity));
        }

        return jobs;
    }

    private async Task<IReadOnlyList<SandboxJob>> ListActiveAsync(string ownerFilter, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var queued = SandboxJobStatus.Queued.ToWire();
        var running = SandboxJobStatus.Running.ToWire();
        var held = SandboxJobStatus.AwaitingRelease.ToWire();
        var filter = $"{TableClient.CreateQueryFilter($"PartitionKey eq {Partition}")} and {ownerFilter} and " +
                     $"({TableClient.CreateQueryFilter($"Status eq {queued}")} or {TableClient.CreateQueryFilter($"Status eq {running}")} or {TableClient.CreateQueryFilter($"Status eq {held}")})";
        var jobs = new List<SandboxJob>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            jobs.Add(FromEntity(entity));
        }

        return jobs;
    }

    private static TableEntity ToEntity(SandboxJob job)
    {
        var json = JsonSerializer.Serialize(job, StorageJson.Options);
        var entity = new TableEntity(Partition, job.Id)
        {
            ["GrantId"] = job.GrantId,
            ["OrganizationId"] = job.OrganizationId,
            ["AgreementId"] = job.AgreementId ?? "",
            ["SubmittedBy"] = job.SubmittedBy,
            ["Status"] = job.Status.ToWire(),
            ["SubmittedAt"] = job.SubmittedAt,
            [ModeColumn] = job.Mode.ToWire(),
            [QueuedAtColumn] = QueuedJobRule.LastActivityAt(job.SubmittedAt, job.RequeuedAt, job.StartedAt),
        };
        var chunks = 0;
        for (var start = 0; start < json.Length; start += ChunkLength)
        {
            entity[ChunkColumnPrefix + chunks++] = json.Substring(start, Math.Min(ChunkLength, json.Length - start));
        }

        entity[ChunkCountColumn] = chunks;
        return entity;
    }

    private static SandboxJob FromEntity(TableEntity entity)
    {
        var chunks = entity.GetInt32(ChunkCountColumn) ?? throw new InvalidOperationException($"Sandbox job row {entity.RowKey} holds no record.");
        var json = new StringBuilder();
        for (var i = 0; i < chunks; i++)
        {
            json.Append(entity.GetString(ChunkColumnPrefix + i));
        }

        return JsonSerializer.Deserialize<SandboxJob>(json.ToString(), StorageJson.Options)
               ?? throw new InvalidOperationException($"Sandbox job row {entity.RowKey} holds no record.");
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _created, 1);
        }
    }
}
