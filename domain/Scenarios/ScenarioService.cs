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
/// <see cref="ScenarioReviewSteps"/>, cancellation with the agreement <see cref="ScenarioReviewRevocationStep"/>; what a
/// submission must satisfy is <see cref="ScenarioSubmissionCheck"/>, the authority's experts <see cref="ScenarioExperts"/>.
/// </summary>
public sealed class ScenarioService(
    IScenarioStore store,
    ScenarioSubmissionCheck submissionCheck,
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

    /// <summary>Raised on the running round when the authority adds a reviewer; the payload is <see cref="ScenarioReviewerAdded"/>.</summary>
    public const string ReviewerAddedEventName = "scenario-reviewer-added";

    public static string ReviewInstanceId(string scenarioId, int round) => WorkflowInstanceIds.For(ReviewKind, $"{scenarioId}-r{round}");

    public static string TargetOf(string scenarioId) => $"scenarios/{scenarioId}";

    public async Task<Versioned<Scenario>> SubmitAsync(string id, string? agreementId, ScenarioDraft draft, Caller caller, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        await operatorAccess.EnsureMayStartWorkAsync(caller, cancellationToken);
        var (agreement, content) = await submissionCheck.CheckAsync(agreementId, draft, caller, cancellationToken);
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
        var (agreement, content) = await submissionCheck.CheckAsync(current.Value.AgreementId, draft, caller, cancellationToken);
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

    private static bool MayRead(Scenario scenario, Caller caller) => caller.Role switch
    {
        Roles.Authority or Roles.Supervisor => true,
        Roles.Operator => scenario.OperatorId == caller.Organization,
        Roles.Provider or Roles.Reviewer => scenario.InvolvedOrganizations.Contains(caller.Organization),
        _ => false,
    };
}
