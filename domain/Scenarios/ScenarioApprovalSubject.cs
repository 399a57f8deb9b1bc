using Platform.Domain.Approvals;
using Platform.Domain.Organizations;
using Platform.Domain.Time;

namespace Platform.Domain.Scenarios;

/// <summary>
/// What a reviewer of a scenario sees on the approval page (M4.2): the operator, the scenario as submitted in the
/// link's round, each data need with its fields and justification, and the six criteria to score.
/// </summary>
public sealed class ScenarioApprovalSubject(IScenarioStore scenarios, IOrganizationStore organizations) : IApprovalSubjectSource
{
    public string SubjectKind => ScenarioService.SubjectKind;

    public async Task<ApprovalSubjectFacts> DescribeAsync(ApprovalSlot slot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var scenario = (await scenarios.GetAsync(slot.SubjectId, cancellationToken))?.Value
            ?? throw new InvalidOperationException($"Scenario {slot.SubjectId} named by approval slot {slot.InstanceId}/{slot.Slot} does not exist.");
        var round = scenario.Round(slot.Round) ?? scenario.CurrentRound;
        var content = round.Content;
        var operatorName = await NameAsync(scenario.OperatorId, cancellationToken);
        var facts = new List<ApprovalFact>
        {
            new("运营机构", $"{operatorName}（{scenario.OperatorId}）"),
            new("授权运营协议", scenario.AgreementId),
            new("场景名称", content.Title),
            new("应用目的", content.Purpose),
            new("用途类别", content.UseCategory == ScenarioUseCategory.PublicGood ? "公共治理与公益事业（公益类）" : "产业发展与行业应用（产业类）"),
            new("经济价值", content.EconomicValue),
            new("社会价值", content.SocialValue),
            new("商业模式", content.BusinessModel),
            new("专家评审", content.ExpertReview ? $"是（{content.Experts.Count} 位专家）" : "否"),
            new("评审轮次", $"第 {round.Number} 轮"),
            new("评审期限", $"{ChinaTime.ToChinaTime(round.DueAt):yyyy-MM-dd HH:mm}（北京时间）"),
        };
        var groups = new List<ApprovalFactGroup>();
        for (var i = 0; i < content.DataNeeds.Count; i++)
        {
            var need = content.DataNeeds[i];
            groups.Add(new ApprovalFactGroup($"数据需求 {i + 1}", [
                new("数据资源", need.ResourceId),
                new("数据提供单位", $"{await NameAsync(need.ProviderId, cancellationToken)}（{need.ProviderId}）"),
                new("所需字段", string.Join("、", need.Fields)),
                new("申请理由", need.Justification),
            ]));
        }

        return new ApprovalSubjectFacts(
            "应用场景评审（一场景一评审）",
            $"是否同意运营机构 {operatorName} 的应用场景「{content.Title}」？",
            facts,
            groups,
            ScenarioRules.Criteria);
    }

    private async Task<string> NameAsync(string organizationId, CancellationToken cancellationToken)
        => (await organizations.GetAsync(organizationId, cancellationToken))?.Value.Name ?? organizationId;
}
