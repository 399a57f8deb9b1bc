using Platform.Domain.Notifications;
using Platform.Domain.Security;
using static Platform.Domain.DataRequests.DataRequestContract;

namespace Platform.Domain.DataRequests;

/// <summary>Which message of a review is sent: the task itself, the reminder before the deadline, or a notice after it.</summary>
public enum ReviewNotice
{
    Request,
    Reminder,
    Overdue,
}

/// <summary>
/// The notifications of data requests (ids, recipients, Chinese subjects and bodies), built from the records alone so
/// that each text is unit-tested without stores. The ids are stable per request and step: the outbox sends each once.
/// </summary>
public static class DataRequestNotices
{
    /// <summary>
    /// The provider's review task, its reminder before the deadline or a notice after it (<paramref name="number"/>: the
    /// escalation), with the signed link and the authenticated route. Silence is never consent (M4.3).
    /// </summary>
    public static Notification ReviewTask(DataRequest request, ProviderReview review, ReviewNotice notice, int number, string operatorName, string linkUrl, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(review);
        var slot = review.Slot;
        var resourcesText = string.Join("；", request.ItemsOf(review.ProviderId).Select(i => $"《{i.ResourceName}》（{string.Join("、", i.Fields)}）"));
        var dueText = review.DueLegalDate is { } dueDate ? $"{dueDate:yyyy-MM-dd}（北京时间当日 24:00 前）" : "5 个工作日内";
        var route = $"POST /api/{TargetOf(request.Id)}/reviews";
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
        return new Notification(notificationId, Recipient.Organization(review.ProviderId), NotificationCategory, subject, body, linkUrl, TargetOf(request.Id), now);
    }

    /// <summary>Tells the operator how one provider decided.</summary>
    public static Notification Decided(DataRequest request, string slot, ProviderDecision decided, string providerName, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(decided);
        var approvedCount = decided.Items.Values.Count(v => v == ItemDecisionKind.Approve);
        return new Notification(
            $"{request.InstanceId}-{slot}-decided", Recipient.Organization(request.OperatorId), NotificationCategory,
            $"数据申请审核结果：{request.ScenarioTitle}",
            $"数据提供单位 {providerName} 已审核您的数据申请：同意 {approvedCount} 项，不同意 {decided.Items.Count - approvedCount} 项{(decided.Comment is null ? "" : $"，意见：{decided.Comment}")}。同意的数据将提供至授权数据资源库并签发授权。",
            null, TargetOf(request.Id), now);
    }

    /// <summary>Reports an overdue review to the authority (M4.3, M4.7.2), once per review.</summary>
    public static Notification Overdue(DataRequest request, ProviderReview review, string operatorName, string providerName, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(review);
        return new Notification(
            $"{request.InstanceId}-{review.Slot}-overdue", Recipient.Role(Roles.Authority), NotificationCategory,
            $"数据申请审核逾期：{request.ScenarioTitle}",
            $"数据提供单位 {providerName} 未在 {review.DueLegalDate:yyyy-MM-dd}（北京时间当日 24:00）前审核运营机构 {operatorName} 的数据申请（场景「{request.ScenarioTitle}」），现报请督促（《实施办法》第四章第三条、第七条）。申请继续等待其决定，不以沉默视为同意。",
            null, TargetOf(request.Id), now);
    }

    /// <summary>Tells the authority that a review's approved data could not be provisioned.</summary>
    public static Notification ProvisioningFailed(DataRequest request, string slot, string error, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Notification(
            $"{request.InstanceId}-{slot}-provisioning-failed", Recipient.Role(Roles.Authority), NotificationCategory,
            $"数据提供失败：{request.ScenarioTitle}", $"数据申请 {request.Id} 中已同意的数据未能提供至授权数据资源库：{error}",
            null, TargetOf(request.Id), now);
    }

    /// <summary>Tells the operator the result once every review is decided.</summary>
    public static Notification Completed(DataRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var approved = request.Items.Count(i => i.Status == DataRequestItemStatus.Approved);
        var result = request.Status switch
        {
            DataRequestStatus.Approved => "全部同意",
            DataRequestStatus.PartiallyApproved => "部分同意",
            _ => "未获同意",
        };
        return new Notification(
            $"{request.InstanceId}-result", Recipient.Organization(request.OperatorId), NotificationCategory,
            $"数据申请审核完成：{request.ScenarioTitle}",
            $"您的数据申请已审核完毕：{result}（同意 {approved} 项，共 {request.Items.Count} 项）。同意的数据可在授权范围内于沙箱中使用。",
            null, TargetOf(request.Id), now);
    }

    /// <summary>Tells the operator that the request was cancelled because its agreement ended.</summary>
    public static Notification Cancelled(DataRequest request, string agreementId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Notification(
            $"{request.InstanceId}-cancelled", Recipient.Organization(request.OperatorId), NotificationCategory,
            $"数据申请已取消：{request.ScenarioTitle}",
            $"授权运营协议 {agreementId} 已结束，数据申请 {request.Id} 中尚未审核的部分随之取消，已签发的授权一并撤销。",
            null, TargetOf(request.Id), now);
    }
}
