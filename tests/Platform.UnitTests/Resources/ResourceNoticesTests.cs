using Platform.Domain.Notifications;
using Platform.Domain.Resources;
using Platform.Domain.Security;
using Xunit;

namespace Platform.UnitTests.Resources;

public sealed class ResourceNoticesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    private static readonly Resource Power = new("res-1", "org-grid", "电网负荷数据", "说明", "能源", "每日", [], "org-share", ResourceStatus.Submitted, Now, "grid-user");

    [Fact]
    public void ConsentRequested_SharedData_OriginalProviderAskedBeforePublication()
    {
        var notice = ResourceNotices.ConsentRequested(Power, "org-share", "电网公司", Now);

        Assert.Equal(("res-1-consent-requested-org:org-share", Recipient.Organization("org-share"), "resource"), (notice.Id, notice.Recipient, notice.Category));
        Assert.Equal("电网公司 登记的数据资源《电网负荷数据》来源于贵单位共享的数据，发布前需要贵单位同意（M4.1）。", notice.Body);
        Assert.Equal(("resources/res-1", (string?)null), (notice.Target, notice.Link));
    }

    [Fact]
    public void Submitted_SampleJob_AuthorityToldPerSubmission()
    {
        var notice = ResourceNotices.Submitted(Power, "msk-9", Now);

        Assert.Equal(("res-1-submitted-msk-9-role:authority", Recipient.Role(Roles.Authority), "数据资源待审核"), (notice.Id, notice.Recipient, notice.Subject));
    }

    [Fact]
    public void Reviewed_Approved_ProviderToldItIsPublished()
    {
        var notice = ResourceNotices.Reviewed(Power with { Status = ResourceStatus.Published }, ReviewDecision.Approve, Now);

        Assert.Equal(("res-1-reviewed-published-org:org-grid", "数据资源已发布"), (notice.Id, notice.Subject));
        Assert.Equal("数据资源《电网负荷数据》已通过审核并在公共数据资源目录中发布。", notice.Body);
    }

    [Fact]
    public void Reviewed_Rejected_ProviderToldTheComment()
    {
        var rejected = Power with { Status = ResourceStatus.Rejected, Review = new ResourceReview(ReviewDecision.Reject, "字段说明不全", Now, "auth-user") };

        var notice = ResourceNotices.Reviewed(rejected, ReviewDecision.Reject, Now);

        Assert.Equal(("res-1-reviewed-rejected-org:org-grid", "数据资源未通过审核"), (notice.Id, notice.Subject));
        Assert.Equal("数据资源《电网负荷数据》未通过编目审核：字段说明不全", notice.Body);
    }

    [Theory]
    [InlineData(ReviewDecision.Approve, "res-1-consent-approve-org:org-grid", "原提供单位已同意")]
    [InlineData(ReviewDecision.Reject, "res-1-consent-reject-org:org-grid", "原提供单位不同意")]
    public void Consented_Decision_ProviderToldTheOriginalProvidersWord(ReviewDecision decision, string id, string subject)
    {
        var notice = ResourceNotices.Consented(Power, decision, Now);

        Assert.Equal((id, subject), (notice.Id, notice.Subject));
    }

    [Fact]
    public void SampleFailed_Reason_ProviderToldTheReason()
    {
        var notice = ResourceNotices.SampleFailed(Power, "msk-9", "文件编码无法识别", Now);

        Assert.Equal(("res-1-sample-failed-msk-9-org:org-grid", "样例数据生成失败"), (notice.Id, notice.Subject));
        Assert.Equal("数据资源《电网负荷数据》的样例数据未能生成，资源已退回草稿：文件编码无法识别", notice.Body);
    }
}
