using Platform.Domain.Approvals;
using Platform.Domain.Organizations;
using Platform.Domain.Time;

namespace Platform.Domain.DataRequests;

/// <summary>
/// What a provider sees on the approval page of a data request (M4.3): the operator, the approved scenario, the
/// purpose, and each of its resources asked for with the fields and the scenario's justification. There is nothing
/// to score; the provider approves or refuses (a refusal says why).
/// </summary>
public sealed class DataRequestApprovalSubject(IDataRequestStore requests, IOrganizationStore organizations) : IApprovalSubjectSource
{
    public string SubjectKind => DataRequestContract.SubjectKind;

    public async Task<ApprovalSubjectFacts> DescribeAsync(ApprovalSlot slot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var request = (await requests.GetAsync(slot.SubjectId, cancellationToken))?.Value
            ?? throw new InvalidOperationException($"Data request {slot.SubjectId} named by approval slot {slot.InstanceId}/{slot.Slot} does not exist.");
        var review = request.Review(slot.Slot);
        var providerId = review?.ProviderId ?? slot.Reviewer.Value;
        var operatorName = await NameAsync(request.OperatorId, cancellationToken);
        var due = review?.DueLegalDate is { } dueDate ? $"{dueDate:yyyy-MM-dd}（北京时间当日 24:00 前，5 个工作日）" : $"{ChinaTime.ToChinaTime(slot.DueAt):yyyy-MM-dd HH:mm}（北京时间）";
        var facts = new List<ApprovalFact>
        {
            new("运营机构", $"{operatorName}（{request.OperatorId}）"),
            new("授权运营协议", request.AgreementId),
            new("应用场景", $"{request.ScenarioTitle}（{request.ScenarioId}，已通过评审）"),
            new("申请用途", request.Purpose),
            new("提交时间", $"{ChinaTime.ToChinaTime(request.SubmittedAt):yyyy-MM-dd HH:mm}（北京时间）"),
            new("审核期限", due),
            new("说明", "同意即向运营机构的授权数据资源库提供下列字段（仅限这些字段）；“需修改”按不同意处理，运营机构可重新申请；不同意请说明理由。"),
        };
        var groups = request.ItemsOf(providerId).Select((item, i) => new ApprovalFactGroup($"申请的数据 {i + 1}", [
            new("数据资源", $"{item.ResourceName}（{item.ResourceId}）"),
            new("申请字段", string.Join("、", item.Fields)),
            new("场景评审时的申请理由", item.Justification),
        ])).ToList();
        return new ApprovalSubjectFacts(
            "数据申请审核（5 个工作日）",
            $"是否同意向运营机构 {operatorName} 提供下列数据？",
            facts,
            groups,
            []);
    }

    private async Task<string> NameAsync(string organizationId, CancellationToken cancellationToken)
        => (await organizations.GetAsync(organizationId, cancellationToken))?.Value.Name ?? organizationId;
}
