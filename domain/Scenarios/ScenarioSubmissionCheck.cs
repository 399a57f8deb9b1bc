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
/// What a scenario submission or resubmission must satisfy before a review round starts: a live agreement of the
/// caller's own (M3.4), data needs naming published resources whose holders become the reviewers (M4.2), suggested
/// experts that are registered reviewers, and needs inside the authorised scope (M3.3, M3.5, M5.5.4).
/// </summary>
public sealed class ScenarioSubmissionCheck(
    IAgreementStore agreements,
    IOrganizationStore organizations,
    IResourceStore resources,
    AuthorizationBinding authorization)
{
    public async Task<(Agreement Agreement, ScenarioContent Content)> CheckAsync(string? agreementId, ScenarioDraft draft, Caller caller, CancellationToken cancellationToken = default)
    {
        var agreement = await EnsureAgreementLiveAsync(agreementId, caller, cancellationToken);
        var content = await ValidateAsync(draft, cancellationToken);
        // M3.5 re-checked at submission; M3.3, M5.5.4: the data needs lie inside the authorised scope.
        await authorization.EnsureBindsAsync(agreement, ScopeItemsOf(content), cancellationToken);
        return (agreement, content);
    }

    private async Task<Agreement> EnsureAgreementLiveAsync(string? agreementId, Caller caller, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(agreementId))
        {
            throw new DomainException(FailureKind.Unprocessable, "scenario.invalid", "The agreement the scenario is submitted under is required.",
                new Dictionary<string, string[]> { ["agreementId"] = ["Required."] });
        }

        var agreement = await agreements.GetAsync(agreementId.Trim(), cancellationToken);
        // M4.2 builds on M3.4: only an operator holding a live agreement of its own can submit scenarios under it.
        if (agreement is null || agreement.Value.OperatorId != caller.Organization)
        {
            throw new DomainException(FailureKind.Conflict, "scenario.agreement_not_active",
                $"Agreement '{agreementId}' is not an active agreement of your organisation; scenarios are submitted under an active agreement.");
        }

        // M3.4: only while the agreement is in force (not before its start, not after its end).
        AgreementRules.EnsureInForce(agreement.Value);

        return agreement.Value;
    }

    private static IEnumerable<ScopeItem> ScopeItemsOf(ScenarioContent content)
        => content.DataNeeds.Select((need, i) => new ScopeItem($"dataNeeds[{i}].resourceId", need.ResourceId, need.ProviderId));

    /// <summary>Checks the draft and takes each need's providers from the published catalogue (M4.2).</summary>
    private async Task<ScenarioContent> ValidateAsync(ScenarioDraft draft, CancellationToken cancellationToken)
    {
        var content = ScenarioRules.Validate(draft);
        var published = new Dictionary<string, ResourceHolder>(StringComparer.Ordinal);
        foreach (var need in content.DataNeeds)
        {
            var resource = ResourceId.IsLookupKey(need.ResourceId) ? (await resources.GetAsync(need.ResourceId, cancellationToken))?.Value : null;
            if (resource?.Status == ResourceStatus.Published)
            {
                published[need.ResourceId] = new ResourceHolder(resource.Id, resource.ProviderId, resource.SharedFrom);
            }
        }

        content = ScenarioRules.WithHolders(content, published);
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < content.Experts.Count; i++)
        {
            if (!await IsOrganizationOfKindAsync(content.Experts[i], OrganizationKind.Reviewer, cancellationToken))
            {
                errors[$"experts[{i}]"] = [$"'{content.Experts[i]}' is not a registered reviewer organisation."];
            }
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "scenario.invalid", "Some experts suggested by the scenario are not registered.", errors);
        }

        return content;
    }

    private async Task<bool> IsOrganizationOfKindAsync(string id, OrganizationKind kind, CancellationToken cancellationToken)
    {
        return ResourceId.IsLookupKey(id) && (await organizations.GetAsync(id, cancellationToken))?.Value.Kind == kind;
    }
}
