using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Security;
using static Platform.Domain.DataRequests.DataRequestContract;

namespace Platform.Domain.DataRequests;

/// <summary>Reading data requests with object-level access, and providers' review timeliness (M4.7.2).</summary>
public sealed class DataRequestQueries(IDataRequestStore store, IReviewTimelinessStore timeliness)
{
    public async Task<Versioned<DataRequest>> GetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        // Object-level access: the operator its own requests, providers the requests asking for their data.
        if (found is null || !MayRead(found.Value, caller))
        {
            throw new DomainException(FailureKind.NotFound, NotFoundCode, $"Data request '{id}' does not exist.");
        }

        return found;
    }

    public Task<(IReadOnlyList<DataRequest> Items, string? ContinuationToken)> ListAsync(Caller caller, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => store.ListAsync(caller.Role == Roles.Operator ? caller.Organization : null, pageSize, continuationToken, cancellationToken);

    /// <summary>A provider's review timeliness for requests submitted in <paramref name="year"/> (M4.7.2, for the contribution score).</summary>
    public Task<IReadOnlyList<ReviewTimeliness>> ListTimelinessAsync(string providerId, int year, CancellationToken cancellationToken = default)
        => timeliness.ListAsync(providerId, year, cancellationToken);

    private static bool MayRead(DataRequest request, Caller caller) => caller.Role switch
    {
        Roles.Authority or Roles.Supervisor => true,
        Roles.Operator => request.OperatorId == caller.Organization,
        Roles.Provider => request.Providers.Contains(caller.Organization),
        _ => false,
    };
}
