using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Adapters.Storage;
using Platform.Domain.Errors;
using Platform.Domain.OperatorSecurity;

namespace Platform.Adapters.OperatorSecurity;

/// <summary>
/// Security duty records (M5.5) in table <c>operatorsecurity</c>: partition = operator; rows <c>profile</c> (management
/// system and emergency plan), <c>trn-{inverted date}-{id}</c> and <c>asm-{inverted date}-{id}</c> (newest first), and
/// <c>flag-{duty key}</c> (when the sweep told the operator and the authority).
/// </summary>
public sealed class TableOperatorSecurityStore(TableServiceClient tables) : IOperatorSecurityStore
{
    private const string Data = "Data";
    private const string ProfileRow = "profile";
    private readonly TableClient _table = tables.GetTableClient("operatorsecurity");
    private int _created;

    public async Task<Versioned<SecurityProfile>?> GetProfileAsync(string operatorId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(operatorId, ProfileRow, cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } entity ? new Versioned<SecurityProfile>(Read<SecurityProfile>(entity), entity.ETag.ToString()) : null;
    }

    public async Task<string> SaveProfileAsync(SecurityProfile profile, string? ifMatch, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var entity = Write(profile.OperatorId, ProfileRow, profile);
        try
        {
            var response = ifMatch is null
                ? await _table.AddEntityAsync(entity, cancellationToken)
                : await _table.UpdateEntityAsync(entity, new ETag(ifMatch), TableUpdateMode.Replace, cancellationToken);
            return response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("Table storage returned no ETag.");
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The security record changed since it was read; read it again and retry.");
        }
    }

    public async Task AddTrainingAsync(TrainingSession session, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        try
        {
            await _table.AddEntityAsync(Write(session.OperatorId, $"trn-{Inverted(session.HeldOn)}-{session.Id}", session), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            throw new DomainException(FailureKind.Conflict, "security.duplicate", $"Training session '{session.Id}' already exists.");
        }
    }

    public Task<(IReadOnlyList<TrainingSession> Items, string? ContinuationToken)> ListTrainingsAsync(string operatorId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => PageAsync<TrainingSession>(operatorId, "trn-", pageSize, continuationToken, cancellationToken);

    public async Task<IReadOnlyList<TrainingSession>> ListTrainingsSinceAsync(string operatorId, DateOnly from, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {operatorId} and RowKey ge {"trn-"} and RowKey lt {$"trn-{Inverted(from)}~"}");
        var all = new List<TrainingSession>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            all.Add(Read<TrainingSession>(entity));
        }

        return all;
    }

    public async Task<string> AddAssessmentAsync(SecurityAssessment assessment, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var entity = Write(assessment.OperatorId, AssessmentRow(assessment), assessment);
        entity["AssessmentId"] = assessment.Id;
        try
        {
            var response = await _table.AddEntityAsync(entity, cancellationToken);
            return response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("Table storage returned no ETag.");
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            throw new DomainException(FailureKind.Conflict, "security.duplicate", $"Assessment '{assessment.Id}' already exists.");
        }
    }

    public async Task<Versioned<SecurityAssessment>?> GetAssessmentAsync(string operatorId, string assessmentId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {operatorId} and AssessmentId eq {assessmentId}");
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            return new Versioned<SecurityAssessment>(Read<SecurityAssessment>(entity), entity.ETag.ToString());
        }

        return null;
    }

    public async Task<string> ReplaceAssessmentAsync(SecurityAssessment assessment, string ifMatch, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var entity = Write(assessment.OperatorId, AssessmentRow(assessment), assessment);
        entity["AssessmentId"] = assessment.Id;
        try
        {
            var response = await _table.UpdateEntityAsync(entity, new ETag(ifMatch), TableUpdateMode.Replace, cancellationToken);
            return response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("Table storage returned no ETag.");
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The assessment changed since it was read; read it again and retry.");
        }
    }

    public Task<(IReadOnlyList<SecurityAssessment> Items, string? ContinuationToken)> ListAssessmentsAsync(string operatorId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => PageAsync<SecurityAssessment>(operatorId, "asm-", pageSize, continuationToken, cancellationToken);

    public async Task<IReadOnlyList<SecurityAssessment>> ListAllAssessmentsAsync(string operatorId, CancellationToken cancellationToken = default)
        => await AllAsync<SecurityAssessment>(operatorId, "asm-", cancellationToken);

    public async Task<IReadOnlyList<SecurityDutyFlag>> ListFlagsAsync(string operatorId, CancellationToken cancellationToken = default)
        => await AllAsync<SecurityDutyFlag>(operatorId, "flag-", cancellationToken);

    public async Task<bool> TryAddFlagAsync(SecurityDutyFlag flag, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        try
        {
            await _table.AddEntityAsync(Write(flag.OperatorId, $"flag-{flag.ItemKey}", flag), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<bool> TryMarkEscalatedAsync(string operatorId, string itemKey, DateTimeOffset escalatedAt, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(operatorId, $"flag-{itemKey}", cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is not { } entity || Read<SecurityDutyFlag>(entity) is not { EscalatedAt: null } flag)
        {
            return false;
        }

        try
        {
            await _table.UpdateEntityAsync(Write(operatorId, entity.RowKey, flag with { EscalatedAt = escalatedAt }), entity.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    private async Task<(IReadOnlyList<T> Items, string? ContinuationToken)> PageAsync<T>(string operatorId, string prefix, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var pages = _table.QueryAsync<TableEntity>(PrefixFilter(operatorId, prefix), pageSize, cancellationToken: cancellationToken).AsPages(continuationToken, pageSize);
        await foreach (var page in pages)
        {
            return (page.Values.Select(Read<T>).ToList(), page.ContinuationToken);
        }

        return ([], null);
    }

    private async Task<List<T>> AllAsync<T>(string operatorId, string prefix, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var all = new List<T>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(PrefixFilter(operatorId, prefix), cancellationToken: cancellationToken))
        {
            all.Add(Read<T>(entity));
        }

        return all;
    }

    private static string PrefixFilter(string operatorId, string prefix)
        => TableClient.CreateQueryFilter($"PartitionKey eq {operatorId} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + (char)(prefix[^1] + 1)}");

    private static string AssessmentRow(SecurityAssessment assessment) => $"asm-{Inverted(assessment.ConductedOn)}-{assessment.Id}";

    /// <summary>99999999 − yyyyMMdd, so that rows sort newest first.</summary>
    private static string Inverted(DateOnly date) => (99_999_999 - int.Parse(date.ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)).ToString("D8", CultureInfo.InvariantCulture);

    private static TableEntity Write<T>(string partition, string row, T record) => new(partition, row) { [Data] = JsonSerializer.Serialize(record, StorageJson.Options) };

    private static T Read<T>(TableEntity entity)
        => JsonSerializer.Deserialize<T>(entity.GetString(Data), StorageJson.Options)
           ?? throw new InvalidOperationException($"Row {entity.PartitionKey}/{entity.RowKey} holds no record.");

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _created, 1);
        }
    }
}

public static class OperatorSecurityAdapterServiceCollectionExtensions
{
    public static IServiceCollection AddOperatorSecurityAdapters(this IServiceCollection services)
    {
        services.TryAddSingleton<IOperatorSecurityStore, TableOperatorSecurityStore>();
        return services;
    }
}
