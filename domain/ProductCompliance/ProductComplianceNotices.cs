using Platform.Domain.Notifications;
using Platform.Domain.Products;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.ProductCompliance;

/// <summary>
/// The messages of the product-compliance review (M4.5.1), pure: given the review plan, the slot and the names the
/// caller looked up, they build the notification — recipient, Chinese subject and body, link, target. Ids are
/// deterministic per round, slot and reminder, so a retried activity never sends twice.
/// </summary>
public static class ProductComplianceNotices
{
    public const string Category = "product-compliance";

    /// <summary>
    /// To the reviewer of <paramref name="reviewer"/>'s slot: the review request (<paramref name="reminder"/> 0), or the
    /// n-th reminder after the deadline, each with its own signed link.
    /// </summary>
    public static Notification ReviewLink(ProductReviewPlan plan, ProductReviewer reviewer, int reminder, string ownerName, string linkUrl, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(reviewer);
        var (subjectLine, body) = reminder > 0
            ? ($"数据产品合规审核催办：{plan.ProductName}",
               $"您对 {ownerName} 的数据产品「{plan.ProductName}」（第 {plan.Round} 轮）的合规审核已超过期限 {Cst(plan.DueAt)}，已报主管部门。请尽快通过以下新链接审核；审核结果以您的决定为准，不会视为默认同意。")
            : ($"数据产品合规审核：{plan.ProductName}",
               $"{ownerName} 提交了数据产品「{plan.ProductName}」（第 {plan.Round} 轮，{ProductComplianceText.Track(plan.Track)}），自动检查已通过。请在 {Cst(plan.DueAt)} 前打开链接，按《实施办法》第四章第五条审核信息一致性、脱敏情况和授权同意，并作出决定（同意、不同意或需修改）。");
        return new Notification(
            reminder > 0 ? $"{plan.InstanceId}-{reviewer.Slot}-reminder-{reminder}" : $"{plan.InstanceId}-{reviewer.Slot}",
            reviewer.Reviewer, Category, subjectLine, body, linkUrl, ProductRules.TargetOf(plan.ProductId), now);
    }

    /// <summary>To the authority: a reviewer let the deadline pass; silence is not consent.</summary>
    public static Notification Overdue(ProductReviewPlan plan, ProductReviewer reviewer, int escalation, string ownerName, string reviewerName, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(reviewer);
        return new Notification(
            $"{plan.InstanceId}-{reviewer.Slot}-overdue-{escalation}", Recipient.Role(Roles.Authority), Category,
            $"数据产品合规审核逾期：{plan.ProductName}",
            $"{ProductComplianceText.ReviewerLabel(reviewer.ReviewerRole)} {reviewerName} 未在 {Cst(plan.DueAt)} 前完成对 {ownerName} 的数据产品「{plan.ProductName}」（第 {plan.Round} 轮）的合规审核，现报请跟进。审核继续等待其决定，不以沉默视为同意。",
            null, ProductRules.TargetOf(plan.ProductId), now);
    }

    /// <summary>To the owner and to the authority: the round's result.</summary>
    public static IReadOnlyList<Notification> Result(ProductReviewPlan plan, ProductComplianceOutcome outcome, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(outcome);
        var result = ProductComplianceText.OutcomeSentence(outcome);
        return new[] { Recipient.Organization(plan.OwnerOrgId), Recipient.Role(Roles.Authority) }
            .Select(recipient => new Notification(
                $"{plan.InstanceId}-result-{recipient.Key}", recipient, Category,
                $"数据产品合规审核结果：{plan.ProductName}",
                $"数据产品「{plan.ProductName}」第 {plan.Round} 轮合规审核结果：{result}",
                null, ProductRules.TargetOf(plan.ProductId), now))
            .ToList();
    }

    private static string Cst(DateTimeOffset instant) => $"{ChinaTime.ToChinaTime(instant):yyyy-MM-dd HH:mm}（北京时间）";
}
