using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Oversight;

public sealed record SuspensionPeriod(string Reason, DateTimeOffset SuspendedAt, string SuspendedBy, DateTimeOffset? LiftedAt, string? LiftedBy, string? LiftNote);

/// <summary>An operator's suspension state (M5.5): while suspended, its jobs stop and its data access is refused.</summary>
public sealed record OperatorSuspension(string OperatorId, bool Suspended, IReadOnlyList<SuspensionPeriod> History);

public interface ISuspensionStore
{
    Task<Versioned<OperatorSuspension>?> GetAsync(string operatorId, CancellationToken cancellationToken = default);

    /// <summary>Writes the state; <paramref name="ifMatch"/> null means create (409 if it exists).</summary>
    Task<string> PutAsync(OperatorSuspension suspension, string? ifMatch, CancellationToken cancellationToken = default);
}

/// <summary>
/// Something a suspension must stop at once (queued and running sandbox jobs, for example). Features plug their own
/// step in; each must be idempotent.
/// </summary>
public interface ISuspensionStep
{
    string Name { get; }

    Task<string> SuspendAsync(string operatorId, CancellationToken cancellationToken = default);
}

/// <summary>What every data access path asks before it serves an operator.</summary>
public interface IOperatorAccessGuard
{
    /// <summary>Throws 403 <c>operator.suspended</c> while the operator is suspended.</summary>
    Task EnsureNotSuspendedAsync(string operatorId, CancellationToken cancellationToken = default);
}

/// <summary>
/// The one check every operator command that starts work runs first (scenario submission and resubmission, data
/// requests, sandbox jobs through their grant, masking jobs by staff, products): a suspended operator starts nothing,
/// neither through its own users nor through its processing staff. Other callers pass.
/// </summary>
public static class OperatorWorkGuard
{
    // M5.5: suspension stops the operator's data processing at once.
    public static Task EnsureMayStartWorkAsync(this IOperatorAccessGuard guard, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Role is Roles.Operator or Roles.Personnel && caller.Organization.Length > 0
            ? guard.EnsureNotSuspendedAsync(caller.Organization, cancellationToken)
            : Task.CompletedTask;
    }
}

public sealed class SuspensionService(
    ISuspensionStore store,
    IOrganizationStore organizations,
    INotificationOutbox outbox,
    IAuditTrail audit,
    IClock clock,
    IEnumerable<ISuspensionStep> steps) : IOperatorAccessGuard
{
    public async Task<(OperatorSuspension Suspension, IReadOnlyList<string> Stopped)> SuspendAsync(string operatorId, string reason, Caller caller, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new DomainException(FailureKind.Unprocessable, "suspension.invalid", "Give the reason for the suspension.",
                new Dictionary<string, string[]> { ["reason"] = ["Required."] });
        }

        await EnsureOperatorAsync(operatorId, cancellationToken);
        var current = await store.GetAsync(operatorId, cancellationToken);
        if (current?.Value.Suspended == true)
        {
            throw new DomainException(FailureKind.Conflict, "suspension.already_suspended", "The operator is already suspended.");
        }

        var period = new SuspensionPeriod(reason.Trim(), clock.UtcNow, caller.Subject, null, null, null);
        var updated = new OperatorSuspension(operatorId, true, [.. current?.Value.History ?? [], period]);
        await store.PutAsync(updated, current?.ETag, cancellationToken);

        // M5.5: the suspension takes effect at once: stop what is running, then tell the operator.
        var stopped = new List<string>();
        foreach (var step in steps)
        {
            stopped.Add($"{step.Name}: {await step.SuspendAsync(operatorId, cancellationToken)}");
        }

        await audit.RecordAsync(caller, "operator.suspended", $"operators/{operatorId}", new { reason = period.Reason, stopped }, cancellationToken);
        await outbox.SendAsync(OversightNotices.Suspended(operatorId, period, clock.UtcNow), cancellationToken);
        return (updated, stopped);
    }

    public async Task<OperatorSuspension> LiftAsync(string operatorId, string? note, Caller caller, CancellationToken cancellationToken = default)
    {
        var current = await store.GetAsync(operatorId, cancellationToken);
        if (current is null || !current.Value.Suspended)
        {
            throw new DomainException(FailureKind.Conflict, "suspension.not_suspended", "The operator is not suspended.");
        }

        var history = current.Value.History.ToList();
        history[^1] = history[^1] with { LiftedAt = clock.UtcNow, LiftedBy = caller.Subject, LiftNote = note?.Trim() };
        var updated = current.Value with { Suspended = false, History = history };
        await store.PutAsync(updated, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, "operator.suspension_lifted", $"operators/{operatorId}", new { note }, cancellationToken);
        return updated;
    }

    public async Task<OperatorSuspension> GetAsync(string operatorId, Caller caller, CancellationToken cancellationToken = default)
    {
        if (!(caller.Role is Roles.Authority or Roles.Supervisor || caller.Organization == operatorId))
        {
            throw new DomainException(FailureKind.NotFound, "organization.not_found", $"Organisation '{operatorId}' does not exist.");
        }

        await EnsureOperatorAsync(operatorId, cancellationToken);
        return (await store.GetAsync(operatorId, cancellationToken))?.Value ?? new OperatorSuspension(operatorId, false, []);
    }

    public async Task EnsureNotSuspendedAsync(string operatorId, CancellationToken cancellationToken = default)
    {
        if ((await store.GetAsync(operatorId, cancellationToken))?.Value.Suspended == true)
        {
            throw new DomainException(FailureKind.Forbidden, "operator.suspended", "The operator is suspended by the authority; data access and jobs are stopped.");
        }
    }

    private async Task EnsureOperatorAsync(string operatorId, CancellationToken cancellationToken)
    {
        var organization = await organizations.GetAsync(operatorId, cancellationToken);
        if (organization is null || organization.Value.Kind != OrganizationKind.Operator)
        {
            throw new DomainException(FailureKind.NotFound, "organization.not_found", $"Operator '{operatorId}' does not exist.");
        }
    }
}
