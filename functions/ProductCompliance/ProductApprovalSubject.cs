using System.Globalization;
using Platform.Domain.Approvals;
using Platform.Domain.Organizations;
using Platform.Domain.Products;
using Platform.Domain.ProductCompliance;
using Platform.Domain.Time;

namespace Platform.Functions.ProductCompliance;

/// <summary>
/// What a reviewer of a product sees on the approval page (M4.5.1): the product, its scenario or origin, use category
/// and price, the data it uses, the shape of its data sets and the automated check results — never a data value, so
/// no personal data reaches the page. The product records come from <see cref="IProductComplianceSubject"/>, taken as an
/// optional dependency so the approval pages of other subjects keep working where no product records are registered.
/// </summary>
public sealed class ProductApprovalSubject(IEnumerable<IProductComplianceSubject> subjects, IOrganizationStore organizations, IClock clock) : IApprovalSubjectSource
{
    public string SubjectKind => ProductReviewLinkStep.SubjectKind;

    public async Task<ApprovalSubjectFacts> DescribeAsync(ApprovalSlot slot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var subject = subjects.FirstOrDefault()
            ?? throw new InvalidOperationException("No product records (IProductComplianceSubject) are registered; product approval pages cannot be shown.");
        var product = await subject.LoadFactsAsync(slot.SubjectId, cancellationToken)
            ?? throw new InvalidOperationException($"Product {slot.SubjectId} named by approval slot {slot.InstanceId}/{slot.Slot} does not exist.");
        var owner = await NameAsync(product.OwnerOrgId, cancellationToken);
        var track = ProductReviewPlanning.SelectTrack(product);
        var facts = new List<ApprovalFact>
        {
            new("提交单位", $"{owner}（{product.OwnerOrgId}）"),
        };
        if (product.OperatorId != product.OwnerOrgId)
        {
            facts.Add(new("运营机构", $"{await NameAsync(product.OperatorId, cancellationToken)}（{product.OperatorId}）"));
        }

        facts.AddRange([
            new("产品名称", product.ProductName),
            new("产品说明", product.Description),
            new("产品类型", ProductComplianceText.Kind(product.Kind)),
            new("应用场景", product.ScenarioId is null ? "无（衍生产品）" : $"{product.ScenarioTitle ?? product.ScenarioId}（{product.ScenarioId}）"),
        ]);
        if (product.DerivedFrom is not null)
        {
            facts.Add(new("衍生自产品", product.DerivedFrom));
        }

        facts.AddRange([
            new("用途类别", ProductComplianceText.UseCategory(product.UseCategory)),
            new("价格", product.Price == 0 ? "免费" : $"{product.Price.ToString("0.00", CultureInfo.InvariantCulture)} 元"),
            new("涉及个人信息", product.InvolvesPersonalInfo ? "是" : "否"),
            new("涉及商业秘密", product.InvolvesTradeSecrets ? "是" : "否"),
            new("授权同意材料", product.ConsentEvidence.Count == 0 ? "无" : string.Join("、", product.ConsentEvidence)),
            new("审核方式", ProductComplianceText.Track(track)),
            new("审核轮次", $"第 {slot.Round} 轮"),
            new("审核期限", $"{ChinaTime.ToChinaTime(slot.DueAt):yyyy-MM-dd HH:mm}（北京时间）"),
        ]);

        var groups = new List<ApprovalFactGroup>();
        for (var i = 0; i < product.UsedData.Count; i++)
        {
            var used = product.UsedData[i];
            groups.Add(new ApprovalFactGroup($"使用数据 {i + 1}", [
                new("数据资源", used.ResourceId),
                new("数据提供单位", $"{await NameAsync(used.ProviderId, cancellationToken)}（{used.ProviderId}）"),
                new("使用字段", string.Join("、", used.Fields)),
            ]));
        }

        foreach (var dataset in product.Data)
        {
            // The shape only: names and counts, never a cell.
            groups.Add(new ApprovalFactGroup($"产品数据：{dataset.Name}", [
                new("来源沙箱任务", dataset.SourceJobId),
                new("字段", string.Join("、", dataset.Columns)),
                new("行数", dataset.Rows.Count.ToString(CultureInfo.InvariantCulture)),
            ]));
        }

        groups.Add(new ApprovalFactGroup("自动检查结果", ChecksFacts(product)));
        return new ApprovalSubjectFacts(
            "数据产品合规审核",
            $"是否同意 {owner} 的数据产品「{product.ProductName}」登记发布？",
            facts,
            groups,
            ProductReviewCriteria.All);
    }

    private List<ApprovalFact> ChecksFacts(ProductComplianceFacts product)
    {
        var findings = ProductComplianceChecks.Run(product, ChinaTime.Today(clock));
        var rules = new[] { ProductComplianceChecks.ConsistencyRule, ProductComplianceChecks.MaskingRule, ProductComplianceChecks.ConsentRule };
        return rules.Select(rule =>
        {
            var found = findings.Where(f => f.Rule == rule).ToList();
            var value = found.Count == 0
                ? rule == ProductComplianceChecks.ConsentRule && !product.InvolvesPersonalInfo && !product.InvolvesTradeSecrets ? "不适用（不涉及个人信息或商业秘密）" : "通过"
                : $"发现 {found.Count} 个问题：" + string.Join("；", found.Take(5).Select(ProductComplianceText.Place));
            return new ApprovalFact(ProductComplianceText.Rule(rule), value);
        }).ToList();
    }

    private async Task<string> NameAsync(string organizationId, CancellationToken cancellationToken)
        => (await organizations.GetAsync(organizationId, cancellationToken))?.Value.Name ?? organizationId;
}
