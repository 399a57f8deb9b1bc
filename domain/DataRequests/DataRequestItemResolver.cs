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
/// The items of a data request as the catalogue and the authorisation allow them: within the scenario's approved data
/// needs (M4.2, M4.3), inside the authorised scope (M3.3, M3.5, M5.5.4), from published resources (M4.1) of the
/// provider the scenario was approved for, naming fields (or coarse attributes derived from identifiers) that exist.
/// </summary>
public sealed class DataRequestItemResolver(IResourceStore resources, AuthorizationBinding authorization)
{
    public async Task<IReadOnlyList<DataRequestItem>> ResolveAsync(Agreement agreement, Scenario scenario, IReadOnlyList<RequestedItem> requested, Func<string, string> newId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(scenario);
        var needs = scenario.Content.DataNeeds;
        DataRequestRules.EnsureWithinScenario(requested, needs);
        // M3.5 re-checked at submission; M3.3, M5.5.4: only resources inside the authorised scope are requested.
        await authorization.EnsureBindsAsync(agreement, requested.Select((item, i) => new ScopeItem($"items[{i}].resourceId", item.ResourceId,
            needs.FirstOrDefault(n => n.ResourceId == item.ResourceId)?.ProviderId)), cancellationToken);

        var notPublished = new Dictionary<string, string[]>();
        var invalid = new Dictionary<string, string[]>();
        var items = new List<DataRequestItem>();
        for (var i = 0; i < requested.Count; i++)
        {
            var need = needs.First(n => n.ResourceId == requested[i].ResourceId);
            var resource = ResourceId.IsLookupKey(requested[i].ResourceId) ? (await resources.GetAsync(requested[i].ResourceId, cancellationToken))?.Value : null;
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
}
