using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Organizations;
using Platform.Domain.Plans;

namespace Platform.Adapters.Plans;

public sealed class TablePlanStore(TableServiceClient tables) : IPlanStore
{
    private readonly JsonTableStore<Plan> _store = new(tables, "plans", "plan", "plan");

    public Task<string> AddAsync(Plan plan, CancellationToken cancellationToken = default)
        => _store.AddAsync(plan.Id, plan, columns: Columns(plan), cancellationToken: cancellationToken);

    public Task<Versioned<Plan>?> GetAsync(string id, CancellationToken cancellationToken = default) => _store.GetAsync(id, cancellationToken);

    public Task<string> ReplaceAsync(Plan plan, string ifMatch, CancellationToken cancellationToken = default)
        => _store.ReplaceAsync(plan.Id, plan, ifMatch, Columns(plan), cancellationToken);

    public Task<(IReadOnlyList<Plan> Items, string? ContinuationToken)> QueryAsync(PlanStatus? status, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => _store.QueryAsync(status is null ? null : TableClient.CreateQueryFilter($"Status eq {StatusName(status.Value)}"), pageSize, continuationToken, cancellationToken);

    private static string StatusName(PlanStatus status) => status.ToString().ToLowerInvariant();

    private static Dictionary<string, object> Columns(Plan plan) => new()
    {
        ["Status"] = StatusName(plan.Status),
        ["Region"] = plan.Region,
        ["Filed"] = plan.Filing is not null,
    };
}
