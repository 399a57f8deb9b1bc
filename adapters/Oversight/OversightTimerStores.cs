using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Oversight;

namespace Platform.Adapters.Oversight;

/// <summary>Sweep marks in table <c>sweepmarks</c>: partition = step, row = item; created with a conditional insert.</summary>
public sealed class TableSweepMarkStore(TableServiceClient tables) : ISweepMarkStore
{
    private readonly TableClient _table = tables.GetTableClient("sweepmarks");
    private int _created;

    public async Task<bool> IsMarkedAsync(string step, string itemId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(step, itemId, ["PartitionKey"], cancellationToken);
        return found.HasValue;
    }

    public async Task<bool> TryMarkAsync(string step, string itemId, DateTimeOffset markedAt, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        try
        {
            await _table.AddEntityAsync(new TableEntity(step, itemId) { ["MarkedAt"] = markedAt }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
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

/// <summary>Operator evaluations (M5.7) in table <c>evaluations</c>: partition = agreement, row = year (four digits).</summary>
public sealed class TableEvaluationStore(TableServiceClient tables) : IEvaluationStore
{
    private readonly TableClient _table = tables.GetTableClient("evaluations");
    private int _created;

    public async Task AddAsync(OperatorEvaluation evaluation, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var entity = new TableEntity(evaluation.AgreementId, RowKey(evaluation.Year))
        {
            ["Data"] = JsonSerializer.Serialize(evaluation, StorageJson.Options),
            ["OperatorId"] = evaluation.OperatorId,
        };
        try
        {
            await _table.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            throw EvaluationRules.AlreadyRecorded(evaluation.AgreementId, evaluation.Year);
        }
    }

    public async Task<OperatorEvaluation?> GetAsync(string agreementId, int year, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(agreementId, RowKey(year), cancellationToken: cancellationToken);
        return found.HasValue && found.Value is not null ? FromEntity(found.Value) : null;
    }

    public async Task<IReadOnlyList<OperatorEvaluation>> ListAsync(string agreementId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var evaluations = new List<OperatorEvaluation>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {agreementId}"), cancellationToken: cancellationToken))
        {
            evaluations.Add(FromEntity(entity));
        }

        return evaluations.OrderBy(e => e.Year).ToList();
    }

    public async Task<IReadOnlyList<OperatorEvaluation>> ListByOperatorAsync(string operatorId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var evaluations = new List<OperatorEvaluation>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"OperatorId eq {operatorId}"), cancellationToken: cancellationToken))
        {
            evaluations.Add(FromEntity(entity));
        }

        return evaluations;
    }

    private static string RowKey(int year) => year.ToString("D4", CultureInfo.InvariantCulture);

    private static OperatorEvaluation FromEntity(TableEntity entity)
        => JsonSerializer.Deserialize<OperatorEvaluation>(entity.GetString("Data"), StorageJson.Options)
           ?? throw new InvalidOperationException($"Row {entity.PartitionKey}/{entity.RowKey} holds no evaluation.");

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _created, 1);
        }
    }
}
