using Platform.Domain.Agreements;
using Platform.Domain.Approvals;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Workflows;

namespace Platform.Domain.Scenarios;

/// <summary>What the deadline of a round found: the scenario's status and decisions recovered from their claims.</summary>
public sealed record ScenarioEscalationResult(ScenarioStatus Status, IReadOnlyList<ApprovalDecidedEvent> Recovered);

/// <summary>
/// Scenario review, "one scenario, one review" (SPEC §2.4, M4.2): submission under an active agreement, a review
/// round per submission with signed links to every reviewer, decisions filed as they arrive, escalation of late
/// reviews, and the result told to the operator. The methods the orchestration calls are idempotent.
/// </summary>
public sealed class ScenarioService(
    IScenarioStore store,
    IAgreementStore agreements,
    IOrganizationStore organizations,
    ApprovalService approvals,
    ApprovalLinkSettings links,
    INotificationOutbox outbox,
    IAuditTrail audit,
    IClock clock,
    TimeCompression compression,
    ScenarioReviewSettings settings)
{
    public const string ReviewKind = "scenario-review";
    public const string ReviewOrchestrator = "ScenarioReviewOrchestrator";
    public const string SubjectKind = "scenario";
    public const string NotificationCategory = "scenario-review";

    public static string ReviewInstanceId(string scenarioId, int round) => WorkflowInstanceIds.For(ReviewKind, $"{scenarioId}-r{round}");

    public static string TargetOf(string scenarioId) => $"scenarios/{scenarioId}";

    public async Task<Versioned<Scenario>> SubmitAsync(string id, string? agreementId, ScenarioDraft draft, Caller caller, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        var content = ScenarioRules.Validate(draft);
        var agreement = await EnsureAgreementLiveAsync(agreementId, caller, cancellationToken);
        await EnsureReviewersKnownAsync(content, cancellationToken);
        var now = clock.UtcNow;
        var instanceId = ReviewInstanceId(id, 1);
        var scenario = new Scenario(id, agreement.Id, agreement.OperatorId, ScenarioStatus.InReview,
            [ScenarioRules.NewRound(1, instanceId, content, now, now + settings.ReviewDeadline)], now, caller.Subject, now);
        var etag = await store.AddAsync(scenario, cancellationToken);
        await audit.RecordAsync(caller, "scenario.submitted", TargetOf(id), content, cancellationToken);
        await StartRoundAsync(scenario, workflows, cancellationToken);
        return new Versioned<Scenario>(scenario, etag);
    }

    public async Task<Versioned<Scenario>> ResubmitAsync(string id, ScenarioDraft draft, string? ifMatch, Caller caller, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(id, caller, cancellationToken);
        if (caller.Role != Roles.Operator)
        {
            throw new DomainException(FailureKind.Forbidden, "auth.forbidden_role", "Only the operator that submitted the scenario can resubmit it.");
        }

        if (ifMatch is not null && ifMatch != current.ETag)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The scenario changed since you read it; read it again and retry.");
        }

        var content = ScenarioRules.Validate(draft);
        await EnsureAgreementLiveAsync(current.Value.AgreementId, caller, cancellationToken);
        await EnsureReviewersKnownAsync(content, cancellationToken);
        var now = clock.UtcNow;
        var round = current.Value.CurrentRound.Number + 1;
        var updated = ScenarioRules.Resubmit(current.Value, content, ReviewInstanceId(id, round), now, now + settings.ReviewDeadline);
        var etag = await store.ReplaceAsync(updated, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, "scenario.resubmitted", TargetOf(id), new { round, content }, cancellationToken);
        await StartRoundAsync(updated, workflows, cancellationToken);
        return new Versioned<Scenario>(updated, etag);
    }

    public async Task<Versioned<Scenario>> GetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        // Object-level access: the operator its own, providers and experts the scenarios they review; others get 404.
        if (found is null || !MayRead(found.Value, caller))
        {
            throw new DomainException(FailureKind.NotFound, "scenario.not_found", $"Scenario '{id}' does not exist.");
        }

        return found;
    }

    public Task<(IReadOnlyList<Scenario> Items, string? ContinuationToken)> ListAsync(Caller caller, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => store.ListAsync(caller.Role == Roles.Operator ? caller.Organization : null, pageSize, continuationToken, cancellationToken);

    /// <summary>
    /// Activity: stores the slot, signs its link and sends it to the reviewer. <paramref name="reminder"/> 0 is the request
    /// itself; reminder n (after the n-th deadline) carries a fresh link, since the first may expire while the round waits.
    /// </summary>
    public async Task IssueReviewLinkAsync(string id, int round, string slot, int reminder = 0, CancellationToken cancellationToken = default)
    {
        var scenario = await RequireAsync(id, cancellationToken);
        var reviewRound = scenario.Round(round) ?? throw new InvalidOperationException($"Scenario {id} has no round {round}.");
        var review = reviewRound.Reviews.FirstOrDefault(r => r.Slot == slot) ?? throw new InvalidOperationException($"Round {round} of scenario {id} has no slot '{slot}'.");
        if (reviewRound.Outcome is not null || review.Decision is not null)
        {
            return;
        }

        var now = clock.UtcNow;
        var approvalSlot = new ApprovalSlot(reviewRound.InstanceId, slot, review.Reviewer, ScenarioRules.RoleOf(review.ReviewerKind), SubjectKind, id, round, reviewRound.StartedAt, reviewRound.DueAt);
        var link = await approvals.IssueAsync(approvalSlot, now + compression.Compress(links.Lifetime), cancellationToken);
        var operatorName = await OrganizationNameAsync(scenario.OperatorId, cancellationToken);
        var title = reviewRound.Content.Title;
        var (subject, body) = reminder > 0
            ? ($"应用场景评审催办：{title}",
               $"您对运营机构 {operatorName} 的应用场景「{title}」（第 {round} 轮）的评审已超过期限 {Cst(reviewRound.DueAt)}，已报主管部门。请尽快通过以下新链接评审；评审结果以您的决定为准，不会视为默认同意。")
            : ($"应用场景评审：{title}",
               $"运营机构 {operatorName} 提交了应用场景「{title}」（第 {round} 轮，{ReviewerLabel(review.ReviewerKind)}）。请在 {Cst(reviewRound.DueAt)} 前打开链接，按《实施办法》第四章第二条的评审标准打分并作出决定（同意、不同意或需修改）。");
        await outbox.SendAsync(new Notification(
            reminder > 0 ? $"{reviewRound.InstanceId}-{slot}-reminder-{reminder}" : $"{reviewRound.InstanceId}-{slot}", review.Reviewer, NotificationCategory, subject, body, link.Url, TargetOf(id), now), cancellationToken);
    }

    /// <summary>Activity: files a decision as it arrives; returns the scenario's status (cancelled stops the round).</summary>
    public async Task<ScenarioStatus> RecordDecisionAsync(string id, int round, ApprovalDecidedEvent decided, CancellationToken cancellationToken = default)
    {
        var (scenario, changed) = await ChangeWithRetryAsync(id, s => ScenarioRules.RecordDecision(s, round, decided.Slot, decided.Decision, clock.UtcNow), cancellationToken);
        if (changed)
        {
            await audit.RecordAsync(Caller.System, "scenario.review_decided", TargetOf(id), new { round, decided.Slot, decided.Decision.Kind, decided.Decision.Scores }, cancellationToken);
        }

        return scenario.Status;
    }

    /// <summary>
    /// Activity at a round's deadline (and after each further deadline period, <paramref name="escalation"/> = 1, 2, …):
    /// a slot whose decision is on record (its event was lost) is recovered; every other open slot is marked overdue,
    /// the authority is told, and the reviewer gets a reminder with a fresh link. The round keeps waiting: nothing is
    /// decided by silence.
    /// </summary>
    public async Task<ScenarioEscalationResult> EscalateAsync(string id, int round, IReadOnlyList<string> openSlots, int escalation = 1, CancellationToken cancellationToken = default)
    {
        var scenario = await RequireAsync(id, cancellationToken);
        var reviewRound = scenario.Round(round);
        if (reviewRound is null || reviewRound.Outcome is not null || scenario.Status != ScenarioStatus.InReview)
        {
            return new ScenarioEscalationResult(scenario.Status, []);
        }

        var recovered = new List<ApprovalDecidedEvent>();
        foreach (var slot in openSlots)
        {
            var review = reviewRound.Reviews.FirstOrDefault(r => r.Slot == slot);
            if (review is null)
            {
                continue;
            }

            if (await approvals.FindDecisionAsync(reviewRound.InstanceId, slot, cancellationToken) is { } decision)
            {
                var found = new ApprovalDecidedEvent(slot, review.Reviewer.Key, decision);
                await RecordDecisionAsync(id, round, found, cancellationToken);
                recovered.Add(found);
                continue;
            }

            var (marked, changed) = await ChangeWithRetryAsync(id, s => ScenarioRules.MarkOverdue(s, round, slot, clock.UtcNow), cancellationToken);
            if (changed)
            {
                await audit.RecordAsync(Caller.System, "scenario.review_overdue", TargetOf(id), new { round, slot, reviewRound.DueAt }, cancellationToken);
            }

            var operatorName = await OrganizationNameAsync(marked.OperatorId, cancellationToken);
            var reviewerName = review.Reviewer.Kind == "org" ? await OrganizationNameAsync(review.Reviewer.Value, cancellationToken) : "主管部门";
            await outbox.SendAsync(new Notification(
                $"{reviewRound.InstanceId}-{slot}-overdue-{escalation}", Recipient.Role(Roles.Authority), NotificationCategory,
                $"应用场景评审逾期：{reviewRound.Content.Title}",
                $"{ReviewerLabel(review.ReviewerKind)} {reviewerName} 未在 {Cst(reviewRound.DueAt)} 前完成对运营机构 {operatorName} 的应用场景「{reviewRound.Content.Title}」（第 {round} 轮）的评审，现报请跟进。评审继续等待其决定，不以沉默视为同意。",
                null, TargetOf(id), clock.UtcNow), cancellationToken);
            await IssueReviewLinkAsync(id, round, slot, escalation, cancellationToken);
        }

        return new ScenarioEscalationResult(scenario.Status, recovered);
    }

    /// <summary>
    /// Activity at the end of a round: closes the slots still open (their links answer 410), keeps any decision that
    /// raced the end, records the outcome and tells the operator (and the authority) the result.
    /// </summary>
    public async Task<ScenarioStatus> CompleteRoundAsync(string id, int round, ReviewRoundOutcome outcome, CancellationToken cancellationToken = default)
    {
        var scenario = await RequireAsync(id, cancellationToken);
        var reviewRound = scenario.Round(round) ?? throw new InvalidOperationException($"Scenario {id} has no round {round}.");
        var late = await approvals.CloseAsync(reviewRound.InstanceId, reviewRound.OpenSlots, $"round-{ScenarioRules.Wire(outcome)}", cancellationToken);
        var (ended, changed) = await ChangeWithRetryAsync(id, s =>
        {
            var withLate = late.Aggregate(s, (acc, claim) => ScenarioRules.RecordLateDecision(acc, round, claim.Slot, claim.Decision!, clock.UtcNow));
            return ScenarioRules.EndRound(withLate, round, outcome, clock.UtcNow);
        }, cancellationToken);
        if (changed)
        {
            await audit.RecordAsync(Caller.System, $"scenario.{ScenarioRules.Wire(outcome)}", TargetOf(id), new { round, outcome }, cancellationToken);
        }

        var result = outcome switch
        {
            ReviewRoundOutcome.Approved => "评审通过。可在该场景下申请所需数据（数据申请仅限评审通过的资源和字段）。",
            ReviewRoundOutcome.Rejected => "评审未通过。",
            ReviewRoundOutcome.ChangesRequested => "评审意见为需修改。请根据评审意见修改后重新提交，重新提交将开始新一轮评审。",
            _ => "评审已取消。",
        };
        foreach (var recipient in new[] { Recipient.Organization(ended.OperatorId), Recipient.Role(Roles.Authority) })
        {
            await outbox.SendAsync(new Notification(
                $"{reviewRound.InstanceId}-result-{recipient.Key}", recipient, NotificationCategory,
                $"应用场景评审结果：{reviewRound.Content.Title}",
                $"应用场景「{reviewRound.Content.Title}」第 {round} 轮评审结果：{result}",
                null, TargetOf(id), clock.UtcNow), cancellationToken);
        }

        return ended.Status;
    }

    /// <summary>
    /// Revocation step (SPEC §2.2): when the agreement ends, open reviews of its scenarios are cancelled — their links
    /// stop working at once, and each round's orchestration ends at its next step. Repeating it changes nothing.
    /// </summary>
    public async Task<int> CancelOpenReviewsAsync(string agreementId, string reason, CancellationToken cancellationToken = default)
    {
        var cancelled = 0;
        foreach (var scenario in await store.ListByAgreementAsync(agreementId, cancellationToken))
        {
            if (!scenario.IsOpen)
            {
                continue;
            }

            var round = scenario.CurrentRound;
            await approvals.CloseAsync(round.InstanceId, round.OpenSlots, $"agreement-{reason}", cancellationToken);
            var (_, changed) = await ChangeWithRetryAsync(scenario.Id, s =>
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
                await audit.RecordAsync(Caller.System, "scenario.cancelled", TargetOf(scenario.Id), new { agreementId, reason }, cancellationToken);
                await outbox.SendAsync(new Notification(
                    $"{round.InstanceId}-cancelled", Recipient.Organization(scenario.OperatorId), NotificationCategory,
                    $"应用场景评审已取消：{round.Content.Title}",
                    $"授权运营协议 {agreementId} 已结束，应用场景「{round.Content.Title}」的评审随之取消。",
                    null, TargetOf(scenario.Id), clock.UtcNow), cancellationToken);
            }
        }

        return cancelled;
    }

    private async Task StartRoundAsync(Scenario scenario, IWorkflowGateway workflows, CancellationToken cancellationToken)
    {
        var round = scenario.CurrentRound;
        await workflows.StartAsync(
            ReviewOrchestrator,
            round.InstanceId,
            new ScenarioReviewInput(scenario.Id, round.Number, round.Reviews.Select(r => r.Slot).ToList(), round.StartedAt.UtcDateTime, round.DueAt.UtcDateTime, compression.Factor),
            cancellationToken);
    }

    private async Task<Agreement> EnsureAgreementLiveAsync(string? agreementId, Caller caller, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(agreementId))
        {
            throw new DomainException(FailureKind.Unprocessable, "scenario.invalid", "The agreement the scenario is submitted under is required.",
                new Dictionary<string, string[]> { ["agreementId"] = ["Required."] });
        }

        var agreement = await agreements.GetAsync(agreementId.Trim(), cancellationToken);
        // M4.2 builds on M3.4: only an operator holding a live agreement of its own can submit scenarios under it.
        if (agreement is null || agreement.Value.OperatorId != caller.Organization || !agreement.Value.IsLive)
        {
            throw new DomainException(FailureKind.Conflict, "scenario.agreement_not_active",
                $"Agreement '{agreementId}' is not an active agreement of your organisation; scenarios are submitted under an active agreement.");
        }

        return agreement.Value;
    }

    private async Task EnsureReviewersKnownAsync(ScenarioContent content, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < content.DataNeeds.Count; i++)
        {
            if (!await IsOrganizationOfKindAsync(content.DataNeeds[i].ProviderId, OrganizationKind.Provider, cancellationToken))
            {
                errors[$"dataNeeds[{i}].providerId"] = [$"'{content.DataNeeds[i].ProviderId}' is not a registered data provider."];
            }
        }

        for (var i = 0; i < content.Experts.Count; i++)
        {
            if (!await IsOrganizationOfKindAsync(content.Experts[i], OrganizationKind.Reviewer, cancellationToken))
            {
                errors[$"experts[{i}]"] = [$"'{content.Experts[i]}' is not a registered reviewer organisation."];
            }
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "scenario.invalid", "Some reviewers named by the scenario are not registered.", errors);
        }
    }

    private async Task<bool> IsOrganizationOfKindAsync(string id, OrganizationKind kind, CancellationToken cancellationToken)
    {
        if (id.Length > 128 || id.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)))
        {
            return false;
        }

        return (await organizations.GetAsync(id, cancellationToken))?.Value.Kind == kind;
    }

    private async Task<string> OrganizationNameAsync(string id, CancellationToken cancellationToken)
        => (await organizations.GetAsync(id, cancellationToken))?.Value.Name ?? id;

    private static bool MayRead(Scenario scenario, Caller caller) => caller.Role switch
    {
        Roles.Authority or Roles.Supervisor => true,
        Roles.Operator => scenario.OperatorId == caller.Organization,
        Roles.Provider or Roles.Reviewer => scenario.InvolvedOrganizations.Contains(caller.Organization),
        _ => false,
    };

    private async Task<Scenario> RequireAsync(string id, CancellationToken cancellationToken)
        => (await store.GetAsync(id, cancellationToken))?.Value
           ?? throw new DomainException(FailureKind.NotFound, "scenario.not_found", $"Scenario '{id}' does not exist.");

    // Decisions arrive in parallel: apply this one again on top of the other.
    private Task<(Scenario Scenario, bool Changed)> ChangeWithRetryAsync(string id, Func<Scenario, Scenario> change, CancellationToken cancellationToken)
        => OptimisticChange.ApplyAsync(ct => store.GetAsync(id, ct), store.ReplaceAsync, change, () => new DomainException(FailureKind.NotFound, "scenario.not_found", $"Scenario '{id}' does not exist."), cancellationToken);

    private static string ReviewerLabel(ReviewerKind kind) => kind switch
    {
        ReviewerKind.Authority => "主管部门",
        ReviewerKind.Provider => "数据提供单位",
        _ => "评审专家",
    };

    private static string Cst(DateTimeOffset instant) => $"{ChinaTime.ToChinaTime(instant):yyyy-MM-dd HH:mm}（北京时间）";
}

/// <summary>The agreement revocation step that cancels the open scenario reviews of an ended agreement.</summary>
public sealed class ScenarioReviewRevocationStep(ScenarioService scenarios) : IAgreementRevocationStep
{
    public string Name => "scenario-reviews";

    public async Task<string> RevokeAsync(Agreement agreement, string reason, CancellationToken cancellationToken = default)
        => $"{await scenarios.CancelOpenReviewsAsync(agreement.Id, reason, cancellationToken)} open scenario review(s) cancelled";
}
