using Platform.Domain.DataRequests;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Xunit;

namespace Platform.UnitTests.DataRequests;

public sealed class DataRequestNoticesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    private static readonly ProviderReview Grid = new("provider-org-grid", "org-grid", "grt-1", DueLegalDate: new DateOnly(2026, 3, 9));

    private static readonly DataRequest Request = new("drq-1", "scn-1", "充电桩布局", "agr-1", "org-op", "优化全市充电桩布局",
        [
            new DataRequestItem("res-power", "电网负荷数据", "org-grid", ["负荷", "区域编码"], "评估电网承载能力", DataRequestItemStatus.Approved, "msk-1"),
            new DataRequestItem("res-traffic", "道路车流量", "org-traffic", ["车流量"], "评估车流", DataRequestItemStatus.Rejected, "msk-2"),
        ],
        [Grid], DataRequestStatus.PartiallyApproved, Now, "op-user", Now);

    [Fact]
    public void ReviewTask_Request_ProviderGetsItsItemsTheDueDateTheRouteAndTheLink()
    {
        var notice = DataRequestNotices.ReviewTask(Request, Grid, ReviewNotice.Request, 0, "运营公司", "https://x/approvals/t", Now);

        Assert.Equal(("data-request-drq-1-provider-org-grid", Recipient.Organization("org-grid"), "data-request"), (notice.Id, notice.Recipient, notice.Category));
        Assert.Equal("数据申请待审核：充电桩布局", notice.Subject);
        Assert.Contains("运营机构 运营公司", notice.Body, StringComparison.Ordinal);
        Assert.Contains("《电网负荷数据》（负荷、区域编码）", notice.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("道路车流量", notice.Body, StringComparison.Ordinal);
        Assert.Contains("2026-03-09（北京时间当日 24:00 前）", notice.Body, StringComparison.Ordinal);
        Assert.Contains("POST /api/data-requests/drq-1/reviews", notice.Body, StringComparison.Ordinal);
        Assert.Contains("不会视为同意", notice.Body, StringComparison.Ordinal);
        Assert.Equal(("https://x/approvals/t", "data-requests/drq-1", Now), (notice.Link, notice.Target, notice.CreatedAt));
    }

    [Fact]
    public void ReviewTask_NoDeadlineYet_SaysFiveWorkingDays()
    {
        var notice = DataRequestNotices.ReviewTask(Request, Grid with { DueLegalDate = null }, ReviewNotice.Request, 0, "运营公司", "https://x", Now);

        Assert.Contains("5 个工作日内", notice.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReviewNotice.Reminder, 0, "data-request-drq-1-provider-org-grid-reminder", "数据申请审核提醒：充电桩布局")]
    [InlineData(ReviewNotice.Overdue, 2, "data-request-drq-1-provider-org-grid-overdue-reminder-2", "数据申请审核已逾期：充电桩布局")]
    public void ReviewTask_LaterNotices_OwnIdAndSubjectPerNotice(ReviewNotice kind, int number, string id, string subject)
    {
        var notice = DataRequestNotices.ReviewTask(Request, Grid, kind, number, "运营公司", "https://x", Now);

        Assert.Equal((id, subject), (notice.Id, notice.Subject));
        Assert.Contains("POST /api/data-requests/drq-1/reviews", notice.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Decided_OneApprovedOneRejectedWithComment_OperatorToldCountsAndComment()
    {
        var decision = new ProviderDecision(new Dictionary<string, ItemDecisionKind> { ["res-power"] = ItemDecisionKind.Approve, ["res-x"] = ItemDecisionKind.Reject },
            "字段过多", Now, "grid-user", ReviewChannel.Api, false);

        var notice = DataRequestNotices.Decided(Request, Grid.Slot, decision, "电网公司", Now);

        Assert.Equal(("data-request-drq-1-provider-org-grid-decided", Recipient.Organization("org-op")), (notice.Id, notice.Recipient));
        Assert.Equal("数据申请审核结果：充电桩布局", notice.Subject);
        Assert.Contains("数据提供单位 电网公司 已审核您的数据申请：同意 1 项，不同意 1 项，意见：字段过多。", notice.Body, StringComparison.Ordinal);
        Assert.Null(notice.Link);
    }

    [Fact]
    public void Overdue_OpenReview_AuthorityToldWhoMissedWhichDate()
    {
        var notice = DataRequestNotices.Overdue(Request, Grid, "运营公司", "电网公司", Now);

        Assert.Equal(("data-request-drq-1-provider-org-grid-overdue", Recipient.Role(Roles.Authority)), (notice.Id, notice.Recipient));
        Assert.Contains("数据提供单位 电网公司 未在 2026-03-09", notice.Body, StringComparison.Ordinal);
        Assert.Contains("运营机构 运营公司", notice.Body, StringComparison.Ordinal);
        Assert.Contains("不以沉默视为同意", notice.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void ProvisioningFailed_Error_AuthorityToldTheRequestAndTheError()
    {
        var notice = DataRequestNotices.ProvisioningFailed(Request, Grid.Slot, "blob unavailable", Now);

        Assert.Equal(("data-request-drq-1-provider-org-grid-provisioning-failed", Recipient.Role(Roles.Authority)), (notice.Id, notice.Recipient));
        Assert.Equal("数据提供失败：充电桩布局", notice.Subject);
        Assert.Equal("数据申请 drq-1 中已同意的数据未能提供至授权数据资源库：blob unavailable", notice.Body);
    }

    [Theory]
    [InlineData(DataRequestStatus.Approved, "全部同意")]
    [InlineData(DataRequestStatus.PartiallyApproved, "部分同意")]
    [InlineData(DataRequestStatus.Rejected, "未获同意")]
    public void Completed_Status_OperatorToldTheResultAndTheCounts(DataRequestStatus status, string result)
    {
        var notice = DataRequestNotices.Completed(Request with { Status = status }, Now);

        Assert.Equal(("data-request-drq-1-result", Recipient.Organization("org-op")), (notice.Id, notice.Recipient));
        Assert.Contains($"您的数据申请已审核完毕：{result}（同意 1 项，共 2 项）", notice.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancelled_AgreementEnded_OperatorToldTheAgreementAndTheRequest()
    {
        var notice = DataRequestNotices.Cancelled(Request, "agr-1", Now);

        Assert.Equal(("data-request-drq-1-cancelled", Recipient.Organization("org-op")), (notice.Id, notice.Recipient));
        Assert.Equal("数据申请已取消：充电桩布局", notice.Subject);
        Assert.Contains("授权运营协议 agr-1 已结束，数据申请 drq-1", notice.Body, StringComparison.Ordinal);
    }
}
