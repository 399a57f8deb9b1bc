using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Workflows;

namespace Platform.Domain.Agreements;

/// <param name="SignedOn">The legal signing date (CST); absent, the agreement was signed on the day it is entered.</param>
/// <param name="Scope">A narrower scope than the plan's, stated by the authority (M3.3); null = the plan's scope.</param>
public sealed record NewAgreement(string PlanId, string OperatorId, SelectionMethod SelectionMethod, string DecisionRecord, DateOnly StartsOn, DateOnly EndsOn,
    DateOnly? SignedOn = null, Platform.Domain.Plans.AuthorizationScope? Scope = null, string? ReexaminationOverrideReason = null);

/// <summary>Input of the agreement-lifecycle orchestration: the legal milestones and how fast time runs.</summary>
public sealed record AgreementLifecycleInput(string AgreementId, DateTime AnchorUtc, IReadOnlyList<AgreementMilestone> Milestones, double TimeCompression);

/// <summary>Raised on the lifecycle orchestration when the authority terminates the agreement early.</summary>
public sealed record AgreementTerminatedEvent(string AgreementId, TerminationGround Ground);

public interface IAgreementStore
{
    Task<string> AddAsync(Agreement agreement, CancellationToken cancellationToken = default);

    Task<Versioned<Agreement>?> GetAsync(string id, CancellationToken cancellationToken = default);

    Task<string> ReplaceAsync(Agreement agreement, string ifMatch, CancellationToken cancellationToken = default);

    Task<(IReadOnlyList<Agreement> Items, string? ContinuationToken)> ListAsync(string? operatorId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default);

    /// <summary>Every agreement signed under the plan <paramref name="planId"/>, whatever its status.</summary>
    Task<IReadOnlyList<Agreement>> ListByPlanAsync(string planId, CancellationToken cancellationToken = default);

    /// <summary>Agreements whose term (start and end dates, CST) overlaps [<paramref name="from"/>, <paramref name="to"/>], both inclusive, whatever their status.</summary>
    Task<IReadOnlyList<Agreement>> ListTermOverlappingAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default);
}

/// <summary>Checks the implementation plan an agreement is signed under (M3.3): it must exist and be approved.</summary>
public interface IPlanApprovalCheck
{
    /// <summary>The approved version in force of the plan, with its scope; 404/409 when missing or a draft.</summary>
    Task<Platform.Domain.Plans.PlanVersionRecord> EnsureApprovedAsync(string planId, CancellationToken cancellationToken = default);
}

/// <summary>
/// One thing an agreement carries that expiry or termination takes away (M3.6): grants, running sandbox jobs,
/// pending data requests, unpublished products. Each feature plugs its own step in; steps must be idempotent.
/// </summary>
public interface IAgreementRevocationStep
{
    string Name { get; }

    Task<string> RevokeAsync(Agreement agreement, string reason, CancellationToken cancellationToken = default);
}

public sealed class AgreementService(
    IAgreementStore store,
    AgreementOperatorCheck operatorCheck,
    IPlanApprovalCheck plans,
    IAuditTrail audit,
    INotificationOutbox outbox,
    IClock clock,
    TimeCompression compression,
    IEnumerable<IAgreementRevocationStep> revocationSteps)
{
    public const string LifecycleKind = "agreement-lifecycle";
    public const string LifecycleOrchestrator = OrchestratorNames.AgreementLifecycle;
    public const string TerminatedEventName = nameof(AgreementTerminatedEvent);

    public static string LifecycleInstanceId(string agreementId) => WorkflowInstanceIds.For(LifecycleKind, agreementId);

    public async Task<Versioned<Agreement>> CreateAsync(string id, NewAgreement request, Caller caller, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(request.DecisionRecord))
        {
            // M3.4: the collective decision (三重一大) must be on record.
            throw new DomainException(FailureKind.Unprocessable, "agreement.invalid", "The record of the collective decision is required (M3.4).",
                new Dictionary<string, string[]> { ["decisionRecord"] = ["Required."] });
        }

        AgreementRules.ValidateTerm(request.StartsOn, request.EndsOn);
        var today = ChinaTime.Today(clock);
        var signedOn = request.SignedOn ?? today;
        AgreementRules.ValidateSigning(signedOn, request.EndsOn, today);
        var overrideReason = await operatorCheck.EnsureMaySignAsync(request, cancellationToken);

        var planVersion = await plans.EnsureApprovedAsync(request.PlanId, cancellationToken);
        AgreementRules.EnsureWithinPlanScope(planVersion.Scope, request.Scope);
        var signedAt = clock.UtcNow;
        // M3.4: before 00:00 CST of startsOn the agreement is only signed; M5.6: the filing month runs from signedOn.
        var agreement = new Agreement(
            id, request.PlanId, request.OperatorId, request.SelectionMethod, request.DecisionRecord.Trim(), request.StartsOn, request.EndsOn, signedAt,
            AgreementRules.InitialStatus(request.StartsOn, today), AgreementRules.FilingDueOn(signedOn), null, false, [], [], null, null, caller.Subject, request.Scope, planVersion.Version)
        {
            SignedOn = signedOn,
            ReexaminationOverride = overrideReason is null ? null : new Oversight.ReexaminationOverride(overrideReason, signedAt, caller.Subject),
        };
        var etag = await store.AddAsync(agreement, cancellationToken);
        await audit.RecordAsync(caller, "agreement.created", $"agreements/{id}", agreement, cancellationToken);
        if (agreement.ReexaminationOverride is { } overridden)
        {
            await audit.RecordAsync(caller, "agreement.reexamination_overridden", $"agreements/{id}", overridden, cancellationToken);
        }
        await workflows.StartAsync(
            LifecycleOrchestrator,
            LifecycleInstanceId(id),
            new AgreementLifecycleInput(id, signedAt.UtcDateTime, AgreementRules.Milestones(signedAt, signedOn, request.StartsOn, request.EndsOn), compression.Factor),
            cancellationToken);
        return new Versioned<Agreement>(agreement, etag);
    }

    public async Task<Versioned<Agreement>> GetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        // An operator sees only its own agreements; others get the same answer as for a missing one.
        if (found is null || (caller.Role == Roles.Operator ? found.Value.OperatorId != caller.Organization : caller.Role is not (Roles.Authority or Roles.Supervisor)))
        {
            throw new DomainException(FailureKind.NotFound, "agreement.not_found", $"Agreement '{id}' does not exist.");
        }

        return found;
    }

    public Task<(IReadOnlyList<Agreement> Items, string? ContinuationToken)> ListAsync(Caller caller, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => store.ListAsync(caller.Role == Roles.Operator ? caller.Organization : null, pageSize, continuationToken, cancellationToken);

    public async Task<Versioned<Agreement>> TerminateAsync(string id, TerminationGround ground, string? detail, string? ifMatch, Caller caller, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        var updated = await UpdateAsync(id, ifMatch, caller, current =>
        {
            AgreementRules.EnsureTerminable(current, ground, detail, ChinaTime.Today(clock));
            return current with
            {
                Status = AgreementStatus.Terminated,
                Termination = new AgreementTermination(ground, detail?.Trim() ?? "", clock.UtcNow, caller.Subject),
            };
        }, "agreement.terminated", cancellationToken);

        // The lifecycle stops its timers and runs the revocation; if it is gone, revoke here so nothing is left behind.
        if (!await workflows.RaiseEventAsync(LifecycleInstanceId(id), TerminatedEventName, new AgreementTerminatedEvent(id, ground), cancellationToken))
        {
            await RevokeAsync(id, "terminated", cancellationToken);
        }

        return updated;
    }

    public Task<Versioned<Agreement>> RecordBreachAsync(string id, string breachId, string description, DateOnly rectifyBy, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
        => UpdateAsync(id, ifMatch, caller, current =>
        {
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(description))
            {
                errors["description"] = ["Describe the breach."];
            }

            if (rectifyBy < ChinaTime.Today(clock))
            {
                errors["rectifyBy"] = ["The rectification deadline cannot be in the past."];
            }

            if (errors.Count > 0)
            {
                throw new DomainException(FailureKind.Unprocessable, "agreement.invalid", "The breach has invalid fields.", errors);
            }

            EnsureLive(current);
            return current with { Breaches = [.. current.Breaches, new Breach(breachId, description.Trim(), rectifyBy, clock.UtcNow, caller.Subject)] };
        }, "agreement.breach_recorded", cancellationToken);

    public Task<Versioned<Agreement>> RectifyBreachAsync(string id, string breachId, string? note, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
        => UpdateAsync(id, ifMatch, caller, current =>
        {
            var breach = current.Breaches.SingleOrDefault(b => b.Id == breachId)
                ?? throw new DomainException(FailureKind.NotFound, "agreement.breach_not_found", $"Breach '{breachId}' does not exist on this agreement.");
            if (breach.Rectified)
            {
                throw new DomainException(FailureKind.Conflict, "agreement.breach_already_rectified", "The breach is already rectified.");
            }

            var rectified = breach with { RectifiedAt = clock.UtcNow, RectificationNote = note?.Trim() };
            return current with { Breaches = current.Breaches.Select(b => b.Id == breachId ? rectified : b).ToList() };
        }, "agreement.breach_rectified", cancellationToken);

    public Task<Versioned<Agreement>> FileAsync(string id, string documentRef, DateOnly filedOn, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
        => UpdateAsync(id, ifMatch, caller, current =>
        {
            if (current.Filing is not null)
            {
                throw new DomainException(FailureKind.Conflict, "agreement.already_filed", "The agreement is already filed.");
            }

            if (string.IsNullOrWhiteSpace(documentRef))
            {
                throw new DomainException(FailureKind.Unprocessable, "agreement.invalid", "The filing document reference is required.",
                    new Dictionary<string, string[]> { ["documentRef"] = ["Required."] });
            }

            // M5.6: the filing happened between signing and today; filing after the deadline is still recorded, the overdue flag stays as evidence.
            AgreementRules.ValidateFiledOn(current, filedOn, ChinaTime.Today(clock));
            return current with { Filing = new AgreementFiling(documentRef.Trim(), filedOn, clock.UtcNow, caller.Subject) };
        }, "agreement.filed", cancellationToken);

    /// <summary>Called by the lifecycle when a milestone is reached. Safe to repeat: state changes once, messages have fixed ids.</summary>
    public async Task<AgreementStatus> RecordMilestoneAsync(string id, AgreementMilestoneKind kind, CancellationToken cancellationToken = default)
    {
        var (agreement, changed) = await ChangeWithRetryAsync(id, current => AgreementRules.Apply(current, kind, clock.UtcNow), cancellationToken);
        if (changed)
        {
            await audit.RecordAsync(Caller.System, $"agreement.milestone.{ToWire(kind)}", $"agreements/{id}", new { kind, agreement.Status }, cancellationToken);
        }

        if (agreement.HasMilestone(kind))
        {
            await NotifyMilestoneAsync(agreement, kind, cancellationToken);
        }

        return agreement.Status;
    }

    /// <summary>Takes away everything the agreement carried (M3.6). Each step runs at most once per agreement.</summary>
    public async Task<AgreementRevocation> RevokeAsync(string id, string reason, CancellationToken cancellationToken = default)
    {
        var current = await store.GetAsync(id, cancellationToken)
            ?? throw new DomainException(FailureKind.NotFound, "agreement.not_found", $"Agreement '{id}' does not exist.");
        if (current.Value.Revocation is { } done)
        {
            return done;
        }

        var steps = new List<string>();
        foreach (var step in revocationSteps)
        {
            steps.Add($"{step.Name}: {await step.RevokeAsync(current.Value, reason, cancellationToken)}");
        }

        var revocation = new AgreementRevocation(reason, clock.UtcNow, steps);
        var (agreement, changed) = await ChangeWithRetryAsync(id, a => a.Revocation is null ? a with { Revocation = revocation } : a, cancellationToken);
        if (changed)
        {
            await audit.RecordAsync(Caller.System, "agreement.revoked", $"agreements/{id}", revocation, cancellationToken);
        }

        foreach (var notice in AgreementNotices.Revoked(agreement, reason, clock.UtcNow))
        {
            await outbox.SendAsync(notice, cancellationToken);
        }

        return agreement.Revocation ?? revocation;
    }

    private async Task NotifyMilestoneAsync(Agreement agreement, AgreementMilestoneKind kind, CancellationToken cancellationToken)
    {
        foreach (var notice in AgreementNotices.Milestone(agreement, kind, ToWire(kind), clock.UtcNow))
        {
            await outbox.SendAsync(notice, cancellationToken);
        }
    }

    private async Task<Versioned<Agreement>> UpdateAsync(string id, string? ifMatch, Caller caller, Func<Agreement, Agreement> change, string action, CancellationToken cancellationToken)
    {
        var current = await GetAsync(id, caller, cancellationToken);
        if (ifMatch is not null && ifMatch != current.ETag)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The agreement changed since you read it; read it again and retry.");
        }

        var updated = change(current.Value);
        var etag = await store.ReplaceAsync(updated, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, action, $"agreements/{id}", updated, cancellationToken);
        return new Versioned<Agreement>(updated, etag);
    }

    // Someone changed the agreement meanwhile (e.g. a breach was recorded): apply the change again on top.
    private Task<(Agreement Agreement, bool Changed)> ChangeWithRetryAsync(string id, Func<Agreement, Agreement> change, CancellationToken cancellationToken)
        => OptimisticChange.ApplyAsync(ct => store.GetAsync(id, ct), store.ReplaceAsync, change, () => new DomainException(FailureKind.NotFound, "agreement.not_found", $"Agreement '{id}' does not exist."), cancellationToken);

    private static void EnsureLive(Agreement agreement)
    {
        if (!agreement.IsLive)
        {
            throw new DomainException(FailureKind.Conflict, "agreement.not_active", $"The agreement is {agreement.Status.ToString().ToLowerInvariant()}.");
        }
    }

    private static string ToWire(AgreementMilestoneKind kind) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());
}
