using Platform.Domain.Grants;
using Platform.Domain.Notifications;
using Xunit;

namespace Platform.UnitTests.Grants;

public sealed class GrantNoticesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    private static readonly Grant Issued = new("grt-1", "agr-1", "scn-1", "org-op", "drq-1", "org-grid",
        [
            new GrantTable("res_power", "res-power", "电网负荷数据", "org-grid", [], "lib-agr-1", "drq-1/res-power.csv", "abc", 2, 0, "msk-1"),
            new GrantTable("res_load", "res-load", "用电量", "org-grid", [], "lib-agr-1", "drq-1/res-load.csv", "def", 3, 0, "msk-2"),
        ],
        Now, new DateTimeOffset(2028, 12, 31, 16, 0, 0, TimeSpan.Zero), GrantStatus.Active, null, null);

    [Fact]
    public void Issued_Grant_OperatorToldTheTablesAndTheExpiryInChinaTime()
    {
        var notice = GrantNotices.Issued(Issued, "充电桩布局", Now);

        Assert.Equal(("grt-1-issued", Recipient.Organization("org-op"), "grant"), (notice.Id, notice.Recipient, notice.Category));
        Assert.Equal("数据授权已签发：充电桩布局", notice.Subject);
        Assert.Contains("数据申请 drq-1 中已同意的数据已提供至授权数据资源库（电网负荷数据 → 表 res_power、用电量 → 表 res_load）", notice.Body, StringComparison.Ordinal);
        Assert.Contains("有效期至 2029-01-01 00:00（北京时间）", notice.Body, StringComparison.Ordinal);
        Assert.Equal(("grants/grt-1", (string?)null), (notice.Target, notice.Link));
    }

    [Theory]
    [InlineData(GrantStatus.Revoked, "grt-1-revoked", "撤销")]
    [InlineData(GrantStatus.Expired, "grt-1-expired", "到期")]
    public void Ended_Status_IdAndWordFollowHowTheGrantEnded(GrantStatus status, string id, string word)
    {
        var notice = GrantNotices.Ended(Issued with { Status = status }, "agr-1", Now);

        Assert.Equal((id, Recipient.Organization("org-op"), "数据授权已撤销"), (notice.Id, notice.Recipient, notice.Subject));
        Assert.Equal($"授权运营协议 agr-1 已结束，授权 grt-1 随之{word}，其数据不可再使用。", notice.Body);
    }
}
