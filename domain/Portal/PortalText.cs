using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Platform.Domain.Agreements;
using Platform.Domain.Catalog;
using Platform.Domain.Grants;
using Platform.Domain.Masking;
using Platform.Domain.Plans;
using Platform.Domain.Products;
using Platform.Domain.Time;

namespace Platform.Domain.Portal;

/// <summary>
/// How the public portal writes values: every value HTML-encoded (Chinese kept as readable text, markup shown and never
/// run), the record's enums in Simplified Chinese, legal dates and times in China Standard Time.
/// </summary>
public static class PortalText
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The value HTML-encoded for text and attribute values (quotes, angle brackets and ampersands escaped).</summary>
    public static string E(string? value) => value is null ? "" : Html.Encode(value);

    /// <summary>A query-string value escaped for a URL and then for HTML.</summary>
    public static string Url(string value) => Uri.EscapeDataString(value);

    /// <summary>A CST calendar date, e.g. 2026年3月1日.</summary>
    public static string Date(DateOnly date) => $"{date.Year}年{date.Month}月{date.Day}日";

    /// <summary>The CST date of an instant (M1.2: legal dates in China Standard Time).</summary>
    public static string Date(DateTimeOffset instant) => Date(ChinaTime.LegalDate(instant));

    /// <summary>An instant in China Standard Time, e.g. 2026-03-01 09:00（北京时间）.</summary>
    public static string DateTime(DateTimeOffset instant) => ChinaTime.ToChinaTime(instant).ToString("yyyy-MM-dd HH:mm", Invariant) + "（北京时间）";

    public static string Number(long value) => value.ToString("N0", Invariant);

    /// <summary>A price in yuan: 0 is 免费, otherwise ¥1,200.00 元.</summary>
    public static string Price(decimal price) => price == 0 ? "免费" : "¥" + price.ToString("N2", Invariant) + " 元";

    public static string Label(FieldType type) => type switch
    {
        FieldType.String => "文本",
        FieldType.Integer => "整数",
        FieldType.Decimal => "小数",
        FieldType.Date => "日期",
        FieldType.DateTime => "日期时间",
        FieldType.Boolean => "是否",
        _ => type.ToString(),
    };

    /// <summary>Classification as GB/T 43697-2024 and the Personal Information Protection Law name it (M4.1).</summary>
    public static string Label(FieldClassification classification) => classification switch
    {
        FieldClassification.Public => "公开数据",
        FieldClassification.Internal => "内部数据",
        FieldClassification.Personal => "个人信息",
        FieldClassification.SensitivePersonal => "敏感个人信息",
        FieldClassification.CommercialSecret => "商业秘密",
        FieldClassification.TradeSecret => "技术秘密",
        FieldClassification.ConfidentialBusiness => "保密商务信息",
        _ => classification.ToString(),
    };

    /// <summary>Grade as GB/T 43697-2024 names it (M4.1).</summary>
    public static string Label(FieldGrade grade) => grade switch
    {
        FieldGrade.General => "一般数据",
        FieldGrade.Important => "重要数据",
        FieldGrade.Core => "核心数据",
        _ => grade.ToString(),
    };

    public static string Label(MaskingTechnique technique) => technique switch
    {
        MaskingTechnique.Keep => "原样展示",
        MaskingTechnique.Mask => "遮盖",
        MaskingTechnique.Truncate => "截断",
        MaskingTechnique.Generalise => "泛化",
        MaskingTechnique.Suppress => "不展示",
        MaskingTechnique.Pseudonymise => "假名化",
        _ => technique.ToString(),
    };

    /// <summary>Product kinds of M4.5: datasets, APIs, models, reports, indices.</summary>
    public static string Label(ProductKind kind) => kind switch
    {
        ProductKind.Dataset => "数据集",
        ProductKind.Api => "数据接口",
        ProductKind.Model => "数据模型",
        ProductKind.Report => "数据报告",
        ProductKind.Index => "数据指数",
        _ => kind.ToString(),
    };

    /// <summary>M4.5.3: public-good (公益) or industry (产业) use.</summary>
    public static string UseCategory(string category)
        => category == ProductRules.PublicGood ? "公益类" : category == ProductRules.Industry ? "产业类" : category;

    public static string Label(AgreementStatus status) => status switch
    {
        AgreementStatus.Active => "有效",
        AgreementStatus.Expiring => "即将到期",
        AgreementStatus.Expired => "已到期",
        AgreementStatus.Terminated => "已终止",
        AgreementStatus.Signed => "已签署，尚未生效",
        _ => status.ToString(),
    };

    public static string Label(GrantStatus status) => status switch
    {
        GrantStatus.Active => "使用中",
        GrantStatus.Revoked => "已撤销",
        GrantStatus.Expired => "已到期",
        _ => status.ToString(),
    };

    public static string Label(PlanMode mode) => mode switch
    {
        PlanMode.Whole => "整体授权",
        PlanMode.Domain => "分领域授权",
        PlanMode.Scenario => "依场景授权",
        _ => mode.ToString(),
    };

    public static string Label(SelectionMethod method) => method switch
    {
        SelectionMethod.PublicTender => "公开招标",
        SelectionMethod.InvitedTender => "邀请招标",
        SelectionMethod.Negotiation => "谈判",
        _ => method.ToString(),
    };

    /// <summary>
    /// The scope of an authorisation in words (M4.7.4 范围): the mode, the region, the domains and how many resources are
    /// named; the agreement's own narrower scope when it states one, otherwise the plan's.
    /// </summary>
    public static string Scope(AuthorizationScope? scope, PlanMode mode, string region)
    {
        if (scope is null)
        {
            return $"{Label(mode)}；区域 {region}";
        }

        var parts = new List<string> { Label(scope.Mode), $"区域 {scope.Region}" };
        if (scope.Domains.Count > 0)
        {
            parts.Add("领域：" + string.Join("、", scope.Domains.Select(d => d.Domain)));
        }

        if (scope.ResourceIds.Count > 0)
        {
            parts.Add($"指定数据资源 {scope.ResourceIds.Count} 项");
        }

        return string.Join("；", parts);
    }

    /// <summary>The term of an authorisation (M4.7.4 时限) in CST dates.</summary>
    public static string Term(DateOnly startsOn, DateOnly endsOn) => $"{Date(startsOn)} 至 {Date(endsOn)}";
}
