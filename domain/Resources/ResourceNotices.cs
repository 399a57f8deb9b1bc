using Platform.Domain.Notifications;
using Platform.Domain.Security;

namespace Platform.Domain.Resources;

/// <summary>
/// The notifications of the catalogue (M4.1), built from the records alone (unit-tested without stores); ids are
/// stable per resource, cause and recipient.
/// </summary>
public static class ResourceNotices
{
    public const string Category = "resource";

    /// <summary>The original provider of shared data is asked to consent before the resource is published.</summary>
    public static Notification ConsentRequested(Resource resource, string sharedFrom, string providerName, DateTimeOffset now)
        => Of(resource, Recipient.Organization(sharedFrom), "consent-requested", "数据资源共享授权待确认",
            $"{providerName} 登记的数据资源《{resource.Name}》来源于贵单位共享的数据，发布前需要贵单位同意（M4.1）。", now);

    /// <summary>The authority is told a resource awaits its catalogue review.</summary>
    public static Notification Submitted(Resource resource, string sampleJobId, DateTimeOffset now)
        => Of(resource, Recipient.Role(Roles.Authority), $"submitted-{sampleJobId}", "数据资源待审核",
            $"数据资源《{resource.Name}》已提交编目审核，样例数据生成后即可审核（M4.1）。", now);

    /// <summary>The provider is told the catalogue review's result.</summary>
    public static Notification Reviewed(Resource reviewed, ReviewDecision decision, DateTimeOffset now)
        => Of(reviewed, Recipient.Organization(reviewed.ProviderId), $"reviewed-{ResourceRules.Wire(reviewed.Status)}",
            decision == ReviewDecision.Approve ? "数据资源已发布" : "数据资源未通过审核",
            decision == ReviewDecision.Approve
                ? $"数据资源《{reviewed.Name}》已通过审核并在公共数据资源目录中发布。"
                : $"数据资源《{reviewed.Name}》未通过编目审核：{reviewed.Review!.Comment}", now);

    /// <summary>The provider is told whether the original provider consented.</summary>
    public static Notification Consented(Resource consented, ReviewDecision decision, DateTimeOffset now)
        => Of(consented, Recipient.Organization(consented.ProviderId), $"consent-{decision.ToString().ToLowerInvariant()}",
            decision == ReviewDecision.Approve ? "原提供单位已同意" : "原提供单位不同意",
            $"数据资源《{consented.Name}》的原提供单位{(decision == ReviewDecision.Approve ? "已同意" : "不同意")}其进入授权运营（M4.1）。", now);

    /// <summary>The provider is told the sample could not be made and the resource went back to draft.</summary>
    public static Notification SampleFailed(Resource resource, string jobId, string? reason, DateTimeOffset now)
        => Of(resource, Recipient.Organization(resource.ProviderId), $"sample-failed-{jobId}", "样例数据生成失败",
            $"数据资源《{resource.Name}》的样例数据未能生成，资源已退回草稿：{reason}", now);

    private static Notification Of(Resource resource, Recipient recipient, string cause, string subject, string body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return new Notification($"{resource.Id}-{cause}-{recipient.Key}", recipient, Category, subject, body, null, ResourceService.Target(resource.Id), now);
    }
}
