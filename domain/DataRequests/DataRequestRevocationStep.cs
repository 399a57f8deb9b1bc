using Platform.Domain.Agreements;
using Platform.Domain.Approvals;
using Platform.Domain.Audit;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.Domain.Time;
using static Platform.Domain.DataRequests.DataRequestContract;

namespace Platform.Domain.DataRequests;

/// <summary>
/// The agreement revocation step for data requests: when an agreement ends its pending requests are cancelled — their
/// links stop working at once (410) and their orchestrations end at their next step. Repeating it changes nothing.
/// </summary>
public sealed class DataRequestRevocationStep(DataRequestRecords records, ApprovalService approvals, INotificationOutbox outbox, IAuditTrail audit, IClock clock)
    : IAgreementRevocationStep
{
    public string Name => "data-requests";

    public async Task<string> RevokeAsync(Agreement agreement, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        return $"{await CancelPendingAsync(agreement.Id, reason, cancellationToken)} pending data request(s) cancelled";
    }

    /// <summary>Cancels the pending requests of an ended agreement; returns how many this run cancelled.</summary>
    public async Task<int> CancelPendingAsync(string agreementId, string reason, CancellationToken cancellationToken = default)
    {
        var cancelled = 0;
        foreach (var request in await records.Store.ListByAgreementAsync(agreementId, cancellationToken))
        {
            if (request.IsCancelled || request.CompletedAt is not null)
            {
                continue;
            }

            await approvals.CloseAsync(request.InstanceId, request.Reviews.Where(r => r.IsOpen).Select(r => r.Slot), $"agreement-{reason}", cancellationToken);
            var (ended, changed) = await records.ChangeAsync(request.Id, (r, now) => DataRequestRules.Cancel(r, reason, now), cancellationToken);
            if (!changed)
            {
                continue;
            }

            cancelled++;
            await audit.RecordAsync(Caller.System, "data_request.cancelled", TargetOf(request.Id), new { agreementId, reason }, cancellationToken);
            foreach (var review in ended.Reviews)
            {
                await records.RecordTimelinessAsync(ended, review, cancellationToken);
            }

            await outbox.SendAsync(DataRequestNotices.Cancelled(request, agreementId, clock.UtcNow), cancellationToken);
        }

        return cancelled;
    }
}
