using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Time;

namespace Platform.Domain.Scenarios;

/// <summary>Reading and changing stored scenarios for the review steps, and organisations' display names for the notices.</summary>
public sealed class ScenarioRecords(IScenarioStore store, IOrganizationStore organizations)
{
    public IScenarioStore Store => store;

    public async Task<Scenario> RequireAsync(string id, CancellationToken cancellationToken)
        => (await store.GetAsync(id, cancellationToken))?.Value ?? throw NotFound(id);

    /// <summary>Decisions arrive in parallel: the change is applied again on top of the other.</summary>
    public Task<(Scenario Scenario, bool Changed)> ChangeAsync(string id, Func<Scenario, Scenario> change, CancellationToken cancellationToken)
        => OptimisticChange.ApplyAsync(ct => store.GetAsync(id, ct), store.ReplaceAsync, change, () => NotFound(id), cancellationToken);

    public async Task<string> OrganizationNameAsync(string id, CancellationToken cancellationToken)
        => (await organizations.GetAsync(id, cancellationToken))?.Value.Name ?? id;

    private static DomainException NotFound(string id) => new(FailureKind.NotFound, "scenario.not_found", $"Scenario '{id}' does not exist.");
}
