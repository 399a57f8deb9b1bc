using Platform.Domain.Calendar;
using Platform.Domain.Notifications;
using Platform.Domain.Products;
using Platform.Domain.Security;

namespace Platform.Domain.ProductCompliance;

/// <summary>
/// Settings of the product-compliance review (section <c>ProductCompliance</c>): the reviewers' deadlines in working
/// days for the fast and the full track, and optionally a third-party reviewer organisation for the full track.
/// </summary>
public sealed record ProductComplianceSettings(int FastTrackWorkingDays, int FullTrackWorkingDays, string? ThirdPartyReviewerId)
{
    public const int DefaultFastTrackWorkingDays = 3;
    public const int DefaultFullTrackWorkingDays = 10;

    public static ProductComplianceSettings Default { get; } = new(DefaultFastTrackWorkingDays, DefaultFullTrackWorkingDays, null);
}

/// <summary>One reviewer of a product: the decision slot, who is asked and in which role.</summary>
public sealed record ProductReviewer(string Slot, Recipient Reviewer, string ReviewerRole);

/// <summary>
/// Who reviews one round of a product and by when (legal instants; timers fire at compressed times). Carried by the
/// orchestration, so every activity of the round sees the same plan.
/// </summary>
public sealed record ProductReviewPlan(
    string ProductId,
    int Round,
    string InstanceId,
    ProductReviewTrack Track,
    string ProductName,
    string OwnerOrgId,
    DateTimeOffset StartedAt,
    DateTimeOffset DueAt,
    IReadOnlyList<ProductReviewer> Reviewers)
{
    public IReadOnlyList<string> Slots => Reviewers.Select(r => r.Slot).ToList();

    public ProductReviewer? ReviewerOf(string slot) => Reviewers.FirstOrDefault(r => r.Slot == slot);
}

/// <summary>
/// Chooses the track and the reviewers of a product's review (M4.5.1).
/// <list type="bullet">
/// <item>Fast track (快审) for low-risk products: use category <c>public-good</c> and no personal information. The
/// automated checks plus one reviewer, the authority, with the shorter deadline.</item>
/// <item>Full track otherwise: the authority together with every distinct provider whose data the product uses; when
/// a third-party reviewer organisation is configured (<c>ProductCompliance:ThirdPartyReviewerId</c>) it reviews in the
/// providers' place (the Measures allow either), so the authority and that reviewer decide.</item>
/// </list>
/// Deadlines count working days from the review's start by the rule of <see cref="ReviewDeadline"/> (CST, 17:00 cut-off,
/// due at the end of the due date).
/// </summary>
public static class ProductReviewPlanning
{
    public const string PublicGoodUseCategory = "public-good";
    public const string AuthoritySlot = "authority";
    public const string ProviderSlotPrefix = "provider-";
    public const string ThirdPartySlotPrefix = "third-party-";

    public static ProductReviewTrack SelectTrack(ProductComplianceFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        // M4.5.1: the fast track is for low-risk products only — public-good use, no personal information, no trade secrets.
        return string.Equals(facts.UseCategory, PublicGoodUseCategory, StringComparison.Ordinal) && !facts.InvolvesPersonalInfo && !facts.InvolvesTradeSecrets
            ? ProductReviewTrack.Fast
            : ProductReviewTrack.Full;
    }

    public static IReadOnlyList<ProductReviewer> SelectReviewers(ProductComplianceFacts facts, ProductReviewTrack track, ProductComplianceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(settings);
        var reviewers = new List<ProductReviewer> { new(AuthoritySlot, Recipient.Role(Roles.Authority), Roles.Authority) };
        if (track == ProductReviewTrack.Fast)
        {
            return reviewers;
        }

        if (!string.IsNullOrWhiteSpace(settings.ThirdPartyReviewerId))
        {
            var reviewer = settings.ThirdPartyReviewerId.Trim();
            reviewers.Add(new ProductReviewer(ThirdPartySlotPrefix + reviewer, Recipient.Organization(reviewer), Roles.Reviewer));
            return reviewers;
        }

        reviewers.AddRange(facts.UsedData
            .Select(used => used.ProviderId)
            .Where(provider => !string.IsNullOrWhiteSpace(provider))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(provider => new ProductReviewer(ProviderSlotPrefix + provider, Recipient.Organization(provider), Roles.Provider)));
        return reviewers;
    }

    public static int WorkingDaysFor(ProductReviewTrack track, ProductComplianceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return track == ProductReviewTrack.Fast ? settings.FastTrackWorkingDays : settings.FullTrackWorkingDays;
    }

    /// <summary>The plan of one round, started at <paramref name="startedAt"/> (the review's legal start).</summary>
    public static ProductReviewPlan Plan(ProductComplianceFacts facts, int round, DateTimeOffset startedAt, ProductComplianceSettings settings, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var track = SelectTrack(facts);
        var deadline = ReviewDeadline.Compute(startedAt, WorkingDaysFor(track, settings), calendar);
        return new ProductReviewPlan(
            facts.ProductId,
            round,
            ProductWorkflow.InstanceId(facts.ProductId, round),
            track,
            facts.ProductName,
            facts.OwnerOrgId,
            startedAt.ToUniversalTime(),
            deadline.DueAtUtc,
            SelectReviewers(facts, track, settings));
    }
}

/// <summary>
/// How the reviewers' decisions add up (M4.5.1): any rejection rejects at once; otherwise, once everyone has answered,
/// any request for changes asks for changes and only unanimous approval publishes. Silence never approves.
/// </summary>
public static class ProductReviewAggregation
{
    public static ProductComplianceOutcomeKind? Decide(IReadOnlyCollection<string> slots, IReadOnlyDictionary<string, Approvals.ApprovalDecisionKind> decisions)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(decisions);
        var answered = slots.Where(decisions.ContainsKey).Select(s => decisions[s]).ToList();
        if (answered.Contains(Approvals.ApprovalDecisionKind.Reject))
        {
            return ProductComplianceOutcomeKind.Rejected;
        }

        if (slots.Count == 0 || answered.Count < slots.Count)
        {
            return null;
        }

        return answered.Contains(Approvals.ApprovalDecisionKind.Changes) ? ProductComplianceOutcomeKind.ChangesRequested : ProductComplianceOutcomeKind.Published;
    }

    /// <summary>The wire name of an outcome (<c>published</c>, <c>rejected</c>, <c>changes-requested</c>).</summary>
    public static string Wire(ProductComplianceOutcomeKind kind) => kind switch
    {
        ProductComplianceOutcomeKind.Published => "published",
        ProductComplianceOutcomeKind.Rejected => "rejected",
        _ => "changes-requested",
    };
}

/// <summary>What a reviewer of a product scores (1–5 each, all of them when approving), after M4.5.1.</summary>
public static class ProductReviewCriteria
{
    public static IReadOnlyList<Approvals.ApprovalCriterion> All { get; } =
    [
        new("consistency", "信息一致性", "产品使用的数据资源和字段与应用场景评审通过的范围一致。"),
        new("masking", "脱敏与安全", "产品数据不含可识别个人或单位的信息，脱敏充分。"),
        new("consent", "授权同意", "涉及个人信息或商业秘密的，已取得相关主体的授权同意。"),
        new("value", "应用价值", "产品符合场景用途，定价与用途类别相符。"),
    ];
}
