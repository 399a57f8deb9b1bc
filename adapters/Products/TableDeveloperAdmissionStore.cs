using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Organizations;
using Platform.Domain.Products;

namespace Platform.Adapters.Products;

/// <summary>Developer admissions in table <c>developeradmissions</c>, queryable by developer.</summary>
public sealed class TableDeveloperAdmissionStore(TableServiceClient tables) : IDeveloperAdmissionStore
{
    private readonly JsonTableStore<DeveloperAdmission> _store = new(tables, "developeradmissions", "admission", "developer_admission");

    public Task<string> AddAsync(DeveloperAdmission admission, CancellationToken cancellationToken = default)
        => _store.AddAsync(admission.Id, admission, null, Columns(admission), cancellationToken);

    public Task<Versioned<DeveloperAdmission>?> GetAsync(string id, CancellationToken cancellationToken = default)
        => TableKeys.IsValid(id) ? _store.GetAsync(id, cancellationToken) : Task.FromResult<Versioned<DeveloperAdmission>?>(null);

    public Task<string> ReplaceAsync(DeveloperAdmission admission, string ifMatch, CancellationToken cancellationToken = default)
        => _store.ReplaceAsync(admission.Id, admission, ifMatch, Columns(admission), cancellationToken);

    public Task<IReadOnlyList<DeveloperAdmission>> ListByDeveloperAsync(string developerId, CancellationToken cancellationToken = default)
        => _store.QueryAllAsync(TableClient.CreateQueryFilter($"DeveloperId eq {developerId}"), 200, cancellationToken);

    private static Dictionary<string, object> Columns(DeveloperAdmission admission) => new()
    {
        ["DeveloperId"] = admission.DeveloperId,
        ["OperatorId"] = admission.OperatorId,
        ["Status"] = ProductWire.Of(admission.Status),
    };
}
