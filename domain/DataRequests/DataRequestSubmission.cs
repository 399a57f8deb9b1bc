using Platform.Domain.Agreements;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Organizations;
using Platform.Domain.Oversight;
using Platform.Domain.Resources;
using Platform.Domain.Scenarios;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Workflows;
using static Platform.Domain.DataRequests.DataRequestContract;

namespace Platform.Domain.DataRequests;

/// <summary>
/// An operator files a data request under its approved scenario and live agreement, within the scenario's approved
/// data needs and from published resources (M4.1–M4.3), and the provider review starts.
/// </summary>
public sealed class DataRequestSubmission(
    IDataRequestStore store,
    IScenarioStore scenarios,
    IAgreementStore agreements,
    DataRequestItemResolver itemResolver,
    IOperatorAccessGuard operatorAccess,
    IAuditTrail audit,
    IClock clock,
    TimeCompression compression)
{
    /// <summary>
    /// Files a data request under an approved scenario of the caller and starts its review. <paramref name="newId"/>
    /// mints ids for a prefix: the grant and sample-job ids are reserved now so that provisioning can be repeated safely.
    /// </summary>
    public async Task<Versioned<DataRequest>> SubmitAsync(string id, string scenarioId, DataRequestDraft draft, Caller caller, Func<string, string> newId,
        IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(newId);
        var scenario = (await scenarios.GetAsync(scenarioId, cancellationToken))?.Value;
        if (scenario is null || caller.Role != Roles.Operator || scenario.OperatorId != caller.Organization)
        {
            throw new DomainException(FailureKind.NotFound, "scenario.not_found", $"Scenario '{scenarioId}' does not exist.");
        }

        // M5.5: a suspended operator gets no data.
        await operatorAccess.EnsureMayStartWorkAsync(caller, cancellationToken);
        if (scenario.Status != ScenarioStatus.Approved)
        {
            throw new DomainException(FailureKind.Conflict, ScenarioNotApprovedCode,
                $"Scenario '{scenarioId}' is {ScenarioRules.Wire(scenario.Status)}; data is requested only under an approved scenario (M4.2, M4.3).");
        }

        var agreement = (await agreements.GetAsync(scenario.AgreementId, cancellationToken))?.Value;
        if (agreement is null)
        {
            throw new DomainException(FailureKind.Conflict, AgreementNotActiveCode,
                $"Agreement '{scenario.AgreementId}' is not active; data is requested only under a live agreement (M3.6).");
        }

        // M3.4, M3.6: data is requested only while the agreement is in force.
        AgreementRules.EnsureInForce(agreement);

        var (requested, purpose) = DataRequestRules.Validate(draft);
        var items = await itemResolver.ResolveAsync(agreement, scenario, requested, newId, cancellationToken);
        var reviews = items.Select(i => i.ProviderId).Distinct(StringComparer.Ordinal)
            .Select(provider => new ProviderReview(DataRequestRules.SlotOf(provider), provider, newId(GrantIdPrefix)))
            .ToList();
        var now = clock.UtcNow;
        var request = new DataRequest(id, scenario.Id, scenario.Content.Title, agreement.Id, agreement.OperatorId, purpose, items, reviews,
            DataRequestStatus.Pending, now, caller.Subject, now);
        var etag = await store.AddAsync(request, cancellationToken);
        await audit.RecordAsync(caller, "data_request.submitted", TargetOf(id),
            new { scenarioId, purpose, items = items.Select(i => new { i.ResourceId, i.Fields }) }, cancellationToken);
        await workflows.StartAsync(Orchestrator, request.InstanceId, new DataRequestReviewInput(id, now.UtcDateTime, compression.Factor), cancellationToken);
        return new Versioned<DataRequest>(request, etag);
    }
}
