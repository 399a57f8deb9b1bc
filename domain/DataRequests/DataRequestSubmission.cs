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
    IResourceStore resources,
    IOperatorAccessGuard operatorAccess,
    IAuditTrail audit,
    IClock clock,
    TimeCompression compression,
    AuthorizationBinding authorization)
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
        DataRequestRules.EnsureWithinScenario(requested, scenario.Content.DataNeeds);
        // M3.5 re-checked at submission; M3.3, M5.5.4: only resources inside the authorised scope are requested.
        await authorization.EnsureBindsAsync(agreement, requested.Select((item, i) => new ScopeItem($"items[{i}].resourceId", item.ResourceId,
            scenario.Content.DataNeeds.FirstOrDefault(n => n.ResourceId == item.ResourceId)?.ProviderId)), cancellationToken);
        var items = await ResolveItemsAsync(requested, scenario.Content.DataNeeds, newId, cancellationToken);
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

    private async Task<IReadOnlyList<DataRequestItem>> ResolveItemsAsync(IReadOnlyList<RequestedItem> requested, IReadOnlyList<DataNeed> needs, Func<string, string> newId, CancellationToken cancellationToken)
    {
        var notPublished = new Dictionary<string, string[]>();
        var invalid = new Dictionary<string, string[]>();
        var items = new List<DataRequestItem>();
        for (var i = 0; i < requested.Count; i++)
        {
            var need = needs.First(n => n.ResourceId == requested[i].ResourceId);
            var resource = IsStorableKey(requested[i].ResourceId) ? (await resources.GetAsync(requested[i].ResourceId, cancellationToken))?.Value : null;
            if (resource is null || resource.Status != ResourceStatus.Published)
            {
                notPublished[$"items[{i}].resourceId"] = [$"Resource '{requested[i].ResourceId}' is not published in the catalogue."];
                continue;
            }

            if (resource.ProviderId != need.ProviderId)
            {
                invalid[$"items[{i}].resourceId"] = [$"The scenario was approved for this resource from provider '{need.ProviderId}', but it is held by '{resource.ProviderId}'."];
                continue;
            }

            var byName = resource.Fields.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
            // A field, or a coarse attribute derived from an identifier (issue 14 item 0: "id_number:birth_year").
            var unknown = requested[i].Fields.Where(f => LibraryColumns.Problem(resource.Fields, f) is not null).ToList();
            if (unknown.Count > 0)
            {
                invalid[$"items[{i}].fields"] = [$"Not fields of resource '{resource.Name}': {string.Join(", ", unknown)}."];
                continue;
            }

            items.Add(new DataRequestItem(resource.Id, resource.Name, resource.ProviderId, requested[i].Fields.Select(f => LibraryColumns.TryParseDerived(f, out var source, out _)
                    ? byName[source].Name + f[source.Length..]
                    : byName[f].Name).ToList(),
                need.Justification, DataRequestItemStatus.Pending, newId(SampleJobIdPrefix)));
        }

        if (notPublished.Count > 0)
        {
            // M4.1: data is requested only from the published catalogue.
            throw new DomainException(FailureKind.Unprocessable, ResourceNotPublishedCode, "Data is requested only from published resources (M4.1).", notPublished);
        }

        if (invalid.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, DataRequestRules.InvalidCode, "Some items do not match the catalogue.", invalid);
        }

        return items;
    }

    private static bool IsStorableKey(string id) => id.Length <= 128 && !id.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
}
