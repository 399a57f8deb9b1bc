using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Personnel;

namespace Platform.Adapters.Personnel;

public sealed class TablePersonnelStore(TableServiceClient tables) : IPersonnelStore
{
    // The reservation row's name; JsonTableStore reports a clash on it as "personnel.duplicate_org_id_number".
    private const string OrgIdNumberKey = "orgIdNumber";

    private readonly JsonTableStore<StaffMember> _store = new(tables, "personnel", "personnel", "personnel");

    public async Task<string> AddAsync(StaffMember staff, CancellationToken cancellationToken = default)
    {
        try
        {
            // One ID number per organisation: the keyed hash is reserved together with the organisation in one transaction.
            return await _store.AddAsync(staff.Id, staff, new Dictionary<string, string> { [OrgIdNumberKey] = $"{staff.OrgId}~{staff.IdNumberHash}" }, Columns(staff), cancellationToken);
        }
        catch (DomainException e) when (e.Code == "personnel.duplicate_org_id_number")
        {
            throw new DomainException(FailureKind.Conflict, "personnel.duplicate",
                $"Organisation '{staff.OrgId}' has already registered a staff member with this ID number ({staff.IdNumberMasked}).",
                new Dictionary<string, string[]> { ["idNumber"] = ["Already registered in this organisation."] });
        }
    }

    public Task<Versioned<StaffMember>?> GetAsync(string id, CancellationToken cancellationToken = default) => _store.GetAsync(id, cancellationToken);

    public Task<string> ReplaceAsync(StaffMember staff, string ifMatch, CancellationToken cancellationToken = default)
        => _store.ReplaceAsync(staff.Id, staff, ifMatch, Columns(staff), cancellationToken);

    public Task<(IReadOnlyList<StaffMember> Items, string? ContinuationToken)> QueryAsync(string? orgId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => _store.QueryAsync(orgId is null ? null : TableClient.CreateQueryFilter($"OrgId eq {orgId}"), pageSize, continuationToken, cancellationToken);

    private static Dictionary<string, object> Columns(StaffMember staff) => new()
    {
        ["OrgId"] = staff.OrgId,
        ["FilingState"] = staff.FilingState.ToString().ToLowerInvariant(),
        ["Cleared"] = staff.Cleared,
    };
}
