using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Organizations;
using Platform.Domain.Oversight;

namespace Platform.Adapters.Oversight;

public sealed class TableIncidentStore(TableServiceClient tables) : IIncidentStore
{
    private readonly JsonTableStore<SecurityIncident> _store = new(tables, "incidents", "incident", "incident");

    public Task<string> AddAsync(SecurityIncident incident, CancellationToken cancellationToken = default)
        => _store.AddAsync(incident.Id, incident, null, new Dictionary<string, object> { ["OrganizationId"] = incident.OrganizationId, ["ReportedAt"] = incident.ReportedAt }, cancellationToken);

    public Task<IReadOnlyList<SecurityIncident>> ListReportedBetweenAsync(string? organizationId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default)
    {
        var period = TableClient.CreateQueryFilter($"ReportedAt ge {fromUtc} and ReportedAt lt {toUtc}");
        var filter = organizationId is null ? period : $"{TableClient.CreateQueryFilter($"OrganizationId eq {organizationId}")} and {period}";
        return _store.QueryAllAsync(filter, cancellationToken);
    }

    public Task<Versioned<SecurityIncident>?> GetAsync(string id, CancellationToken cancellationToken = default) => _store.GetAsync(id, cancellationToken);

    public Task<string> ReplaceAsync(SecurityIncident incident, string ifMatch, CancellationToken cancellationToken = default)
        => _store.ReplaceAsync(incident.Id, incident, ifMatch, new Dictionary<string, object> { ["OrganizationId"] = incident.OrganizationId, ["ReportedAt"] = incident.ReportedAt }, cancellationToken);
}

public sealed class TableSuspensionStore(TableServiceClient tables) : ISuspensionStore
{
    private readonly JsonTableStore<OperatorSuspension> _store = new(tables, "suspensions", "suspension", "suspension");

    public Task<Versioned<OperatorSuspension>?> GetAsync(string operatorId, CancellationToken cancellationToken = default) => _store.GetAsync(operatorId, cancellationToken);

    public Task<string> PutAsync(OperatorSuspension suspension, string? ifMatch, CancellationToken cancellationToken = default)
        => ifMatch is null
            ? _store.AddAsync(suspension.OperatorId, suspension, null, Columns(suspension), cancellationToken)
            : _store.ReplaceAsync(suspension.OperatorId, suspension, ifMatch, Columns(suspension), cancellationToken);

    private static Dictionary<string, object> Columns(OperatorSuspension suspension) => new() { ["Suspended"] = suspension.Suspended };
}
