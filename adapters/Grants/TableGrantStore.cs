using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Grants;
using Platform.Domain.Organizations;

namespace Platform.Adapters.Grants;

/// <summary>Grants in table <c>grants</c>, with the operator and agreement as columns for listing and revocation.</summary>
public sealed class TableGrantStore(TableServiceClient tables) : IGrantStore
{
    private const int AgreementPageSize = 200;
    private readonly JsonTableStore<Grant> _store = new(tables, "grants", "grant", "grant");

    public Task<string> AddAsync(Grant grant, CancellationToken cancellationToken = default)
        => _store.AddAsync(grant.Id, grant, null, Columns(grant), cancellationToken);

    public Task<Versioned<Grant>?> GetAsync(string id, CancellationToken cancellationToken = default) => _store.GetAsync(id, cancellationToken);

    public Task<string> ReplaceAsync(Grant grant, string ifMatch, CancellationToken cancellationToken = default)
        => _store.ReplaceAsync(grant.Id, grant, ifMatch, Columns(grant), cancellationToken);

    public Task<(IReadOnlyList<Grant> Items, string? ContinuationToken)> ListAsync(string? operatorId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => _store.QueryAsync(operatorId is null ? null : TableClient.CreateQueryFilter($"OperatorId eq {operatorId}"), pageSize, continuationToken, cancellationToken);

    public Task<IReadOnlyList<Grant>> ListByAgreementAsync(string agreementId, CancellationToken cancellationToken = default)
        => _store.QueryAllAsync(TableClient.CreateQueryFilter($"AgreementId eq {agreementId}"), AgreementPageSize, cancellationToken);

    public Task<IReadOnlyList<Grant>> ListIssuedBetweenAsync(string? operatorId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default)
    {
        var period = TableClient.CreateQueryFilter($"IssuedAt ge {fromUtc} and IssuedAt lt {toUtc}");
        return _store.QueryAllAsync(operatorId is null ? period : $"{TableClient.CreateQueryFilter($"OperatorId eq {operatorId}")} and {period}", cancellationToken);
    }

    private static Dictionary<string, object> Columns(Grant grant) => new()
    {
        ["OperatorId"] = grant.OperatorId,
        ["AgreementId"] = grant.AgreementId,
        ["DataRequestId"] = grant.DataRequestId,
        ["Status"] = grant.Status.ToString().ToLowerInvariant(),
        ["IssuedAt"] = grant.IssuedAt,
    };
}
