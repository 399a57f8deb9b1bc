using Platform.Domain.Notifications;
using Platform.Domain.Time;

namespace Platform.Domain.Grants;

/// <summary>The notifications of grants, built from the records alone (unit-tested without stores); ids are stable per grant.</summary>
public static class GrantNotices
{
    public const string Category = "grant";

    /// <summary>Tells the operator what was provisioned into its library and until when the grant runs (in CST).</summary>
    public static Notification Issued(Grant grant, string scenarioTitle, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return new Notification(
            $"{grant.Id}-issued", Recipient.Organization(grant.OperatorId), Category, $"数据授权已签发：{scenarioTitle}",
            $"数据申请 {grant.DataRequestId} 中已同意的数据已提供至授权数据资源库（{string.Join("、", grant.Tables.Select(t => $"{t.ResourceName} → 表 {t.Name}"))}），授权 {grant.Id} 有效期至 {ChinaTime.ToChinaTime(grant.ExpiresAt):yyyy-MM-dd HH:mm}（北京时间）。数据仅可在沙箱中按授权使用。",
            null, GrantService.TargetOf(grant.Id), now);
    }

    /// <summary>Tells the operator that the grant ended with its agreement (revoked, or expired if it already had).</summary>
    public static Notification Ended(Grant ended, string agreementId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ended);
        var expired = ended.Status == GrantStatus.Expired;
        return new Notification(
            $"{ended.Id}-{(expired ? "expired" : "revoked")}", Recipient.Organization(ended.OperatorId), Category,
            "数据授权已撤销", $"授权运营协议 {agreementId} 已结束，授权 {ended.Id} 随之{(expired ? "到期" : "撤销")}，其数据不可再使用。",
            null, GrantService.TargetOf(ended.Id), now);
    }
}
