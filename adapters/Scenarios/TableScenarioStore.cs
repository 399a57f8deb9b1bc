using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Organizations;
using Platform.Domain.Scenarios;

namespace Platform.Adapters.Scenarios;

public sealed class TableScenarioStore(TableServiceClient tables) : IScenarioStore
{
    private const int AgreementPageSize = 200;
    private readonly JsonTableStore<Scenario> _store = new(tables, "scenarios", "scenario", "scenario");

    public Task<string> AddAsync(Scenario scenario, CancellationToken cancellationToken = default)
        => _store.AddAsync(scenario.Id, scenario, null, Columns(scenario), cancellationToken);

    public Task<Versioned<Scenario>?> GetAsync(string id, CancellationToken cancellationToken = default) => _store.GetAsync(id, cancellationToken);

    public Task<string> ReplaceAsync(Scenario scenario, string ifMatch, CancellationToken cancellationToken = default)
        => _store.ReplaceAsync(scenario.Id, scenario, ifMatch, Columns(scenario), cancellationToken);

    public Task<(IReadOnlyList<Scenario> Items, string? ContinuationToken)> ListAsync(string? operatorId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => _store.QueryAsync(operatorId is null ? null : TableClient.CreateQueryFilter($"OperatorId eq {operatorId}"), pageSize, continuationToken, cancellationToken);

    public Task<IReadOnlyList<Scenario>> ListByAgreementAsync(string agreementId, CancellationToken cancellationToken = default)
        => _store.QueryAllAsync(TableClient.CreateQueryFilter($"AgreementId eq {agreementId}"), AgreementPageSize, cancellationToken);

    public Task<IReadOnlyList<Scenario>> ListActiveBetweenAsync(string? operatorId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default)
    {
        var period = TableClient.CreateQueryFilter($"CreatedAt lt {toUtc} and UpdatedAt ge {fromUtc}");
        return _store.QueryAllAsync(operatorId is null ? period : $"{TableClient.CreateQueryFilter($"OperatorId eq {operatorId}")} and {period}", cancellationToken);
    }

    private static Dictionary<string, object> Columns(Scenario scenario) => new()
    {
        ["OperatorId"] = scenario.OperatorId,
        ["AgreementId"] = scenario.AgreementId,
        ["Status"] = scenario.Status.ToString().ToLowerInvariant(),
        ["CreatedAt"] = scenario.CreatedAt,
        ["UpdatedAt"] = scenario.UpdatedAt,
    };
}
