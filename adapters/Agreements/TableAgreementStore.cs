using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Agreements;
using Platform.Domain.Organizations;

namespace Platform.Adapters.Agreements;

public sealed class TableAgreementStore(TableServiceClient tables) : IAgreementStore
{
    private readonly JsonTableStore<Agreement> _store = new(tables, "agreements", "agreement", "agreement");

    public Task<string> AddAsync(Agreement agreement, CancellationToken cancellationToken = default)
        => _store.AddAsync(agreement.Id, agreement, null, Columns(agreement), cancellationToken);

    public Task<Versioned<Agreement>?> GetAsync(string id, CancellationToken cancellationToken = default) => _store.GetAsync(id, cancellationToken);

    public Task<string> ReplaceAsync(Agreement agreement, string ifMatch, CancellationToken cancellationToken = default)
        => _store.ReplaceAsync(agreement.Id, agreement, ifMatch, Columns(agreement), cancellationToken);

    public Task<(IReadOnlyList<Agreement> Items, string? ContinuationToken)> ListAsync(string? operatorId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => _store.QueryAsync(operatorId is null ? null : TableClient.CreateQueryFilter($"OperatorId eq {operatorId}"), pageSize, continuationToken, cancellationToken);

    public Task<IReadOnlyList<Agreement>> ListByPlanAsync(string planId, CancellationToken cancellationToken = default)
        => _store.QueryAllAsync(TableClient.CreateQueryFilter($"PlanId eq {planId}"), cancellationToken);

    public Task<IReadOnlyList<Agreement>> ListTermOverlappingAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
        => _store.QueryAllAsync(TableClient.CreateQueryFilter($"StartsOn le {DateText(to)} and EndsOn ge {DateText(from)}"), cancellationToken);

    // ISO dates as text compare in date order, which is what the term filter needs.
    private static string DateText(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static Dictionary<string, object> Columns(Agreement agreement) => new()
    {
        ["OperatorId"] = agreement.OperatorId,
        ["PlanId"] = agreement.PlanId,
        ["Status"] = agreement.Status.ToString().ToLowerInvariant(),
        ["StartsOn"] = DateText(agreement.StartsOn),
        ["EndsOn"] = DateText(agreement.EndsOn),
    };
}
