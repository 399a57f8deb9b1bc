using Platform.Domain.Approvals;
using Platform.Domain.Products;
using Platform.Domain.Security;

namespace Platform.Domain.ProductCompliance;

/// <summary>What the automated checks found and, when the product exists, the plan of its review round.</summary>
public sealed record ProductChecksResult(ProductStatus Status, IReadOnlyList<ComplianceFinding> Findings, ProductReviewPlan? Plan)
{
    public bool Passed => Findings.Count == 0;
}

/// <summary>What a deadline found: the product's status and decisions recovered from their claims.</summary>
public sealed record ProductEscalationResult(ProductStatus Status, IReadOnlyList<ApprovalDecidedEvent> Recovered);

/// <summary>Chinese labels shared by the review's messages and its approval page.</summary>
public static class ProductComplianceText
{
    public static string Track(ProductReviewTrack track) => track == ProductReviewTrack.Fast ? "快审" : "完整审核";

    public static string Kind(ProductKind kind) => kind switch
    {
        ProductKind.Dataset => "数据集",
        ProductKind.Api => "数据接口",
        ProductKind.Model => "模型",
        ProductKind.Report => "报告",
        _ => "指数",
    };

    public static string UseCategory(string useCategory) => useCategory == ProductReviewPlanning.PublicGoodUseCategory
        ? "公共治理与公益事业（公益类）"
        : "产业发展与行业应用（产业类）";

    public static string ReviewerLabel(string role) => role switch
    {
        Roles.Authority => "主管部门",
        Roles.Provider => "数据提供单位",
        _ => "第三方评审机构",
    };

    public static string Rule(string rule) => rule switch
    {
        ProductComplianceChecks.ConsistencyRule => "信息一致性",
        ProductComplianceChecks.MaskingRule => "脱敏复核",
        ProductComplianceChecks.ConsentRule => "授权同意",
        _ => rule,
    };

    /// <summary>The outcome in one sentence; automated findings are named by place only (never by value).</summary>
    public static string OutcomeSentence(ProductComplianceOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Kind switch
        {
            ProductComplianceOutcomeKind.Published => "审核通过，产品已登记并发布。",
            ProductComplianceOutcomeKind.Rejected => "审核未通过。" + Comment(outcome),
            _ when outcome.Findings.Count > 0 =>
                $"自动检查发现 {outcome.Findings.Count} 个问题，未提交人工审核，请修改后重新提交：" + string.Join("；", outcome.Findings.Take(10).Select(Place)) + (outcome.Findings.Count > 10 ? "……" : "。"),
            _ => "审核意见为需修改，请修改后重新提交。" + Comment(outcome),
        };
    }

    public static string Place(ComplianceFinding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var where = new List<string>();
        if (finding.Dataset is not null)
        {
            where.Add($"数据集 {finding.Dataset}");
        }

        if (finding.Field is not null)
        {
            where.Add($"字段 {finding.Field}");
        }

        if (finding.Row is not null)
        {
            where.Add($"第 {finding.Row} 行");
        }

        return $"{Rule(finding.Rule)}（{finding.Code}{(where.Count > 0 ? "，" + string.Join("，", where) : "")}）";
    }

    private static string Comment(ProductComplianceOutcome outcome) => string.IsNullOrWhiteSpace(outcome.Comment) ? "" : $"审核意见：{outcome.Comment}";
}
