using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Time;
using static Platform.Domain.DataRequests.DataRequestContract;

namespace Platform.Domain.DataRequests;

/// <summary>
/// Reading and changing stored data requests for the steps: the request by id, a change re-applied on a lost race,
/// a review's timeliness record (M4.7.2) and an organisation's display name for the notices.
/// </summary>
public sealed class DataRequestRecords(IDataRequestStore store, IReviewTimelinessStore timeliness, IOrganizationStore organizations, IClock clock)
{
    public IDataRequestStore Store => store;

    public async Task<DataRequest> RequireAsync(string id, CancellationToken cancellationToken)
        => (await store.GetAsync(id, cancellationToken))?.Value ?? throw NotFound(id);

    /// <summary>Decisions of several providers arrive in parallel: the change is applied again on top of the other.</summary>
    public Task<(DataRequest Request, bool Changed)> ChangeAsync(string id, Func<DataRequest, DateTimeOffset, DataRequest> change, CancellationToken cancellationToken)
        => OptimisticChange.ApplyAsync(ct => store.GetAsync(id, ct), store.ReplaceAsync, r => change(r, clock.UtcNow), () => NotFound(id), cancellationToken);

    public async Task RecordTimelinessAsync(DataRequest request, ProviderReview review, CancellationToken cancellationToken)
    {
        if (DataRequestRules.TimelinessOf(request, review) is { } record)
        {
            await timeliness.UpsertAsync(record, cancellationToken);
        }
    }

    public async Task<string> OrganizationNameAsync(string id, CancellationToken cancellationToken)
        => (await organizations.GetAsync(id, cancellationToken))?.Value.Name ?? id;

    public static DomainException NotFound(string id) => new(FailureKind.NotFound, NotFoundCode, $"Data request '{id}' does not exist.");
}
