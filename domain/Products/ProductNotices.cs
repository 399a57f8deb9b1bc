using Platform.Domain.Agreements;
using Platform.Domain.Notifications;

namespace Platform.Domain.Products;

/// <summary>
/// The messages of the product records, pure: given the product and its cause they build the notification — recipient,
/// Chinese subject and body, target. Ids are deterministic per review round.
/// </summary>
public static class ProductNotices
{
    public const string Category = "product";

    /// <summary>To the owner: its product in review was withdrawn because the agreement ended (published products stay).</summary>
    public static Notification Withdrawn(Product product, Agreement agreement, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(product);
        ArgumentNullException.ThrowIfNull(agreement);
        return new Notification(
            $"{product.CurrentRound.InstanceId}-withdrawn", Recipient.Organization(product.OwnerOrgId), Category,
            $"数据产品审核已终止：{product.Name}",
            $"授权运营协议 {agreement.Id} 已结束，尚在审核中的数据产品「{product.Name}」已撤回，其审核随之终止。已发布的数据产品不受影响。",
            null, ProductRules.TargetOf(product.Id), now);
    }
}
