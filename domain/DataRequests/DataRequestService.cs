using Platform.Domain.Agreements;
using Platform.Domain.Approvals;
using Platform.Domain.Audit;
using Platform.Domain.Calendar;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Oversight;
using Platform.Domain.Resources;
using Platform.Domain.Scenarios;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Workflows;

namespace Platform.Domain.DataRequests;

/// <summary>
/// Data requests with the 5-working-day provider review (SPEC §2.5, M4.3): submission under an approved scenario within
/// its approved data needs, a review task per provider (signed link and authenticated route, one decision per provider),
/// deadlines on the Chinese working-day calendar, reminders, escalation of overdue reviews to the authority, timeliness
/// records (M4.7.2), and cancellation when the agreement ends. The methods the orchestration calls are idempotent.
/// </summary>
public sealed class DataRequestService(
    IDataRequestStore store,
    IScenarioStore scenarios,
    IAgreementStore agreements,
    IResourceStore resources,
    IOrganizationStore organizations,
    IOperatorAccessGuard operatorAccess,
    ApprovalService approvals,
    IApprovalStore approvalClaims,
    ApprovalLinkSettings links,
    ICalendarStore calendars,
    IReviewTimelinessStore timeliness,
    INotificationOutbox outbox,
    IAuditTrail audit,
    IClock clock,
    TimeCompression compression,
    DataRequestSettings settings)
{
    public const string Kind = "data-request";
    public const string Orchestrator = "DataRequestOrchestrator";
    public const string SubjectKind = "data-request";
    public const string NotificationCategory = "data-request";
    public const string GrantIdPrefix = "grt";
    public const string SampleJobIdPrefix = "msk";
    public const string NotFoundCode = "data_request.not_found";
    public const string NotPendingCode = "data_request.not_pending";
    public const string AlreadyDecidedCode = "data_request.review_already_decided";
    public const string AgreementNotActiveCode = "data_request.agreement_not_active";
    public const string ScenarioNotApprovedCode = "data_request.scenario_not_approved";
    public const string ResourceNotPublishedCode = "data_request.resource_not_published";

    /// <summary>Marks a review claim made on the authenticated route; the rest names the kept submission.</summary>
    public const string ApiClaimPrefix = "api:";

    public static string InstanceIdOf(string dataRequestId) => WorkflowInstanceIds.For(Kind, dataRequestId);

    public static string TargetOf(string dataRequestId) => $"data-requests/{dataRequestId}";

    /// <summary>
    /// Files a data request under an approved scenario of the caller and starts its review. <paramref name="newId"/>
    /// mints ids for a prefix: the grant and sample-job ids are reserved now so that provisioning can be repeated safely.
    /// </summary>
    public async Task<Versioned<DataRequest>> SubmitAsync(string id, string scenarioId, DataRequestDraft draft, Caller caller, Func<string, string> newId,
        IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(newId);
        var scenario = (await scenarios.GetAsync(scenarioId, cancellationToken))?.Value;
        if (scenario is null || caller.Role != Roles.Operator || scenario.OperatorId != caller.Organization)
        {
            throw new DomainException(FailureKind.NotFound, "scenario.not_found", $"Scenario '{scenarioId}' does not exist.");
        }

        // M5.5: a suspended operator gets no data.
        await operatorAccess.EnsureNotSuspendedAsync(caller.Organization, cancellationToken);
        if (scenario.Status != ScenarioStatus.Approved)
        {
            throw new DomainException(FailureKind.Conflict, ScenarioNotApprovedCode,
                $"Scenario '{scenarioId}' is {ScenarioRules.Wire(scenario.Status)}; data is requested only under an approved scenario (M4.2, M4.3).");
        }

        var agreement = (await agreements.GetAsync(scenario.AgreementId, cancellationToken))?.Value;
        if (agreement is null || !agreement.IsLive)
        {
            throw new DomainException(FailureKind.Conflict, AgreementNotActiveCode,
                $"Agreement '{scenario.AgreementId}' is not active; data is requested only under a live agreement (M3.6).");
        }

        var (requested, purpose) = DataRequestRules.Validate(draft);
        DataRequestRules.EnsureWithinScenario(requested, scenario.Content.DataNeeds);
        var items = await ResolveItemsAsync(requested, scenario.Content.DataNeeds, newId, cancellationToken);
        var reviews = items.Select(i => i.ProviderId).Distinct(StringComparer.Ordinal)
            .Select(provider => new ProviderReview(DataRequestRules.SlotOf(provider), provider, newId(GrantIdPrefix)))
            .ToList();
        var now = clock.UtcNow;
        var request = new DataRequest(id, scenario.Id, scenario.Content.Title, agreement.Id, agreement.OperatorId, purpose, items, reviews,
            DataRequestStatus.Pending, now, caller.Subject, now);
        var etag = await store.AddAsync(request, cancellationToken);
        await audit.RecordAsync(caller, "data_request.submitted", TargetOf(id),
            new { scenarioId, purpose, items = items.Select(i => new { i.ResourceId, i.Fields }) }, cancellationToken);
        await workflows.StartAsync(Orchestrator, request.InstanceId, new DataRequestReviewInput(id, now.UtcDateTime, compression.Factor), cancellationToken);
        return new Versioned<DataRequest>(request, etag);
    }

    public async Task<Versioned<DataRequest>> GetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        // Object-level access: the operator its own requests, providers the requests asking for their data.
        if (found is null || !MayRead(found.Value, caller))
        {
            throw new DomainException(FailureKind.NotFound, NotFoundCode, $"Data request '{id}' does not exist.");
        }

        return found;
    }

    public Task<(IReadOnlyList<DataRequest> Items, string? ContinuationToken)> ListAsync(Caller caller, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => store.ListAsync(caller.Role == Roles.Operator ? caller.Organization : null, pageSize, continuationToken, cancellationToken);

    /// <summary>
    /// A provider decides on the authenticated route (SPEC §3.1 POST /data-requests/{id}/reviews). The decision settles
    /// the same slot a signed link would (a link used afterwards answers 409) and raises the same event.
    /// </summary>
    public async Task<Versioned<DataRequest>> SubmitReviewAsync(string id, ReviewDraft draft, Caller caller, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var request = (await GetAsync(id, caller, cancellationToken)).Value;
        var review = caller.Role == Roles.Provider ? request.Review(DataRequestRules.SlotOf(caller.Organization)) : null;
        if (review is null)
        {
            throw new DomainException(FailureKind.Forbidden, "auth.forbidden_role", "Only a provider whose data the request asks for reviews it.");
        }

        EnsureOpen(request, review);
        var (items, comment) = DataRequestRules.ResolveReview(draft, request.ItemsOf(review.ProviderId).ToList());
        var now = clock.UtcNow;
        var submission = new ReviewSubmission(Guid.NewGuid().ToString("N"), id, review.Slot, items, comment, now, caller.Subject);
        await store.AddSubmissionAsync(submission, cancellationToken);
        var decision = new ApprovalDecision(DataRequestRules.SlotKindOf(items), new Dictionary<string, int>(), comment, now);
        var claim = new ApprovalClaim(request.InstanceId, review.Slot, ApprovalSlotState.Decided, decision, ApiClaimPrefix + submission.Id, null, now);
        if (!await approvalClaims.TryClaimAsync(claim, cancellationToken))
        {
            var winner = await approvalClaims.GetClaimAsync(request.InstanceId, review.Slot, cancellationToken);
            throw winner?.State == ApprovalSlotState.Closed
                ? new DomainException(FailureKind.Conflict, NotPendingCode, "The review has ended (the request was cancelled with its agreement).")
                : new DomainException(FailureKind.Conflict, AlreadyDecidedCode, "Your organisation has already decided on this request (through the link or this route).");
        }

        await audit.RecordAsync(caller, "data_request.review_submitted", TargetOf(id), new { review.Slot, items, comment }, cancellationToken);
        await RecordDecisionAsync(id, review.Slot, cancellationToken);
        await workflows.RaiseEventAsync(request.InstanceId, ApprovalService.DecisionEventName,
            new ApprovalDecidedEvent(review.Slot, Recipient.Organization(review.ProviderId).Key, decision), cancellationToken);
        return await store.GetAsync(id, cancellationToken) ?? throw new InvalidOperationException($"Data request {id} vanished.");
    }

    /// <summary>
    /// Activity: computes each provider's deadline (M4.3: 5 working days on the Chinese calendar, see
    /// <see cref="ReviewDeadline"/>) and its reminder, once; later runs return what was stored.
    /// </summary>
    public async Task<DataRequestReviewPlan> ScheduleAsync(string id, CancellationToken cancellationToken = default)
    {
        var request = await RequireAsync(id, cancellationToken);
        if (request.Reviews.Any(r => r.DueAt is null) && !request.IsCancelled)
        {
            var year = ChinaTime.LegalDate(request.SubmittedAt).Year;
            var calendar = await calendars.LoadAsync(year, year + 1, cancellationToken);
            var deadline = ReviewDeadline.ComputeForDataRequest(request.SubmittedAt, calendar);
            var reminder = ReviewReminder.ForDeadline(deadline, settings.ReminderWorkingDaysBefore, calendar);
            var (scheduled, changed) = await ChangeWithRetryAsync(id,
                r => r.Reviews.Aggregate(r, (acc, review) => DataRequestRules.Schedule(acc, review.Slot, deadline, reminder, clock.UtcNow)), cancellationToken);
            request = scheduled;
            if (changed)
            {
                await audit.RecordAsync(Caller.System, "data_request.review_scheduled", TargetOf(id),
                    new { deadline.CountingStartsOn, deadline.DueLegalDate, deadline.DueAtUtc, deadline.FallbackYears, RemindAt = reminder?.RemindAtUtc }, cancellationToken);
            }
        }

        foreach (var review in request.Reviews)
        {
            await RecordTimelinessAsync(request, review, cancellationToken);
        }

        return new DataRequestReviewPlan(request.Status, request.Reviews
            .Where(r => r.DueAt is not null)
            .Select(r => new ScheduledReview(r.Slot, r.ProviderId, r.DueAt!.Value.UtcDateTime, r.RemindAt?.UtcDateTime))
            .ToList());
    }

    /// <summary>
    /// Activity: signs a link for the provider's slot and sends the review task (link and the authenticated route)
    /// through the outbox. <paramref name="notice"/> 0 is the task itself; later notices carry a fresh link.
    /// </summary>
    public async Task IssueReviewTaskAsync(string id, string slot, ReviewNotice notice = ReviewNotice.Request, int number = 0, CancellationToken cancellationToken = default)
    {
        var request = await RequireAsync(id, cancellationToken);
        var review = request.Review(slot) ?? throw new InvalidOperationException($"Data request {id} has no review '{slot}'.");
        if (!review.IsOpen || request.IsCancelled)
        {
            return;
        }

        var now = clock.UtcNow;
        var due = review.DueAt ?? now;
        var approvalSlot = new ApprovalSlot(request.InstanceId, slot, Recipient.Organization(review.ProviderId), Roles.Provider, SubjectKind, id, 1, request.SubmittedAt, due);
        var link = await approvals.IssueAsync(approvalSlot, now + compression.Compress(links.Lifetime), cancellationToken);
        var operatorName = await OrganizationNameAsync(request.OperatorId, cancellationToken);
        var resourcesText = string.Join("；", request.ItemsOf(review.ProviderId).Select(i => $"《{i.ResourceName}》（{string.Join("、", i.Fields)}）"));
        var dueText = review.DueLegalDate is { } dueDate ? $"{dueDate:yyyy-MM-dd}（北京时间当日 24:00 前）" : "5 个工作日内";
        var route = $"POST /api/{TargetOf(id)}/reviews";
        var (notificationId, subject, body) = notice switch
        {
            ReviewNotice.Reminder => ($"{request.InstanceId}-{slot}-reminder",
                $"数据申请审核提醒：{request.ScenarioTitle}",
                $"运营机构 {operatorName} 的数据申请（场景「{request.ScenarioTitle}」）仍待贵单位审核，审核期限为 {dueText}。申请的数据：{resourcesText}。请通过链接或接口 {route} 作出决定。"),
            ReviewNotice.Overdue => ($"{request.InstanceId}-{slot}-overdue-reminder-{number}",
                $"数据申请审核已逾期：{request.ScenarioTitle}",
                $"贵单位对运营机构 {operatorName} 的数据申请（场景「{request.ScenarioTitle}」）的审核已超过期限 {dueText}，已报主管部门并计入审核及时性（第四章第七条）。请尽快通过以下新链接或接口 {route} 作出决定；逾期决定仍然有效，但不会视为默认同意。"),
            _ => ($"{request.InstanceId}-{slot}",
                $"数据申请待审核：{request.ScenarioTitle}",
                $"运营机构 {operatorName} 在已通过评审的应用场景「{request.ScenarioTitle}」下申请贵单位的数据：{resourcesText}。用途：{request.Purpose}。请在 {dueText}（5 个工作日，《实施办法》第四章第三条）打开链接逐项审核（同意或不同意；“需修改”按不同意处理），或通过接口 {route} 提交。未在期限内审核的将报主管部门，且不会视为同意。"),
        };
        await outbox.SendAsync(new Notification(notificationId, Recipient.Organization(review.ProviderId), NotificationCategory, subject, body, link.Url, TargetOf(id), now), cancellationToken);
        if (notice == ReviewNotice.Reminder)
        {
            await ChangeWithRetryAsync(id, r => DataRequestRules.MarkReminded(r, slot, clock.UtcNow), cancellationToken);
        }
    }

    /// <summary>Activity: a reminder before the deadline; returns the request's status (cancelled stops the review).</summary>
    public async Task<DataRequestStatus> RemindAsync(string id, string slot, CancellationToken cancellationToken = default)
    {
        await IssueReviewTaskAsync(id, slot, ReviewNotice.Reminder, 0, cancellationToken);
        return (await RequireAsync(id, cancellationToken)).Status;
    }

    /// <summary>
    /// Activity: files the decision on record for a slot (from its claim, whichever way it was made). Returns the status,
    /// whether the slot is decided and whether it approved anything. Repeating it changes nothing.
    /// </summary>
    public async Task<DataRequestDecisionOutcome> RecordDecisionAsync(string id, string slot, CancellationToken cancellationToken = default)
    {
        var request = await RequireAsync(id, cancellationToken);
        var review = request.Review(slot);
        if (review is null)
        {
            return new DataRequestDecisionOutcome(request.Status, false, false);
        }

        if (review.Decision is null && !request.IsCancelled
            && await approvalClaims.GetClaimAsync(request.InstanceId, slot, cancellationToken) is { State: ApprovalSlotState.Decided, Decision: { } decision } claim)
        {
            var (items, comment, decidedBy, channel) = await ItemsOfClaimAsync(request, review, claim, decision, cancellationToken);
            // Under compressed time (SPEC §6) the decision instant is scaled back to the legal instant it stands for.
            var legalDecidedAt = new DateTimeOffset(compression.LegalTime(request.SubmittedAt.UtcDateTime, decision.DecidedAt.UtcDateTime), TimeSpan.Zero);
            var (updated, changed) = await ChangeWithRetryAsync(id,
                r => DataRequestRules.RecordDecision(r, slot, items, comment, decision.DecidedAt, decidedBy, channel, clock.UtcNow, legalDecidedAt), cancellationToken);
            request = updated;
            review = updated.Review(slot)!;
            if (changed && review.Decision is { } decided)
            {
                await audit.RecordAsync(Caller.System, "data_request.review_decided", TargetOf(id), new { slot, decided.Items, decided.Late, decided.Channel }, cancellationToken);
                await RecordTimelinessAsync(request, review, cancellationToken);
                var providerName = await OrganizationNameAsync(review.ProviderId, cancellationToken);
                var approvedCount = decided.Items.Values.Count(v => v == ItemDecisionKind.Approve);
                await outbox.SendAsync(new Notification(
                    $"{request.InstanceId}-{slot}-decided", Recipient.Organization(request.OperatorId), NotificationCategory,
                    $"数据申请审核结果：{request.ScenarioTitle}",
                    $"数据提供单位 {providerName} 已审核您的数据申请：同意 {approvedCount} 项，不同意 {decided.Items.Count - approvedCount} 项{(decided.Comment is null ? "" : $"，意见：{decided.Comment}")}。同意的数据将提供至授权数据资源库并签发授权。",
                    null, TargetOf(id), clock.UtcNow), cancellationToken);
            }
        }

        return OutcomeOf(request, slot);
    }

    /// <summary>
    /// Activity at a review's deadline (<paramref name="escalation"/> 1) and after each further deadline period (2, 3, …):
    /// a decision on record whose event was lost is filed; otherwise the review is marked overdue, the authority is told
    /// (once), and the provider gets a reminder with a fresh link. Nothing is decided by silence (M4.3).
    /// </summary>
    public async Task<DataRequestEscalationOutcome> EscalateAsync(string id, string slot, int escalation = 1, CancellationToken cancellationToken = default)
    {
        var recorded = await RecordDecisionAsync(id, slot, cancellationToken);
        if (recorded.Decided || recorded.Status == DataRequestStatus.Cancelled)
        {
            return new DataRequestEscalationOutcome(recorded.Status, recorded.Decided, recorded.AnyApproved);
        }

        var (request, changed) = await ChangeWithRetryAsync(id, r => DataRequestRules.MarkOverdue(r, slot, clock.UtcNow), cancellationToken);
        var review = request.Review(slot)!;
        if (changed)
        {
            await audit.RecordAsync(Caller.System, "data_request.review_overdue", TargetOf(id), new { slot, review.DueAt, review.DueLegalDate }, cancellationToken);
            await RecordTimelinessAsync(request, review, cancellationToken);
        }

        if (escalation <= 1)
        {
            var operatorName = await OrganizationNameAsync(request.OperatorId, cancellationToken);
            var providerName = await OrganizationNameAsync(review.ProviderId, cancellationToken);
            await outbox.SendAsync(new Notification(
                $"{request.InstanceId}-{slot}-overdue", Recipient.Role(Roles.Authority), NotificationCategory,
                $"数据申请审核逾期：{request.ScenarioTitle}",
                $"数据提供单位 {providerName} 未在 {review.DueLegalDate:yyyy-MM-dd}（北京时间当日 24:00）前审核运营机构 {operatorName} 的数据申请（场景「{request.ScenarioTitle}」），现报请督促（《实施办法》第四章第三条、第七条）。申请继续等待其决定，不以沉默视为同意。",
                null, TargetOf(id), clock.UtcNow), cancellationToken);
        }

        await IssueReviewTaskAsync(id, slot, ReviewNotice.Overdue, escalation, cancellationToken);
        return new DataRequestEscalationOutcome(request.Status, false, false);
    }

    /// <summary>Activity: notes on the request that a review's approved items were provisioned (or why not).</summary>
    public async Task MarkProvisionedAsync(string id, string slot, string? error, CancellationToken cancellationToken = default)
    {
        var (request, changed) = await ChangeWithRetryAsync(id, r => DataRequestRules.MarkProvisioned(r, slot, clock.UtcNow, error), cancellationToken);
        if (changed && error is not null)
        {
            await audit.RecordAsync(Caller.System, "data_request.provisioning_failed", TargetOf(id), new { slot, error }, cancellationToken);
            await outbox.SendAsync(new Notification(
                $"{request.InstanceId}-{slot}-provisioning-failed", Recipient.Role(Roles.Authority), NotificationCategory,
                $"数据提供失败：{request.ScenarioTitle}", $"数据申请 {id} 中已同意的数据未能提供至授权数据资源库：{error}",
                null, TargetOf(id), clock.UtcNow), cancellationToken);
        }
    }

    /// <summary>Activity when every review is decided: tells the operator the result.</summary>
    public async Task<DataRequestStatus> CompleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var request = await RequireAsync(id, cancellationToken);
        if (request.IsCancelled)
        {
            return request.Status;
        }

        var approved = request.Items.Count(i => i.Status == DataRequestItemStatus.Approved);
        await audit.RecordAsync(Caller.System, "data_request.completed", TargetOf(id), new { request.Status, approved, total = request.Items.Count }, cancellationToken);
        var result = request.Status switch
        {
            DataRequestStatus.Approved => "全部同意",
            DataRequestStatus.PartiallyApproved => "部分同意",
            _ => "未获同意",
        };
        await outbox.SendAsync(new Notification(
            $"{request.InstanceId}-result", Recipient.Organization(request.OperatorId), NotificationCategory,
            $"数据申请审核完成：{request.ScenarioTitle}",
            $"您的数据申请已审核完毕：{result}（同意 {approved} 项，共 {request.Items.Count} 项）。同意的数据可在授权范围内于沙箱中使用。",
            null, TargetOf(id), clock.UtcNow), cancellationToken);
        return request.Status;
    }

    /// <summary>
    /// Revocation step (SPEC §2.2): the agreement ended, so its pending requests are cancelled — their links stop working
    /// at once (410) and their orchestrations end at their next step. Repeating it changes nothing.
    /// </summary>
    public async Task<int> CancelPendingAsync(string agreementId, string reason, CancellationToken cancellationToken = default)
    {
        var cancelled = 0;
        foreach (var request in await store.ListByAgreementAsync(agreementId, cancellationToken))
        {
            if (request.IsCancelled || request.CompletedAt is not null)
            {
                continue;
            }

            await approvals.CloseAsync(request.InstanceId, request.Reviews.Where(r => r.IsOpen).Select(r => r.Slot), $"agreement-{reason}", cancellationToken);
            var (ended, changed) = await ChangeWithRetryAsync(request.Id, r => DataRequestRules.Cancel(r, reason, clock.UtcNow), cancellationToken);
            if (!changed)
            {
                continue;
            }

            cancelled++;
            await audit.RecordAsync(Caller.System, "data_request.cancelled", TargetOf(request.Id), new { agreementId, reason }, cancellationToken);
            foreach (var review in ended.Reviews)
            {
                await RecordTimelinessAsync(ended, review, cancellationToken);
            }

            await outbox.SendAsync(new Notification(
                $"{request.InstanceId}-cancelled", Recipient.Organization(request.OperatorId), NotificationCategory,
                $"数据申请已取消：{request.ScenarioTitle}",
                $"授权运营协议 {agreementId} 已结束，数据申请 {request.Id} 中尚未审核的部分随之取消，已签发的授权一并撤销。",
                null, TargetOf(request.Id), clock.UtcNow), cancellationToken);
        }

        return cancelled;
    }

    /// <summary>A provider's review timeliness for requests submitted in <paramref name="year"/> (M4.7.2, for the contribution score).</summary>
    public Task<IReadOnlyList<ReviewTimeliness>> ListTimelinessAsync(string providerId, int year, CancellationToken cancellationToken = default)
        => timeliness.ListAsync(providerId, year, cancellationToken);

    private static DataRequestDecisionOutcome OutcomeOf(DataRequest request, string slot)
    {
        var review = request.Review(slot);
        var decided = review?.Decision is not null;
        var anyApproved = review?.Decision?.Items.Values.Any(v => v == ItemDecisionKind.Approve) ?? false;
        return new DataRequestDecisionOutcome(request.Status, decided, anyApproved);
    }

    private static void EnsureOpen(DataRequest request, ProviderReview review)
    {
        if (request.IsCancelled || review.Closed)
        {
            throw new DomainException(FailureKind.Conflict, NotPendingCode, "The review has ended (the request was cancelled with its agreement).");
        }

        if (review.Decision is not null)
        {
            throw new DomainException(FailureKind.Conflict, AlreadyDecidedCode, "Your organisation has already decided on this request (through the link or this route).");
        }
    }

    private async Task<(IReadOnlyDictionary<string, ItemDecisionKind> Items, string? Comment, string DecidedBy, ReviewChannel Channel)> ItemsOfClaimAsync(
        DataRequest request, ProviderReview review, ApprovalClaim claim, ApprovalDecision decision, CancellationToken cancellationToken)
    {
        if (claim.Nonce?.StartsWith(ApiClaimPrefix, StringComparison.Ordinal) == true
            && await store.GetSubmissionAsync(claim.Nonce[ApiClaimPrefix.Length..], cancellationToken) is { } submission)
        {
            return (submission.Items, submission.Comment, submission.SubmittedBy, ReviewChannel.Api);
        }

        return (DataRequestRules.ItemsOfLinkDecision(decision.Kind, request.ItemsOf(review.ProviderId)), decision.Comment, $"link:{claim.Nonce}", ReviewChannel.Link);
    }

    private async Task<IReadOnlyList<DataRequestItem>> ResolveItemsAsync(IReadOnlyList<RequestedItem> requested, IReadOnlyList<DataNeed> needs, Func<string, string> newId, CancellationToken cancellationToken)
    {
        var notPublished = new Dictionary<string, string[]>();
        var invalid = new Dictionary<string, string[]>();
        var items = new List<DataRequestItem>();
        for (var i = 0; i < requested.Count; i++)
        {
            var need = needs.First(n => n.ResourceId == requested[i].ResourceId);
            var resource = IsStorableKey(requested[i].ResourceId) ? (await resources.GetAsync(requested[i].ResourceId, cancellationToken))?.Value : null;
            if (resource is null || resource.Status != ResourceStatus.Published)
            {
                notPublished[$"items[{i}].resourceId"] = [$"Resource '{requested[i].ResourceId}' is not published in the catalogue."];
                continue;
            }

            if (resource.ProviderId != need.ProviderId)
            {
                invalid[$"items[{i}].resourceId"] = [$"The scenario was approved for this resource from provider '{need.ProviderId}', but it is held by '{resource.ProviderId}'."];
                continue;
            }

            var byName = resource.Fields.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
            // A field, or a coarse attribute derived from an identifier (issue 14 item 0: "id_number:birth_year").
            var unknown = requested[i].Fields.Where(f => LibraryColumns.Problem(resource.Fields, f) is not null).ToList();
            if (unknown.Count > 0)
            {
                invalid[$"items[{i}].fields"] = [$"Not fields of resource '{resource.Name}': {string.Join(", ", unknown)}."];
                continue;
            }

            items.Add(new DataRequestItem(resource.Id, resource.Name, resource.ProviderId, requested[i].Fields.Select(f => LibraryColumns.TryParseDerived(f, out var source, out _)
                    ? byName[source].Name + f[source.Length..]
                    : byName[f].Name).ToList(),
                need.Justification, DataRequestItemStatus.Pending, newId(SampleJobIdPrefix)));
        }

        if (notPublished.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, ResourceNotPublishedCode, "Data is requested only from published resources (M4.1).", notPublished);
        }

        if (invalid.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, DataRequestRules.InvalidCode, "Some items do not match the catalogue.", invalid);
        }

        return items;
    }

    private async Task RecordTimelinessAsync(DataRequest request, ProviderReview review, CancellationToken cancellationToken)
    {
        if (DataRequestRules.TimelinessOf(request, review) is { } record)
        {
            await timeliness.UpsertAsync(record, cancellationToken);
        }
    }

    private static bool MayRead(DataRequest request, Caller caller) => caller.Role switch
    {
        Roles.Authority or Roles.Supervisor => true,
        Roles.Operator => request.OperatorId == caller.Organization,
        Roles.Provider => request.Providers.Contains(caller.Organization),
        _ => false,
    };

    private static bool IsStorableKey(string id) => id.Length <= 128 && !id.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    private async Task<string> OrganizationNameAsync(string id, CancellationToken cancellationToken)
        => (await organizations.GetAsync(id, cancellationToken))?.Value.Name ?? id;

    private async Task<DataRequest> RequireAsync(string id, CancellationToken cancellationToken)
        => (await store.GetAsync(id, cancellationToken))?.Value
           ?? throw new DomainException(FailureKind.NotFound, NotFoundCode, $"Data request '{id}' does not exist.");

    // Decisions of several providers arrive in parallel: apply this change again on top of the other.
    private Task<(DataRequest Request, bool Changed)> ChangeWithRetryAsync(string id, Func<DataRequest, DataRequest> change, CancellationToken cancellationToken)
        => OptimisticChange.ApplyAsync(ct => store.GetAsync(id, ct), store.ReplaceAsync, change, () => new DomainException(FailureKind.NotFound, NotFoundCode, $"Data request '{id}' does not exist."), cancellationToken);
}

/// <summary>Which message of a review is sent: the task itself, the reminder before the deadline, or a notice after it.</summary>
public enum ReviewNotice
{
    Request,
    Reminder,
    Overdue,
}

/// <summary>The agreement revocation step that cancels the pending data requests of an ended agreement (SPEC §2.2).</summary>
public sealed class DataRequestRevocationStep(DataRequestService requests) : IAgreementRevocationStep
{
    public string Name => "data-requests";

    public async Task<string> RevokeAsync(Agreement agreement, string reason, CancellationToken cancellationToken = default)
        => $"{await requests.CancelPendingAsync(agreement.Id, reason, cancellationToken)} pending data request(s) cancelled";
}
