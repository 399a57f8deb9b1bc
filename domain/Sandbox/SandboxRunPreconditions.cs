using Platform.Domain.Grants;
using Platform.Domain.Personnel;
using Platform.Domain.Security;

namespace Platform.Domain.Sandbox;

/// <summary>
/// M4.4, M5.5: what held when a sandbox job was submitted must still hold when a worker starts it — the staff member is
/// cleared and the grant is usable by the staff member's organisation (in force, inside its scope, not suspended).
/// </summary>
public sealed class SandboxRunPreconditions(PersonnelService personnel, GrantService grants)
{
    /// <summary>The grant the job runs over; throws the domain failure that stops the job otherwise.</summary>
    public async Task<Grant> EnsureStillHoldAsync(SandboxJob job, Caller staff, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        // The two checks read different records; asked side by side, they delay the job by one round of reads, not two.
        var cleared = personnel.EnsureClearedAsync(staff, cancellationToken);
        var usable = grants.EnsureUsableAsync(job.GrantId, staff, cancellationToken);
        await Task.WhenAll(cleared, usable);
        return await usable;
    }
}
