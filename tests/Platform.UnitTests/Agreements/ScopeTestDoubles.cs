using Moq;
using Platform.Domain.Agreements;
using Platform.Domain.Organizations;
using Platform.Domain.Oversight;
using Platform.Domain.Plans;
using Platform.Domain.Resources;
using Platform.Domain.Time;

namespace Platform.UnitTests.Agreements;

/// <summary>
/// The authorisation checks for unit-test worlds whose subject is not the scope: every plan is an approved whole-Hubei plan,
/// every organisation a qualified one in Wuhan, no incidents.
/// </summary>
public static class ScopeTestDoubles
{
    public static Plan WholeHubeiPlan(string id) => new(
        id, "湖北省公共数据授权运营实施方案", PlanMode.Whole, "420000", null, [], [], PlanStatus.Approved,
        new PlanApproval("湖北省人民政府", "鄂政函〔2026〕1号", new DateOnly(2026, 1, 5), DateTimeOffset.UnixEpoch, "seed"), null,
        DateTimeOffset.UnixEpoch, "seed", DateTimeOffset.UnixEpoch, "seed");

    public static AgreementScopeGuard CoveringAll(IResourceStore resources)
    {
        var plans = new Mock<IPlanStore>();
        plans.Setup(p => p.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, CancellationToken _) => new Versioned<Plan>(WholeHubeiPlan(id), "p1"));
        return new AgreementScopeGuard(plans.Object, resources, QualifiedOrganizations().Object);
    }

    public static AuthorizationBinding BindingCoveringAll(IResourceStore resources, IClock clock)
    {
        var incidents = new Mock<IIncidentStore>();
        incidents.Setup(i => i.ListReportedBetweenAsync(It.IsAny<string?>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([]);
        return new AuthorizationBinding(CoveringAll(resources), new OperatorQualificationCheck(QualifiedOrganizations().Object, incidents.Object, clock, NoEvaluations().Object));
    }

    private static Mock<IOrganizationStore> QualifiedOrganizations()
    {
        var organizations = new Mock<IOrganizationStore>();
        organizations.Setup(o => o.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, CancellationToken _) => new Versioned<Organization>(
                new Organization(id, $"单位{id}", OrganizationKind.Operator, "91420100MA4K0000X0", "420100", DateTimeOffset.UnixEpoch, "seed",
                    new OrganizationQualification(true, true, true, true, "核查报告", DateTimeOffset.UnixEpoch, "seed")), "o1"));
        return organizations;
    }

    /// <summary>An evaluation store without evaluations: nobody is under re-examination (M5.7).</summary>
    public static Mock<IEvaluationStore> NoEvaluations(params OperatorEvaluation[] evaluations)
    {
        var store = new Mock<IEvaluationStore>();
        store.Setup(s => s.ListByOperatorAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string operatorId, CancellationToken _) => (IReadOnlyList<OperatorEvaluation>)evaluations.Where(e => e.OperatorId == operatorId).ToList());
        return store;
    }
}
