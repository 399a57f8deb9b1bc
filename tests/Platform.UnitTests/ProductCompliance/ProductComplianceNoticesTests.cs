using Platform.Domain.Notifications;
using Platform.Domain.ProductCompliance;
using Platform.Domain.Products;
using Platform.Domain.Security;
using Xunit;

namespace Platform.UnitTests.ProductCompliance;

public sealed class ProductComplianceNoticesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
    private static readonly ProductReviewer Provider = new("provider-org-p1", Recipient.Organization("org-p1"), Roles.Provider);
    private static readonly ProductReviewPlan Plan = new(
        "prd-1", 2, "product-prd-1-r2", ProductReviewTrack.Full, "客流热力图", "org-op",
        Now, new DateTimeOffset(2026, 3, 16, 9, 0, 0, TimeSpan.Zero), [Provider]);

    [Fact]
    public void ReviewLink_Request_ToReviewerWithLinkTrackAndDeadline()
    {
        var notice = ProductComplianceNotices.ReviewLink(Plan, Provider, 0, "武汉运营", "https://x/approve?t=1", Now);

        Assert.Equal("product-prd-1-r2-provider-org-p1", notice.Id);
        Assert.Equal(Recipient.Organization("org-p1"), notice.Recipient);
        Assert.Equal("product-compliance", notice.Category);
        Assert.Equal("数据产品合规审核：客流热力图", notice.Subject);
        Assert.StartsWith("武汉运营 提交了数据产品「客流热力图」（第 2 轮，完整审核），自动检查已通过。请在 2026-03-16 17:00（北京时间） 前打开链接", notice.Body, StringComparison.Ordinal);
        Assert.Equal("https://x/approve?t=1", notice.Link);
        Assert.Equal("products/prd-1", notice.Target);
        Assert.Equal(Now, notice.CreatedAt);
    }

    [Fact]
    public void ReviewLink_Reminder_IdAndTextSayReminder()
    {
        var notice = ProductComplianceNotices.ReviewLink(Plan, Provider, 2, "武汉运营", "https://x/approve?t=2", Now);

        Assert.Equal("product-prd-1-r2-provider-org-p1-reminder-2", notice.Id);
        Assert.Equal("数据产品合规审核催办：客流热力图", notice.Subject);
        Assert.Contains("已超过期限 2026-03-16 17:00（北京时间），已报主管部门", notice.Body, StringComparison.Ordinal);
        Assert.Equal("https://x/approve?t=2", notice.Link);
    }

    [Fact]
    public void Overdue_ToAuthorityNamingReviewerAndOwner()
    {
        var notice = ProductComplianceNotices.Overdue(Plan, Provider, 1, "武汉运营", "电力公司", Now);

        Assert.Equal("product-prd-1-r2-provider-org-p1-overdue-1", notice.Id);
        Assert.Equal(Recipient.Role(Roles.Authority), notice.Recipient);
        Assert.Equal("数据产品合规审核逾期：客流热力图", notice.Subject);
        Assert.StartsWith($"{ProductComplianceText.ReviewerLabel(Roles.Provider)} 电力公司 未在 2026-03-16 17:00（北京时间） 前完成对 武汉运营 的数据产品「客流热力图」（第 2 轮）", notice.Body, StringComparison.Ordinal);
        Assert.Null(notice.Link);
    }

    [Fact]
    public void Result_OwnerAndAuthorityToldTheOutcome()
    {
        var outcome = new ProductComplianceOutcome(ProductComplianceOutcomeKind.Published, [], null);

        var notices = ProductComplianceNotices.Result(Plan, outcome, Now);

        Assert.Equal([Recipient.Organization("org-op"), Recipient.Role(Roles.Authority)], notices.Select(n => n.Recipient));
        Assert.Equal(["product-prd-1-r2-result-" + Recipient.Organization("org-op").Key, "product-prd-1-r2-result-" + Recipient.Role(Roles.Authority).Key], notices.Select(n => n.Id));
        Assert.All(notices, n => Assert.Equal("数据产品「客流热力图」第 2 轮合规审核结果：审核通过，产品已登记并发布。", n.Body));
        Assert.All(notices, n => Assert.Equal("数据产品合规审核结果：客流热力图", n.Subject));
    }
}
