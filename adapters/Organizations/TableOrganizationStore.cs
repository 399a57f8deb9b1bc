using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Organizations;

namespace Platform.Adapters.Organizations;

public sealed class TableOrganizationStore(TableServiceClient tables) : IOrganizationStore
{
    private readonly JsonTableStore<Organization> _store = new(tables, "organizations", "organization", "organization");

    public Task<string> AddAsync(Organization organization, CancellationToken cancellationToken = default)
        => _store.AddAsync(organization.Id, organization, new Dictionary<string, string> { ["creditCode"] = organization.CreditCode }, Columns(organization), cancellationToken);

    public Task<Versioned<Organization>?> GetAsync(string id, CancellationToken cancellationToken = default) => _store.GetAsync(id, cancellationToken);

    public Task<string> ReplaceAsync(Organization organization, string ifMatch, CancellationToken cancellationToken = default)
        => _store.ReplaceAsync(organization.Id, organization, ifMatch, Columns(organization), cancellationToken);

    private static Dictionary<string, object> Columns(Organization organization) => new()
    {
        ["Kind"] = organization.Kind.ToString().ToLowerInvariant(),
        ["Qualified"] = organization.Qualified,
    };
}
