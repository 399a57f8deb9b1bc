using Platform.Domain.Agreements;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Grants;

/// <summary>
/// The agreement revocation step for grants (M3.6): every active grant of an ended agreement is revoked (or expires
/// with it) and its operator told. Idempotent.
/// </summary>
public sealed class GrantRevocationStep(IGrantStore store, INotificationOutbox outbox, IAuditTrail audit, IClock clock) : IAgreementRevocationStep, IScopeRevocationStep
{
    public string Name => "grants";

    public async Task<string> RevokeAsync(Agreement agreement, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        return $"{await RevokeForAgreementAsync(agreement.Id, reason, cancellationToken)} grant(s) revoked";
    }

    /// <summary>Every active grant of the agreement is revoked (or expired with it). Idempotent.</summary>
    public async Task<int> RevokeForAgreementAsync(string agreementId, string reason, CancellationToken cancellationToken = default)
    {
        var revoked = 0;
        foreach (var grant in await store.ListByAgreementAsync(agreementId, cancellationToken))
        {
            if (await RevokeOneAsync(grant.Id, agreementId, reason, cancellationToken))
            {
                revoked++;
            }
        }

        return revoked;
    }

    /// <summary>
    /// M3.3: after an amendment narrows the plan's scope, the active grants over a resource now outside it are revoked with
    /// the same step (audit, notice) as on termination. Idempotent.
    /// </summary>
    public async Task<string> RevokeOutsideScopeAsync(Agreement agreement, AgreementScopeGuard scope, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(scope);
        var revoked = 0;
        foreach (var grant in await store.ListByAgreementAsync(agreement.Id, cancellationToken))
        {
            if (grant.Status == GrantStatus.Active
                && !await scope.CoversAllAsync(agreement, grant.Tables.Select(t => t.ResourceId), grant.ProviderId, cancellationToken)
                && await RevokeOneAsync(grant.Id, agreement.Id, reason, cancellationToken))
            {
                revoked++;
            }
        }

        return $"{revoked} grant(s) revoked";
    }

    private async Task<bool> RevokeOneAsync(string grantId, string agreementId, string reason, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync(grantId, cancellationToken);
            if (current is null)
            {
                return false;
            }

            var ended = GrantRules.Revoke(current.Value, reason, clock.UtcNow);
            if (ReferenceEquals(ended, current.Value))
            {
                return false;
            }

            try
            {
                await store.ReplaceAsync(ended, current.ETag, cancellationToken);
            }
            catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed && attempt < 10)
            {
                continue;
            }

            await audit.RecordAsync(Caller.System, ended.Status == GrantStatus.Expired ? "grant.expired" : "grant.revoked", GrantService.TargetOf(grantId), new { agreementId, reason }, cancellationToken);
            await outbox.SendAsync(GrantNotices.Ended(ended, agreementId, clock.UtcNow), cancellationToken);
            return true;
        }
    }
}
