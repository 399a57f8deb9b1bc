using Microsoft.DurableTask;
using Platform.Domain.Approvals;
using Platform.Domain.Products;
using Platform.Domain.ProductCompliance;
using Platform.Domain.Time;
using Platform.Domain.Workflows;

namespace Platform.Orchestrations.ProductCompliance;

/// <summary>How a product's compliance review ended: <c>published</c>, <c>rejected</c>, <c>changes-requested</c> or <c>withdrawn</c>.</summary>
public sealed record ProductComplianceResult(
    string ProductId,
    int Round,
    string Outcome,
    ProductReviewTrack? Track,
    int Escalations,
    IReadOnlyList<string> DecidedSlots,
    IReadOnlyList<ComplianceFinding> Findings);

/// <summary>
/// The <c>product-compliance</c> orchestration (M4.5.1), instance <see cref="ProductWorkflow.InstanceId"/>:
/// the automated checks first — any finding ends the review at once as changes-requested and no reviewer is asked;
/// then every reviewer of the plan (fast track: the authority; full track: the authority with the data providers, or a
/// third-party reviewer) is asked in parallel through a signed link, each decision is filed as its event arrives, and
/// the review ends as soon as the aggregation is certain. At the deadline (and after every further deadline period)
/// open reviews are escalated to the authority and the review keeps waiting: silence never approves. A product found
/// withdrawn at any step ends the orchestration there.
/// </summary>
public sealed class ProductComplianceOrchestrator : TaskOrchestrator<ProductComplianceRequest, ProductComplianceResult>
{
    public const string WithdrawnOutcome = "withdrawn";

    public override async Task<ProductComplianceResult> RunAsync(TaskOrchestrationContext context, ProductComplianceRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var checks = await context.CallActivityAsync<ProductChecksResult>(nameof(RunProductChecksActivity), input);
        if (checks.Status == ProductStatus.Withdrawn || checks.Plan is null)
        {
            return Result(input, WithdrawnOutcome, checks.Plan?.Track, 0, [], checks.Findings);
        }

        var plan = checks.Plan;
        if (!checks.Passed)
        {
            // M4.5.1: a product that fails the automated checks goes back to its owner without troubling the reviewers.
            var failed = new ProductComplianceOutcome(ProductComplianceOutcomeKind.ChangesRequested, checks.Findings, null);
            var afterChecks = await context.CallActivityAsync<ProductStatus>(nameof(CompleteProductReviewActivity), new ProductReviewCompletion(plan, failed, []));
            return Result(input, afterChecks == ProductStatus.Withdrawn ? WithdrawnOutcome : ProductReviewAggregation.Wire(failed.Kind), plan.Track, 0, [], checks.Findings);
        }

        return await new Round(context, input, plan).ExecuteAsync();
    }

    private static ProductComplianceResult Result(ProductComplianceRequest input, string outcome, ProductReviewTrack? track, int escalations, IReadOnlyList<string> decided, IReadOnlyList<ComplianceFinding> findings)
        => new(input.ProductId, input.Round, outcome, track, escalations, decided, findings);

    /// <summary>The reviewers' part of one execution (or replay), with the state its loop keeps.</summary>
    private sealed class Round(TaskOrchestrationContext context, ProductComplianceRequest input, ProductReviewPlan plan)
    {
        private readonly Dictionary<string, ApprovalDecision> _decisions = new(StringComparer.Ordinal);
        private readonly List<string> _decidedSlots = [];
        private int _escalations;

        public async Task<ProductComplianceResult> ExecuteAsync()
        {
            var slots = plan.Slots;
            await Task.WhenAll(slots.Select(slot =>
                context.CallActivityAsync<string>(nameof(IssueProductReviewLinkActivity), new ProductReviewSlotRequest(plan, slot))));

            var compression = new TimeCompression(input.TimeCompression);
            var anchor = DateTime.SpecifyKind(input.AnchorUtc, DateTimeKind.Utc);
            var due = plan.DueAt.UtcDateTime;
            using var stopWaiting = new CancellationTokenSource();
            using var stopTimer = new CancellationTokenSource();
            var nextDecision = context.WaitForExternalEvent<ApprovalDecidedEvent>(ApprovalService.DecisionEventName, stopWaiting.Token);
            var deadline = context.CreateTimer(compression.TimerFireTime(anchor, due), stopTimer.Token);
            ProductComplianceOutcomeKind? outcome = null;
            try
            {
                while (outcome is null)
                {
                    if (await Task.WhenAny(nextDecision, deadline) == nextDecision)
                    {
                        var decided = await nextDecision;
                        nextDecision = context.WaitForExternalEvent<ApprovalDecidedEvent>(ApprovalService.DecisionEventName, stopWaiting.Token);
                        if (!slots.Contains(decided.Slot) || _decisions.ContainsKey(decided.Slot))
                        {
                            continue;
                        }

                        Count(decided);
                        var status = await context.CallActivityAsync<ProductStatus>(
                            nameof(RecordProductReviewDecisionActivity), new ProductReviewDecisionReceived(input.ProductId, input.Round, decided));
                        if (status == ProductStatus.Withdrawn)
                        {
                            return Result(WithdrawnOutcome);
                        }
                    }
                    else
                    {
                        _escalations++;
                        var open = slots.Where(s => !_decisions.ContainsKey(s)).ToList();
                        var escalated = await context.CallActivityAsync<ProductEscalationResult>(
                            nameof(EscalateProductReviewActivity), new ProductReviewEscalation(plan, _escalations, open));
                        if (escalated.Status == ProductStatus.Withdrawn)
                        {
                            return Result(WithdrawnOutcome);
                        }

                        foreach (var recovered in escalated.Recovered.Where(r => slots.Contains(r.Slot) && !_decisions.ContainsKey(r.Slot)))
                        {
                            Count(recovered);
                        }

                        // Keep waiting, and look again one deadline period later.
                        deadline = context.CreateTimer(compression.TimerFireTime(anchor, DeadlineChecks.CheckMoment(anchor, due, _escalations + 1)), stopTimer.Token);
                    }

                    outcome = ProductReviewAggregation.Decide(slots, _decisions.ToDictionary(d => d.Key, d => d.Value.Kind, StringComparer.Ordinal));
                }
            }
            finally
            {
                stopTimer.Cancel();
                stopWaiting.Cancel();
            }

            var result = new ProductComplianceOutcome(outcome.Value, [], CommentOf(slots));
            var openSlots = slots.Where(s => !_decisions.ContainsKey(s)).ToList();
            var completed = await context.CallActivityAsync<ProductStatus>(nameof(CompleteProductReviewActivity), new ProductReviewCompletion(plan, result, openSlots));
            return Result(completed == ProductStatus.Withdrawn ? WithdrawnOutcome : ProductReviewAggregation.Wire(outcome.Value));
        }

        private void Count(ApprovalDecidedEvent decided)
        {
            _decisions[decided.Slot] = decided.Decision;
            _decidedSlots.Add(decided.Slot);
        }

        /// <summary>The reasons given with rejections and requests for changes, slot by slot in plan order.</summary>
        private string? CommentOf(IReadOnlyList<string> slots)
        {
            var reasons = slots
                .Where(s => _decisions.TryGetValue(s, out var d) && d.Kind != ApprovalDecisionKind.Approve && !string.IsNullOrWhiteSpace(d.Comment))
                .Select(s => $"{s}：{_decisions[s].Comment}")
                .ToList();
            return reasons.Count == 0 ? null : string.Join("\n", reasons);
        }

        private ProductComplianceResult Result(string outcome)
            => ProductComplianceOrchestrator.Result(input, outcome, plan.Track, _escalations, _decidedSlots, []);
    }
}
