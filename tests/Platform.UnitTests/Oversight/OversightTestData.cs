using Moq;
using Platform.Domain.Agreements;
using Platform.Domain.Organizations;
using Platform.Domain.Plans;

namespace Platform.UnitTests.Oversight;

/// <summary>Records and one-page store mocks for the oversight tests.</summary>
public static class OversightTestData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 27, 4, 0, 0, TimeSpan.Zero);

    public static Plan ApprovedPlan(string id, DateOnly approvedOn, DateOnly? filedOn = null) => new(
        id, "湖北省公共数据授权运营实施方案", PlanMode.Whole, "420000", null, [], [], PlanStatus.Approved,
        new PlanApproval("湖北省人民政府", "鄂政函〔2026〕1号", approvedOn, Now, "authority-1"),
        filedOn is { } filed ? new PlanFiling("备案〔2026〕1号", filed, Now, "authority-1") : null,
        Now, "authority-1", Now, "authority-1");

    public static Agreement SignedAgreement(
        string id, DateTimeOffset signedAt, DateOnly startsOn, DateOnly endsOn, DateOnly? filedOn = null,
        IReadOnlyList<MilestoneRecord>? milestones = null, AgreementTermination? termination = null, string operatorId = "org-op-1") => new(
        id, "plan-1", operatorId, SelectionMethod.PublicTender, "三重一大会议纪要", startsOn, endsOn, signedAt,
        termination is null ? AgreementStatus.Active : AgreementStatus.Terminated, AgreementRules.FilingDueOn(signedAt),
        filedOn is { } filed ? new AgreementFiling("备案〔2026〕2号", filed, Now, "authority-1") : null, false,
        milestones ?? [], [], termination, null, "authority-1");

    public static Mock<IPlanStore> PlanStore(params Plan[] plans)
    {
        var store = new Mock<IPlanStore>();
        store.Setup(s => s.QueryAsync(PlanStatus.Approved, It.IsAny<int>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(((IReadOnlyList<Plan>)plans, (string?)null));
        store.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, CancellationToken _) => plans.FirstOrDefault(p => p.Id == id) is { } p ? new Versioned<Plan>(p, "e") : null);
        return store;
    }

    public static Mock<IAgreementStore> AgreementStore(params Agreement[] agreements)
    {
        var store = new Mock<IAgreementStore>();
        store.Setup(s => s.ListAsync(It.IsAny<string?>(), It.IsAny<int>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string? operatorId, int _, string? _, CancellationToken _) =>
                ((IReadOnlyList<Agreement>)agreements.Where(a => operatorId is null || a.OperatorId == operatorId).ToList(), (string?)null));
        store.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, CancellationToken _) => agreements.FirstOrDefault(a => a.Id == id) is { } a ? new Versioned<Agreement>(a, "e") : null);
        return store;
    }
}
