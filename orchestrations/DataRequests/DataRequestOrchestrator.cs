using Microsoft.DurableTask;
using Platform.Domain.Approvals;
using Platform.Domain.DataRequests;
using Platform.Domain.Time;
using Platform.Domain.Workflows;

namespace Platform.Orchestrations.DataRequests;

public sealed record DataRequestReviewResult(
    string DataRequestId,
    string Outcome,
    IReadOnlyList<string> DecidedSlots,
    IReadOnlyList<string> OverdueSlots,
    IReadOnlyList<string> Grants);

/// <summary>
/// The <c>data-request</c> orchestration (M4.3), instance <c>data-request-{id}</c>: computes each provider's
/// 5-working-day deadline in an activity, sends every provider its review task, and waits for their decisions (signed
/// link or authenticated route, one event either way). Before a deadline the provider is reminded; at the deadline an
/// open review is marked overdue and escalated to the authority, and the orchestration keeps waiting (a late decision
/// is filed as late; silence never approves), reminding again each further deadline period. Each provider's approval is
/// provisioned as soon as it arrives. A request cancelled with its agreement ends the orchestration at its next step.
/// Timers fire at compressed times (<see cref="TimeCompression"/>); legal instants stay as computed.
/// </summary>
public sealed class DataRequestOrchestrator : TaskOrchestrator<DataRequestReviewInput, DataRequestReviewResult>
{
    public const string CancelledOutcome = "cancelled";

    /// <summary>Provisioning copies files: retried a few times before it is reported as failed.</summary>
    public static readonly TaskOptions ProvisioningRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(4, TimeSpan.FromSeconds(5), backoffCoefficient: 2));

    public override async Task<DataRequestReviewResult> RunAsync(TaskOrchestrationContext context, DataRequestReviewInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var run = new Run(context, input);
        return await run.ExecuteAsync();
    }

    /// <summary>One execution (or replay) of the orchestration, with the state its loop keeps.</summary>
    private sealed class Run(TaskOrchestrationContext context, DataRequestReviewInput input)
    {
        private readonly TimeCompression _compression = new(input.TimeCompression);
        private readonly List<OpenReview> _open = [];
        private readonly List<string> _decided = [];
        private readonly List<string> _overdue = [];
        private readonly List<string> _grants = [];

        public async Task<DataRequestReviewResult> ExecuteAsync()
        {
            var plan = await context.CallActivityAsync<DataRequestReviewPlan>(nameof(ScheduleDataRequestReviewActivity), input.DataRequestId);
            if (plan.Status == DataRequestStatus.Cancelled)
            {
                return Result(CancelledOutcome);
            }

            await Task.WhenAll(plan.Reviews.Select(review =>
                context.CallActivityAsync<string>(nameof(IssueDataRequestReviewTaskActivity), new DataRequestSlotRequest(input.DataRequestId, review.Slot))));
            _open.AddRange(plan.Reviews.Select(review => new OpenReview(review, input.AnchorUtc)));

            using var stopWaiting = new CancellationTokenSource();
            using var stopTimers = new CancellationTokenSource();
            var nextDecision = context.WaitForExternalEvent<ApprovalDecidedEvent>(ApprovalService.DecisionEventName, stopWaiting.Token);
            Task? timer = null;
            var timerMoment = DateTime.MinValue;
            while (_open.Count > 0)
            {
                if (timer is null)
                {
                    timerMoment = _open.Min(review => review.NextMoment);
                    timer = context.CreateTimer(_compression.TimerFireTime(input.AnchorUtc, timerMoment), stopTimers.Token);
                }

                bool cancelled;
                if (await Task.WhenAny(nextDecision, timer) == nextDecision)
                {
                    var decided = await nextDecision;
                    nextDecision = context.WaitForExternalEvent<ApprovalDecidedEvent>(ApprovalService.DecisionEventName, stopWaiting.Token);
                    cancelled = await OnDecisionAsync(decided.Slot);
                }
                else
                {
                    timer = null;
                    cancelled = await OnMomentAsync(timerMoment);
                }

                if (cancelled)
                {
                    stopTimers.Cancel();
                    stopWaiting.Cancel();
                    return Result(CancelledOutcome);
                }
            }

            stopTimers.Cancel();
            stopWaiting.Cancel();
            var status = await context.CallActivityAsync<DataRequestStatus>(nameof(CompleteDataRequestActivity), input.DataRequestId);
            return Result(Wire(status));
        }

        /// <summary>A decision event arrived: file it (and provision what it approved). True when the request was cancelled.</summary>
        private async Task<bool> OnDecisionAsync(string slot)
        {
            var review = _open.FirstOrDefault(r => r.Slot == slot);
            if (review is null)
            {
                // Not a slot of this request, or one already filed (a repeated event).
                return false;
            }

            var outcome = await context.CallActivityAsync<DataRequestDecisionOutcome>(nameof(RecordDataRequestDecisionActivity), new DataRequestSlotRequest(input.DataRequestId, slot));
            if (outcome.Status == DataRequestStatus.Cancelled)
            {
                return true;
            }

            if (outcome.Decided)
            {
                await ClosedAsync(review, outcome.AnyApproved);
            }

            return false;
        }

        /// <summary>The timer for <paramref name="moment"/> fired: send what is due at it. True when the request was cancelled.</summary>
        private async Task<bool> OnMomentAsync(DateTime moment)
        {
            foreach (var review in _open.ToList())
            {
                if (review.ReminderDue(moment))
                {
                    review.Reminded = true;
                    var status = await context.CallActivityAsync<DataRequestStatus>(nameof(RemindDataRequestReviewActivity), new DataRequestSlotRequest(input.DataRequestId, review.Slot));
                    if (status == DataRequestStatus.Cancelled)
                    {
                        return true;
                    }
                }

                if (review.EscalationDue(moment))
                {
                    // M4.3: the deadline passed with the review open; after it, look again each further deadline period.
                    review.Escalations++;
                    var outcome = await context.CallActivityAsync<DataRequestEscalationOutcome>(
                        nameof(EscalateDataRequestReviewActivity), new DataRequestEscalation(input.DataRequestId, review.Slot, review.Escalations));
                    if (outcome.Status == DataRequestStatus.Cancelled)
                    {
                        return true;
                    }

                    if (outcome.Decided)
                    {
                        await ClosedAsync(review, outcome.AnyApproved);
                    }
                    else if (!_overdue.Contains(review.Slot))
                    {
                        _overdue.Add(review.Slot);
                    }
                }
            }

            return false;
        }

        private async Task ClosedAsync(OpenReview review, bool anyApproved)
        {
            _open.Remove(review);
            _decided.Add(review.Slot);
            if (!anyApproved)
            {
                return;
            }

            var slot = new DataRequestSlotRequest(input.DataRequestId, review.Slot);
            try
            {
                if (await context.CallActivityAsync<string?>(nameof(ProvisionDataRequestActivity), slot, ProvisioningRetry) is { } grantId)
                {
                    _grants.Add(grantId);
                }
            }
            catch (TaskFailedException failed)
            {
                await context.CallActivityAsync<string>(nameof(ReportDataRequestProvisioningFailureActivity),
                    new DataRequestProvisioningFailure(input.DataRequestId, review.Slot, failed.FailureDetails.ErrorMessage));
            }
        }

        private DataRequestReviewResult Result(string outcome) => new(input.DataRequestId, outcome, _decided, _overdue, _grants);

        private static string Wire(DataRequestStatus status) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString());
    }

    /// <summary>A review still waiting for its provider, with its legal deadline, reminder and how often it was escalated.</summary>
    private sealed class OpenReview(ScheduledReview scheduled, DateTime anchorUtc)
    {
        public string Slot => scheduled.Slot;

        public bool Reminded { get; set; }

        public int Escalations { get; set; }

        /// <summary>The next legal instant something is due for this review: its reminder, its deadline, or the next look after it.</summary>
        public DateTime NextMoment => HasReminder && !Reminded ? scheduled.RemindUtc!.Value : NextEscalation;

        public bool ReminderDue(DateTime moment) => HasReminder && !Reminded && scheduled.RemindUtc!.Value <= moment;

        public bool EscalationDue(DateTime moment) => NextEscalation <= moment;

        private bool HasReminder => scheduled.RemindUtc is { } remind && remind < scheduled.DueUtc;

        private DateTime NextEscalation => DeadlineChecks.CheckMoment(anchorUtc, scheduled.DueUtc, Escalations + 1);
    }
}
