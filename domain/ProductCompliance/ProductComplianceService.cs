using Platform.Domain.Approvals;
using Platform.Domain.Audit;
using Platform.Domain.Calendar;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Products;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.ProductCompliance;

/// <summary>What the automated checks found and, when the product exists, the plan of its review round.</summary>
public sealed record ProductChecksResult(ProductStatus Status, IReadOnlyList<ComplianceFinding> Findings, ProductReviewPlan? Plan)
{
    public bool Passed => Findings.Count == 0;
}

/// <summary>What a deadline found: the product's status and decisions recovered from their claims.</summary>
public sealed record ProductEscalationResult(ProductStatus Status, IReadOnlyList<ApprovalDecidedEvent> Recovered);

/// <summary>
/// The steps of the product-compliance review (M4.5.1) that the orchestration's activities run: automated checks and
/// the review plan, reviewers' links through the notification outbox, decisions, escalation of late reviews, and the
/// outcome. The product records themselves are kept by <see cref="IProductComplianceSubject"/>. Every step is
/// idempotent: approval slots are stored once per instance and slot, messages have ids keyed by instance and step.
/// </summary>
public sealed class ProductComplianceService(
    IProductComplianceSubject subject,
    ApprovalService approvals,
    IApprovalStore approvalStore,
    ApprovalLinkSettings links,
    INotificationOutbox outbox,
    IOrganizationStore organizations,
    ICalendarStore calendars,
    IAuditTrail audit,
    IClock clock,
    TimeCompression compression,
    ProductComplianceSettings settings)
{
    public const string SubjectKind = "product";
    public const string NotificationCategory = ProductComplianceNotices.Category;

    public static string TargetOf(string productId) => $"products/{productId}";

    /// <summary>
    /// Activity: loads the facts, runs the automated checks, plans the round and records the checks on the product.
    /// A product that no longer exists is reported as withdrawn (there is nothing left to review).
    /// </summary>
    public async Task<ProductChecksResult> RunChecksAsync(ProductComplianceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var facts = await subject.LoadFactsAsync(request.ProductId, cancellationToken);
        if (facts is null)
        {
            return new ProductChecksResult(ProductStatus.Withdrawn, [], null);
        }

        var findings = ProductComplianceChecks.Run(facts, ChinaTime.Today(clock));
        var startedAt = new DateTimeOffset(DateTime.SpecifyKind(request.AnchorUtc, DateTimeKind.Utc));
        var year = ChinaTime.LegalDate(startedAt).Year;
        var calendar = await calendars.LoadAsync(year, year + 1, cancellationToken);
        var plan = ProductReviewPlanning.Plan(facts, request.Round, startedAt, settings, calendar);
        var status = await subject.RecordAutomatedChecksAsync(request.ProductId, plan.Track, findings, cancellationToken);
        await audit.RecordAsync(Caller.System, "product.compliance_checked", TargetOf(request.ProductId),
            new { request.Round, plan.Track, Findings = findings.Select(f => new { f.Rule, f.Code, f.Dataset, f.Field, f.Row }) }, cancellationToken);
        return new ProductChecksResult(status, findings, plan);
    }

    /// <summary>
    /// Activity: stores the slot, signs its link and sends it to the reviewer. <paramref name="reminder"/> 0 is the
    /// request itself; reminder n (after the n-th deadline) carries a fresh link, since the first may expire while the
    /// round waits. A slot already settled is left alone.
    /// </summary>
    public async Task IssueReviewLinkAsync(ProductReviewPlan plan, string slot, int reminder = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var reviewer = plan.ReviewerOf(slot) ?? throw new InvalidOperationException($"Review {plan.InstanceId} has no slot '{slot}'.");
        if (await approvalStore.GetClaimAsync(plan.InstanceId, slot, cancellationToken) is not null)
        {
            return;
        }

        var now = clock.UtcNow;
        var approvalSlot = new ApprovalSlot(plan.InstanceId, slot, reviewer.Reviewer, reviewer.ReviewerRole, SubjectKind, plan.ProductId, plan.Round, plan.StartedAt, plan.DueAt);
        var link = await approvals.IssueAsync(approvalSlot, now + compression.Compress(links.Lifetime), cancellationToken);
        var owner = await OrganizationNameAsync(plan.OwnerOrgId, cancellationToken);
        await outbox.SendAsync(ProductComplianceNotices.ReviewLink(plan, reviewer, reminder, owner, link.Url, now), cancellationToken);
    }

    /// <summary>Activity: files a decision as it arrives; returns the product's status (withdrawn stops the review).</summary>
    public Task<ProductStatus> RecordDecisionAsync(string productId, ApprovalDecidedEvent decided, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decided);
        return subject.RecordReviewDecisionAsync(productId, decided.Slot, decided.Reviewer, decided.Decision, cancellationToken);
    }

    /// <summary>
    /// Activity at the deadline (and after each further deadline period, <paramref name="escalation"/> = 1, 2, …): a
    /// slot whose decision is on record (its event was lost) is recovered; every other open slot is reported to the
    /// authority and its reviewer reminded with a fresh link. The review keeps waiting: nothing is decided by silence.
    /// When the open slots were all closed elsewhere (the review was revoked), the product is reported withdrawn.
    /// </summary>
    public async Task<ProductEscalationResult> EscalateAsync(ProductReviewPlan plan, IReadOnlyList<string> openSlots, int escalation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(openSlots);
        var recovered = new List<ApprovalDecidedEvent>();
        var status = ProductStatus.InReview;
        var closed = 0;
        var owner = await OrganizationNameAsync(plan.OwnerOrgId, cancellationToken);
        foreach (var slot in openSlots)
        {
            if (plan.ReviewerOf(slot) is not { } reviewer)
            {
                continue;
            }

            var claim = await approvalStore.GetClaimAsync(plan.InstanceId, slot, cancellationToken);
            if (claim is { State: ApprovalSlotState.Decided, Decision: { } decision })
            {
                var found = new ApprovalDecidedEvent(slot, reviewer.Reviewer.Key, decision);
                status = await RecordDecisionAsync(plan.ProductId, found, cancellationToken);
                recovered.Add(found);
                if (status == ProductStatus.Withdrawn)
                {
                    return new ProductEscalationResult(status, recovered);
                }

                continue;
            }

            if (claim is { State: ApprovalSlotState.Closed })
            {
                closed++;
                continue;
            }

            await audit.RecordAsync(Caller.System, "product.review_overdue", TargetOf(plan.ProductId), new { plan.Round, slot, plan.DueAt, escalation }, cancellationToken);
            var reviewerName = reviewer.Reviewer.Kind == "org" ? await OrganizationNameAsync(reviewer.Reviewer.Value, cancellationToken) : "主管部门";
            await outbox.SendAsync(ProductComplianceNotices.Overdue(plan, reviewer, escalation, owner, reviewerName, clock.UtcNow), cancellationToken);
            await IssueReviewLinkAsync(plan, slot, escalation, cancellationToken);
        }

        if (openSlots.Count > 0 && closed == openSlots.Count)
        {
            status = ProductStatus.Withdrawn;
        }

        return new ProductEscalationResult(status, recovered);
    }

    /// <summary>
    /// Activity at the end of the review: closes the slots still open (their links answer 410), files any decision
    /// that raced the end, records the outcome on the product (publication registers it) and tells the owner and the
    /// authority. Repeating it sends nothing new.
    /// </summary>
    public async Task<ProductStatus> CompleteAsync(ProductReviewPlan plan, ProductComplianceOutcome outcome, IReadOnlyList<string> openSlots, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(openSlots);
        var wire = ProductReviewAggregation.Wire(outcome.Kind);
        var late = await approvals.CloseAsync(plan.InstanceId, openSlots, $"review-{wire}", cancellationToken);
        foreach (var claim in late)
        {
            var reviewer = plan.ReviewerOf(claim.Slot);
            await RecordDecisionAsync(plan.ProductId, new ApprovalDecidedEvent(claim.Slot, reviewer?.Reviewer.Key ?? claim.Slot, claim.Decision!), cancellationToken);
        }

        var status = await subject.CompleteAsync(plan.ProductId, outcome, cancellationToken);
        if (status == ProductStatus.Withdrawn)
        {
            return status;
        }

        await audit.RecordAsync(Caller.System, $"product.review_{wire}", TargetOf(plan.ProductId), new { plan.Round, outcome.Kind, Findings = outcome.Findings.Count }, cancellationToken);
        foreach (var notice in ProductComplianceNotices.Result(plan, outcome, clock.UtcNow))
        {
            await outbox.SendAsync(notice, cancellationToken);
        }

        return status;
    }

    /// <summary>
    /// For the revocation step of the product records (agreement expiry or termination, withdrawal): closes every slot
    /// of the product's review round, so its links answer 410 and the orchestration stops at its next deadline.
    /// Repeating it changes nothing. Returns how many slots it closed.
    /// </summary>
    public async Task<int> CloseReviewLinksAsync(string productId, int round, string reason, CancellationToken cancellationToken = default)
    {
        var facts = await subject.LoadFactsAsync(productId, cancellationToken);
        if (facts is null)
        {
            return 0;
        }

        var instanceId = ProductWorkflow.InstanceId(productId, round);
        var closed = 0;
        foreach (var reviewer in ProductReviewPlanning.SelectReviewers(facts, ProductReviewPlanning.SelectTrack(facts), settings))
        {
            if (await approvalStore.GetClaimAsync(instanceId, reviewer.Slot, cancellationToken) is null)
            {
                await approvals.CloseAsync(instanceId, [reviewer.Slot], reason, cancellationToken);
                closed++;
            }
        }

        return closed;
    }

    private async Task<string> OrganizationNameAsync(string id, CancellationToken cancellationToken)
        => (await organizations.GetAsync(id, cancellationToken))?.Value.Name ?? id;
}

/// <summary>Chinese labels shared by the review's messages and its approval page.</summary>
public static class ProductComplianceText
{
    public static string Track(ProductReviewTrack track) => track == ProductReviewTrack.Fast ? "快审" : "完整审核";

    public static string Kind(ProductKind kind) => kind switch
    {
        ProductKind.Dataset => "数据集",
        ProductKind.Api => "数据接口",
        ProductKind.Model => "模型",
        ProductKind.Report => "报告",
        _ => "指数",
    };

    public static string UseCategory(string useCategory) => useCategory == ProductReviewPlanning.PublicGoodUseCategory
        ? "公共治理与公益事业（公益类）"
        : "产业发展与行业应用（产业类）";

    public static string ReviewerLabel(string role) => role switch
    {
        Roles.Authority => "主管部门",
        Roles.Provider => "数据提供单位",
        _ => "第三方评审机构",
    };

    public static string Rule(string rule) => rule switch
    {
        ProductComplianceChecks.ConsistencyRule => "信息一致性",
        ProductComplianceChecks.MaskingRule => "脱敏复核",
        ProductComplianceChecks.ConsentRule => "授权同意",
        _ => rule,
    };

    /// <summary>The outcome in one sentence; automated findings are named by place only (never by value).</summary>
    public static string OutcomeSentence(ProductComplianceOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Kind switch
        {
            ProductComplianceOutcomeKind.Published => "审核通过，产品已登记并发布。",
            ProductComplianceOutcomeKind.Rejected => "审核未通过。" + Comment(outcome),
            _ when outcome.Findings.Count > 0 =>
                $"自动检查发现 {outcome.Findings.Count} 个问题，未提交人工审核，请修改后重新提交：" + string.Join("；", outcome.Findings.Take(10).Select(Place)) + (outcome.Findings.Count > 10 ? "……" : "。"),
            _ => "审核意见为需修改，请修改后重新提交。" + Comment(outcome),
        };
    }

    public static string Place(ComplianceFinding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var where = new List<string>();
        if (finding.Dataset is not null)
        {
            where.Add($"数据集 {finding.Dataset}");
        }

        if (finding.Field is not null)
        {
            where.Add($"字段 {finding.Field}");
        }

        if (finding.Row is not null)
        {
            where.Add($"第 {finding.Row} 行");
        }

        return $"{Rule(finding.Rule)}（{finding.Code}{(where.Count > 0 ? "，" + string.Join("，", where) : "")}）";
    }

    private static string Comment(ProductComplianceOutcome outcome) => string.IsNullOrWhiteSpace(outcome.Comment) ? "" : $"审核意见：{outcome.Comment}";
}
