using Platform.Domain.Agreements;
using Platform.Domain.Approvals;
using Platform.Domain.Audit;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Scenarios;

/// <summary>
/// The agreement revocation step for scenarios (M3.6): open reviews of an ended agreement's scenarios are cancelled —
/// their links stop working at once and each round's orchestration ends at its next step. Repeating it changes nothing.
/// </summary>
public sealed class ScenarioReviewRevocationStep(ScenarioRecords records, ApprovalService approvals, INotificationOutbox outbox, IAuditTrail audit, IClock clock)
    : IAgreementRevocationStep
{
    public string Name => "scenario-reviews";

    public async Task<string> RevokeAsync(Agreement agreement, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        return $"{await CancelOpenReviewsAsync(agreement.Id, reason, cancellationToken)} open scenario review(s) cancelled";
    }

    /// <summary>
    /// When the agreement ends, open reviews of its scenarios are cancelled — their links
    /// stop working at once, and each round's orchestration ends at its next step. Repeating it changes nothing.
    /// </summary>
    public async Task<int> CancelOpenReviewsAsync(string agreementId, string reason, CancellationToken cancellationToken = default)
    {
        var cancelled = 0;
        foreach (var scenario in await records.Store.ListByAgreementAsync(agreementId, cancellationToken))
        {
            if (!scenario.IsOpen)
            {
                continue;
            }

            var round = scenario.CurrentRound;
            await approvals.CloseAsync(round.InstanceId, round.OpenSlots, $"agreement-{reason}", cancellationToken);
            var (_, changed) = await records.ChangeAsync(scenario.Id, s =>
            {
                if (!s.IsOpen)
                {
                    return s;
                }

                var ended = ScenarioRules.EndRound(s, s.CurrentRound.Number, ReviewRoundOutcome.Cancelled, clock.UtcNow);
                return ended with { Status = ScenarioStatus.Cancelled, UpdatedAt = clock.UtcNow };
            }, cancellationToken);
            if (changed)
            {
                cancelled++;
                await audit.RecordAsync(Caller.System, "scenario.cancelled", ScenarioService.TargetOf(scenario.Id), new { agreementId, reason }, cancellationToken);
                await outbox.SendAsync(ScenarioNotices.Cancelled(scenario, round, agreementId, clock.UtcNow), cancellationToken);
            }
        }

        return cancelled;
    }
}
