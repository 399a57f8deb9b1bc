using Platform.Domain.Agreements;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
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
    IOperatorAccessGuard operatorAccess,
    IAuditTrail audit,
    IClock clock,
    TimeCompression compression,
    ScenarioReviewSettings settings)
{
    public const string ReviewKind = "scenario-review";
    public const string ReviewOrchestrator = OrchestratorNames.ScenarioReview;
    public const string SubjectKind = "scenario";
    public const string NotificationCategory = "scenario-review";

    public static string ReviewInstanceId(string scenarioId, int round) => WorkflowInstanceIds.For(ReviewKind, $"{scenarioId}-r{round}");

    public static string TargetOf(string scenarioId) => $"scenarios/{scenarioId}";

    public async Task<Versioned<Scenario>> SubmitAsync(string id, string? agreementId, ScenarioDraft draft, Caller caller, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        var content = ScenarioRules.Validate(draft);
        await operatorAccess.EnsureMayStartWorkAsync(caller, cancellationToken);
        var agreement = await EnsureAgreementLiveAsync(agreementId, caller, cancellationToken);
        await EnsureReviewersKnownAsync(content, cancellationToken);
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

        var content = ScenarioRules.Validate(draft);
        await operatorAccess.EnsureMayStartWorkAsync(caller, cancellationToken);
        await EnsureAgreementLiveAsync(current.Value.AgreementId, caller, cancellationToken);
        await EnsureReviewersKnownAsync(content, cancellationToken);
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
        if (agreement is null || agreement.Value.OperatorId != caller.Organization || !agreement.Value.IsLive)
        {
            throw new DomainException(FailureKind.Conflict, "scenario.agreement_not_active",
                $"Agreement '{agreementId}' is not an active agreement of your organisation; scenarios are submitted under an active agreement.");
        }

        return agreement.Value;
    }

    private async Task EnsureReviewersKnownAsync(ScenarioContent content, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < content.DataNeeds.Count; i++)
        {
            if (!await IsOrganizationOfKindAsync(content.DataNeeds[i].ProviderId, OrganizationKind.Provider, cancellationToken))
            {
                errors[$"dataNeeds[{i}].providerId"] = [$"'{content.DataNeeds[i].ProviderId}' is not a registered data provider."];
            }
        }

        for (var i = 0; i < content.Experts.Count; i++)
        {
            if (!await IsOrganizationOfKindAsync(content.Experts[i], OrganizationKind.Reviewer, cancellationToken))
            {
                errors[$"experts[{i}]"] = [$"'{content.Experts[i]}' is not a registered reviewer organisation."];
            }
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "scenario.invalid", "Some reviewers named by the scenario are not registered.", errors);
        }
    }

    private async Task<bool> IsOrganizationOfKindAsync(string id, OrganizationKind kind, CancellationToken cancellationToken)
    {
        if (id.Length > 128 || id.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)))
        {
            return false;
        }

        return (await organizations.GetAsync(id, cancellationToken))?.Value.Kind == kind;
    }

    private static bool MayRead(Scenario scenario, Caller caller) => caller.Role switch
    {
        Roles.Authority or Roles.Supervisor => true,
        Roles.Operator => scenario.OperatorId == caller.Organization,
        Roles.Provider or Roles.Reviewer => scenario.InvolvedOrganizations.Contains(caller.Organization),
        _ => false,
    };
}
