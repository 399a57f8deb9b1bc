using Platform.Domain.Notifications;
using Platform.Domain.Products;
using Xunit;
using static Platform.UnitTests.Products.ProductTestWorld;

namespace Platform.UnitTests.Products;

public sealed class ProductNoticesTests
{
    [Fact]
    public async Task Withdrawn_ToOwnerNamingAgreementAndProduct()
    {
        var world = new ProductTestWorld();
        var product = await world.CreateAsync();

        var notice = ProductNotices.Withdrawn(product, world.Agreement, Now);

        Assert.Equal($"{product.CurrentRound.InstanceId}-withdrawn", notice.Id);
        Assert.Equal(Recipient.Organization(product.OwnerOrgId), notice.Recipient);
        Assert.Equal("product", notice.Category);
        Assert.Equal($"数据产品审核已终止：{product.Name}", notice.Subject);
        Assert.Equal($"授权运营协议 {world.Agreement.Id} 已结束，尚在审核中的数据产品「{product.Name}」已撤回，其审核随之终止。已发布的数据产品不受影响。", notice.Body);
        Assert.Null(notice.Link);
        Assert.Equal($"products/{product.Id}", notice.Target);
        Assert.Equal(Now, notice.CreatedAt);
    }
}
