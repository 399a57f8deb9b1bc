using Platform.Domain.Agreements;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Resources;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Workflows;

namespace Platform.Domain.Scenarios;

/// <summary>
/// M2.3: the authority, not the operator, organises expert review of a scenario under review.
/// </summary>
public sealed class ScenarioExperts(ScenarioService scenarios, IScenarioStore store, IOrganizationStore organizations, IAuditTrail audit, IClock clock)
{
    /// <summary>
    /// M2.3: the authority adds expert reviewers to the open round of a scenario under review; each gets a signed link
    /// and the round waits for it too. An expert from the operator's own side is refused (409 <c>scenario.reviewer_conflict</c>).
    /// </summary>
    public async Task<Versioned<Scenario>> AddExpertsAsync(string id, IReadOnlyList<string?>? experts, Caller caller, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        if (caller.Role != Roles.Authority)
        {
            throw new DomainException(FailureKind.Forbidden, "auth.forbidden_role", "Only the authority organises expert review (M2.3).");
        }

        var current = await scenarios.GetAsync(id, caller, cancellationToken);
        var wanted = (experts ?? []).Select(e => e?.Trim() ?? "").ToList();
        if (wanted.Count == 0 || wanted.Count > ScenarioRules.MaxExperts || wanted.Any(e => e.Length == 0) || wanted.Distinct(StringComparer.Ordinal).Count() != wanted.Count)
        {
            throw new DomainException(FailureKind.Unprocessable, "scenario.invalid", "Name 1 to 10 distinct expert organisations.",
                new Dictionary<string, string[]> { ["experts"] = [$"1 to {ScenarioRules.MaxExperts} distinct reviewer organisation ids."] });
        }

        var operatorOrganization = (await organizations.GetAsync(current.Value.OperatorId, cancellationToken))?.Value;
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < wanted.Count; i++)
        {
            var expert = ResourceId.IsLookupKey(wanted[i]) ? (await organizations.GetAsync(wanted[i], cancellationToken))?.Value : null;
            if (expert is not null && operatorOrganization is not null && ScenarioRules.ReviewerConflict(expert, operatorOrganization) is { } conflict)
            {
                throw new DomainException(FailureKind.Conflict, "scenario.reviewer_conflict", $"'{wanted[i]}' cannot review this scenario: {conflict}");
            }

            if (expert?.Kind != OrganizationKind.Reviewer)
            {
                errors[$"experts[{i}]"] = [$"'{wanted[i]}' is not a registered reviewer organisation."];
            }
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "scenario.invalid", "Some experts are not registered reviewer organisations.", errors);
        }

        var added = new List<string>();
        var (updated, _) = await OptimisticChange.ApplyAsync(ct => store.GetAsync(id, ct), store.ReplaceAsync, scenario =>
        {
            added.Clear();
            foreach (var expert in wanted)
            {
                (scenario, var isNew) = ScenarioRules.AddExpert(scenario, expert, clock.UtcNow);
                if (isNew)
                {
                    added.Add(ScenarioRules.ExpertSlot(expert).Slot);
                }
            }

            return scenario;
        }, () => new DomainException(FailureKind.NotFound, "scenario.not_found", $"Scenario '{id}' does not exist."), cancellationToken);
        if (added.Count > 0)
        {
            await audit.RecordAsync(caller, "scenario.experts_added", ScenarioService.TargetOf(id), new { round = updated.CurrentRound.Number, slots = added }, cancellationToken);
        }

        foreach (var slot in added)
        {
            await workflows.RaiseEventAsync(updated.CurrentRound.InstanceId, ScenarioService.ReviewerAddedEventName, new ScenarioReviewerAdded(slot), cancellationToken);
        }

        return (await store.GetAsync(id, cancellationToken))!;
    }
}
