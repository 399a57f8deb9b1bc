using Platform.Domain.Agreements;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Oversight;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Grants;

/// <summary>
/// Grants (M4.5): reading them, and <see cref="EnsureUsableAsync"/>, the check every data access through a grant makes.
/// Provisioning is <see cref="GrantProvisioning"/>, revocation <see cref="GrantRevocationStep"/>.
/// </summary>
public sealed class GrantService(IGrantStore store, IAgreementStore agreements, IOperatorAccessGuard operatorAccess, IClock clock)
{
    public const string NotFoundCode = "grant.not_found";
    public const string RevokedCode = "grant.revoked";
    public const string ExpiredCode = "grant.expired";
    public const string AgreementNotActiveCode = "grant.agreement_not_active";

    public static string TargetOf(string grantId) => $"grants/{grantId}";

    public async Task<Versioned<Grant>> GetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        // Object-level access: the operator (and its processing staff) their own grants; the authority and supervisors all.
        if (found is null || !MayRead(found.Value, caller))
        {
            throw GrantRules.NotFound(id);
        }

        return found;
    }

    public Task<(IReadOnlyList<Grant> Items, string? ContinuationToken)> ListAsync(Caller caller, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => store.ListAsync(caller.Role is Roles.Authority or Roles.Supervisor ? null : caller.Organization, pageSize, continuationToken, cancellationToken);

    /// <summary>
    /// The check before any read through a grant (sandbox jobs, M5.1): the grant exists and belongs to the caller's
    /// organisation (else 404 <c>grant.not_found</c>), the operator is not suspended (403 <c>operator.suspended</c>), the
    /// grant is not revoked and its agreement still live (409 <c>grant.revoked</c>, <c>grant.agreement_not_active</c>),
    /// and it has not expired (410 <c>grant.expired</c>). Returns the grant to read by.
    /// </summary>
    public async Task<Grant> EnsureUsableAsync(string grantId, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var grant = string.IsNullOrWhiteSpace(grantId) ? null : (await store.GetAsync(grantId, cancellationToken))?.Value;
        if (grant is null || caller.Organization != grant.OperatorId)
        {
            throw GrantRules.NotFound(grantId);
        }

        // M5.5: a suspension stops data access at once.
        await operatorAccess.EnsureNotSuspendedAsync(grant.OperatorId, cancellationToken);
        var now = clock.UtcNow;
        switch (grant.StatusAt(now))
        {
            case GrantStatus.Revoked:
                throw new DomainException(FailureKind.Conflict, RevokedCode,
                    $"Grant '{grant.Id}' was revoked on {grant.RevokedAt?.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} ({grant.RevokeReason}); its data may no longer be read.");
            case GrantStatus.Expired:
                throw new DomainException(FailureKind.Gone, ExpiredCode,
                    $"Grant '{grant.Id}' expired at {grant.ExpiresAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}; request the data again under a live agreement.");
        }

        // M3.6: everything an ended agreement carried is gone, even if its revocation has not reached this grant yet.
        var agreement = (await agreements.GetAsync(grant.AgreementId, cancellationToken))?.Value;
        if (agreement is not { IsLive: true })
        {
            throw new DomainException(FailureKind.Conflict, AgreementNotActiveCode, $"Agreement '{grant.AgreementId}' of grant '{grant.Id}' is no longer active.");
        }

        return grant;
    }

    private static bool MayRead(Grant grant, Caller caller) => caller.Role switch
    {
        Roles.Authority or Roles.Supervisor => true,
        Roles.Operator or Roles.Personnel => grant.OperatorId == caller.Organization,
        _ => false,
    };
}
