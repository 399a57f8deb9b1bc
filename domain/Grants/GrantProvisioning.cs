using Platform.Domain.Agreements;
using Platform.Domain.Audit;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Grants;

/// <summary>
/// Workflow step (M4.3, M4.5): the approved items of one provider's review are copied — approved fields only — into
/// the operator's authorised data library, a masked sample of each copy is queued, and the grant is issued.
/// </summary>
public sealed class GrantProvisioning(
    IGrantStore store,
    IDataRequestStore requests,
    IAgreementStore agreements,
    GrantTableProvisioner tableProvisioner,
    INotificationOutbox outbox,
    IAuditTrail audit,
    IClock clock,
    AgreementScopeGuard scope)
{
    /// <summary>
    /// Provisions the approved items of one provider's review and issues the grant. Safe under redelivery:
    /// copies are rewritten under the same names, the sample job and the grant have ids reserved at submission, and an
    /// issued grant is returned as it is. Returns null when nothing is to be provisioned (nothing approved, request
    /// cancelled, agreement no longer live).
    /// </summary>
    public async Task<Grant?> ProvisionAsync(string dataRequestId, string slot, CancellationToken cancellationToken = default)
    {
        var request = (await requests.GetAsync(dataRequestId, cancellationToken))?.Value
            ?? throw new DomainException(FailureKind.NotFound, DataRequestContract.NotFoundCode, $"Data request '{dataRequestId}' does not exist.");
        var review = request.Review(slot) ?? throw new InvalidOperationException($"Data request {dataRequestId} has no review '{slot}'.");
        if (await store.GetAsync(review.GrantId, cancellationToken) is { } issued)
        {
            return issued.Value;
        }

        var approved = request.ItemsOf(review.ProviderId).Where(i => i.Status == DataRequestItemStatus.Approved).ToList();
        var agreement = (await agreements.GetAsync(request.AgreementId, cancellationToken))?.Value;
        if (approved.Count == 0 || request.IsCancelled || agreement is not { IsLive: true })
        {
            return null;
        }

        // M3.3, M5.5.4: nothing outside the authorised scope is provisioned (an amendment may have narrowed it since submission).
        if (!await scope.CoversAllAsync(agreement, approved.Select(i => i.ResourceId), review.ProviderId, cancellationToken))
        {
            await audit.RecordAsync(Caller.System, "grant.refused_outside_scope", DataRequestContract.TargetOf(request.Id),
                new { slot, resources = approved.Select(i => i.ResourceId) }, cancellationToken);
            return null;
        }

        var container = GrantRules.ContainerFor(agreement.Id);
        var tables = new List<GrantTable>();
        foreach (var item in approved)
        {
            tables.Add(await tableProvisioner.ProvisionAsync(request, item, container, cancellationToken));
        }

        var now = clock.UtcNow;
        var grant = new Grant(review.GrantId, agreement.Id, request.ScenarioId, request.OperatorId, request.Id, review.ProviderId, tables, now,
            GrantRules.ExpiryFor(agreement), GrantStatus.Active, null, null);
        try
        {
            await store.AddAsync(grant, cancellationToken);
        }
        catch (DomainException e) when (e.Kind == FailureKind.Conflict)
        {
            // Issued by an earlier delivery of this step that failed afterwards.
            var existing = await store.GetAsync(grant.Id, cancellationToken);
            if (existing is null)
            {
                throw;
            }

            return existing.Value;
        }

        await audit.RecordAsync(Caller.System, "grant.issued", GrantService.TargetOf(grant.Id),
            new { grant.DataRequestId, grant.AgreementId, grant.ExpiresAt, tables = tables.Select(t => new { t.Name, t.ResourceId, fields = t.Fields.Select(f => f.Name), t.Sha256, t.RowCount }) },
            cancellationToken);
        await outbox.SendAsync(GrantNotices.Issued(grant, request.ScenarioTitle, now), cancellationToken);
        return grant;
    }
}
