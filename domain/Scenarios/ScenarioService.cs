using Platform.Domain.Agreements;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Resources;
using Platform.Domain.Oversight;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Workflows;

namespace Platform.Domain.Scenarios;

/// <summary>
/// Scenarios, "one scenario, one review" (M4.2): what HTTP calls — submission and resubmission under an active
/// agreement (each starts a review round) and reading with object-level access. The round's steps are
/// <see cref="ScenarioReviewSteps"/>, cancellation with the agreement <see cref="ScenarioReviewRevocationStep"/>.
/// </summary>
public sealed class ScenarioService(
    IScenarioStore store,
    IAgreementStore agreements,
    IOrganizationStore organizations,
    IResourceStore resources,
    IOperatorAccessGuard operatorAccess,
    IAuditTrail audit,
    IClock clock,
    TimeCompression compression,
    ScenarioReviewSettings settings,
    AuthorizationBinding authorization)
{
    public const string ReviewKind = "scenario-review";
    public const string ReviewOrchestrator = OrchestratorNames.ScenarioReview;
    public const string SubjectKind = "scenario";
    public const string NotificationCategory = "scenario-review";

    /// <summary>Raised on the running round when the authority adds a reviewer; the payload is <see cref="ScenarioReviewerAdded"/>.</summary>
    public const string ReviewerAddedEventName = "scenario-reviewer-added";

    public static string ReviewInstanceId(string scenarioId, int round) => WorkflowInstanceIds.For(ReviewKind, $"{scenarioId}-r{round}");

    public static string TargetOf(string scenarioId) => $"scenarios/{scenarioId}";

    public async Task<Versioned<Scenario>> SubmitAsync(string id, string? agreementId, ScenarioDraft draft, Caller caller, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        await operatorAccess.EnsureMayStartWorkAsync(caller, cancellationToken);
        var agreement = await EnsureAgreementLiveAsync(agreementId, caller, cancellationToken);
        var content = await ValidateAsync(draft, cancellationToken);
        // M3.5 re-checked at submission; M3.3, M5.5.4: the data needs lie inside the authorised scope.
        await authorization.EnsureBindsAsync(agreement, ScopeItemsOf(content), cancellationToken);
        var now = clock.UtcNow;
        var instanceId = ReviewInstanceId(id, 1);
        var scenario = new Scenario(id, agreement.Id, agreement.OperatorId, ScenarioStatus.InReview,
            [ScenarioRules.NewRound(1, instanceId, content, now, now + settings.ReviewDeadline)], now, caller.Subject, now);
        var etag = await store.AddAsync(scenario, cancellationToken);
        await audit.RecordAsync(caller, "scenario.submitted", TargetOf(id), content, cancellationToken);
        await StartRoundAsync(scenario, workflows, cancellationToken);
        return new Versioned<Scenario>(scenario, etag);
    }

    public async Task<Versioned<Scenario>> ResubmitAsync(string id, ScenarioDraft draft, string? ifMatch, Caller caller, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(id, caller, cancellationToken);
        if (caller.Role != Roles.Operator)
        {
            throw new DomainException(FailureKind.Forbidden, "auth.forbidden_role", "Only the operator that submitted the scenario can resubmit it.");
        }

        if (ifMatch is not null && ifMatch != current.ETag)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The scenario changed since you read it; read it again and retry.");
        }

        await operatorAccess.EnsureMayStartWorkAsync(caller, cancellationToken);
        var agreement = await EnsureAgreementLiveAsync(current.Value.AgreementId, caller, cancellationToken);
        var content = await ValidateAsync(draft, cancellationToken);
        await authorization.EnsureBindsAsync(agreement, ScopeItemsOf(content), cancellationToken);
        var now = clock.UtcNow;
        var round = current.Value.CurrentRound.Number + 1;
        var updated = ScenarioRules.Resubmit(current.Value, content, ReviewInstanceId(id, round), now, now + settings.ReviewDeadline);
        var etag = await store.ReplaceAsync(updated, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, "scenario.resubmitted", TargetOf(id), new { round, content }, cancellationToken);
        await StartRoundAsync(updated, workflows, cancellationToken);
        return new Versioned<Scenario>(updated, etag);
    }

    public async Task<Versioned<Scenario>> GetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        // Object-level access: the operator its own, providers and experts the scenarios they review; others get 404.
        if (found is null || !MayRead(found.Value, caller))
        {
            throw new DomainException(FailureKind.NotFound, "scenario.not_found", $"Scenario '{id}' does not exist.");
        }

        return found;
    }

    public Task<(IReadOnlyList<Scenario> Items, string? ContinuationToken)> ListAsync(Caller caller, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => store.ListAsync(caller.Role == Roles.Operator ? caller.Organization : null, pageSize, continuationToken, cancellationToken);

    private async Task StartRoundAsync(Scenario scenario, IWorkflowGateway workflows, CancellationToken cancellationToken)
    {
        var round = scenario.CurrentRound;
        await workflows.StartAsync(
            ReviewOrchestrator,
            round.InstanceId,
            new ScenarioReviewInput(scenario.Id, round.Number, round.Reviews.Select(r => r.Slot).ToList(), round.StartedAt.UtcDateTime, round.DueAt.UtcDateTime, compression.Factor),
            cancellationToken);
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

        var current = await GetAsync(id, caller, cancellationToken);
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
            var expert = IsSafeId(wanted[i]) ? (await organizations.GetAsync(wanted[i], cancellationToken))?.Value : null;
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
            await audit.RecordAsync(caller, "scenario.experts_added", TargetOf(id), new { round = updated.CurrentRound.Number, slots = added }, cancellationToken);
        }

        foreach (var slot in added)
        {
            await workflows.RaiseEventAsync(updated.CurrentRound.InstanceId, ReviewerAddedEventName, new ScenarioReviewerAdded(slot), cancellationToken);
        }

        return (await store.GetAsync(id, cancellationToken))!;
    }

    /// <summary>Checks the draft and takes each need's providers from the published catalogue (M4.2).</summary>
    private async Task<ScenarioContent> ValidateAsync(ScenarioDraft draft, CancellationToken cancellationToken)
    {
        var content = ScenarioRules.Validate(draft);
        var published = new Dictionary<string, ResourceHolder>(StringComparer.Ordinal);
        foreach (var need in content.DataNeeds)
        {
            var resource = IsSafeId(need.ResourceId) ? (await resources.GetAsync(need.ResourceId, cancellationToken))?.Value : null;
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

    private static bool IsSafeId(string id) => id.Length <= 128 && !id.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    private async Task<bool> IsOrganizationOfKindAsync(string id, OrganizationKind kind, CancellationToken cancellationToken)
    {
        return IsSafeId(id) && (await organizations.GetAsync(id, cancellationToken))?.Value.Kind == kind;
    }

    private static bool MayRead(Scenario scenario, Caller caller) => caller.Role switch
    {
        Roles.Authority or Roles.Supervisor => true,
        Roles.Operator => scenario.OperatorId == caller.Organization,
        Roles.Provider or Roles.Reviewer => scenario.InvolvedOrganizations.Contains(caller.Organization),
        _ => false,
    };
}
