using Platform.UnitTests.Products;
using Moq;
using Platform.Domain.Agreements;
using Platform.Domain.DataRequests;
using Platform.Domain.Grants;
using Platform.Domain.Organizations;
using Platform.Domain.Oversight;
using Platform.Domain.Reports;
using Platform.Domain.Sandbox;
using Platform.Domain.Scenarios;
using Platform.UnitTests.Personnel;
using Platform.UnitTests.Resources;

namespace Platform.UnitTests.Reports;

public sealed class InMemoryAnnualReportStore : IAnnualReportStore
{
    private readonly InMemoryVersionedStore<OperatorAnnualReport> _operatorReports = new(r => r.Id, "report");
    private readonly InMemoryVersionedStore<AuthorityAnnualReport> _authorityReports = new(r => r.Id, "report");

    public IReadOnlyCollection<OperatorAnnualReport> OperatorReports => _operatorReports.All;

    public async Task<bool> TryAddOperatorReportAsync(OperatorAnnualReport report, CancellationToken cancellationToken = default)
    {
        try
        {
            await _operatorReports.AddCoreAsync(report);
            return true;
        }
        catch (Platform.Domain.Errors.DomainException)
        {
            return false;
        }
    }

    public Task<Versioned<OperatorAnnualReport>?> GetOperatorReportAsync(int year, string operatorId, CancellationToken cancellationToken = default)
        => _operatorReports.GetCoreAsync(OperatorAnnualReport.IdFor(year, operatorId));

    public Task<string> ReplaceOperatorReportAsync(OperatorAnnualReport report, string ifMatch, CancellationToken cancellationToken = default)
        => _operatorReports.ReplaceCoreAsync(report, ifMatch);

    public async Task<IReadOnlyList<Versioned<OperatorAnnualReport>>> ListOperatorReportsAsync(int year, CancellationToken cancellationToken = default)
        => await VersionedAsync(_operatorReports.All.Where(r => r.Year == year));

    public async Task<IReadOnlyList<Versioned<OperatorAnnualReport>>> ListUnflaggedOverdueAsync(DateTimeOffset nowUtc, CancellationToken cancellationToken = default)
        => await VersionedAsync(_operatorReports.All.Where(r => r.Status == OperatorReportStatus.Draft && !r.Overdue && r.DueAt <= nowUtc));

    public async Task<bool> TryAddAuthorityReportAsync(AuthorityAnnualReport report, CancellationToken cancellationToken = default)
    {
        try
        {
            await _authorityReports.AddCoreAsync(report);
            return true;
        }
        catch (Platform.Domain.Errors.DomainException)
        {
            return false;
        }
    }

    public async Task<AuthorityAnnualReport?> GetAuthorityReportAsync(int year, CancellationToken cancellationToken = default)
        => (await _authorityReports.GetCoreAsync(year.ToString(System.Globalization.CultureInfo.InvariantCulture)))?.Value;

    public Task<Versioned<AuthorityAnnualReport>?> GetAuthorityReportVersionedAsync(int year, CancellationToken cancellationToken = default)
        => _authorityReports.GetCoreAsync(year.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task<string> ReplaceAuthorityReportAsync(AuthorityAnnualReport report, string ifMatch, CancellationToken cancellationToken = default)
        => _authorityReports.ReplaceCoreAsync(report, ifMatch);

    private async Task<IReadOnlyList<Versioned<OperatorAnnualReport>>> VersionedAsync(IEnumerable<OperatorAnnualReport> reports)
    {
        var list = new List<Versioned<OperatorAnnualReport>>();
        foreach (var report in reports.OrderBy(r => r.OperatorId, StringComparer.Ordinal))
        {
            list.Add((await _operatorReports.GetCoreAsync(report.Id))!);
        }

        return list;
    }
}

/// <summary>Records of one or more operators in memory, with the annual-report service wired over them.</summary>
public sealed class ReportTestWorld
{
    public static readonly DateTimeOffset NewYearFiring = new(2026, 12, 31, 16, 0, 0, TimeSpan.Zero);

    public ReportTestWorld()
    {
        var scenarioStore = new Mock<IScenarioStore>();
        scenarioStore.Setup(s => s.ListActiveBetweenAsync(It.IsAny<string?>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string? op, DateTimeOffset from, DateTimeOffset to, CancellationToken _) => Scenarios.Where(s => (op is null || s.OperatorId == op) && s.CreatedAt < to && s.UpdatedAt >= from).ToList());
        var requestStore = new Mock<IDataRequestStore>();
        requestStore.Setup(s => s.ListActiveBetweenAsync(It.IsAny<string?>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string? op, DateTimeOffset from, DateTimeOffset to, CancellationToken _) => Requests.Where(r => (op is null || r.OperatorId == op) && r.SubmittedAt < to && r.UpdatedAt >= from).ToList());
        var grantStore = new Mock<IGrantStore>();
        grantStore.Setup(s => s.ListIssuedBetweenAsync(It.IsAny<string?>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string? op, DateTimeOffset from, DateTimeOffset to, CancellationToken _) => Grants.Where(g => (op is null || g.OperatorId == op) && g.IssuedAt >= from && g.IssuedAt < to).ToList());
        var jobStore = new Mock<ISandboxJobStore>();
        jobStore.Setup(s => s.ListSubmittedBetweenAsync(It.IsAny<string?>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string? op, DateTimeOffset from, DateTimeOffset to, CancellationToken _) => Jobs.Where(j => (op is null || j.OrganizationId == op) && j.SubmittedAt >= from && j.SubmittedAt < to).Select(SandboxJobActivity.Of).ToList());
        var incidentStore = new Mock<IIncidentStore>();
        incidentStore.Setup(s => s.ListReportedBetweenAsync(It.IsAny<string?>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string? op, DateTimeOffset from, DateTimeOffset to, CancellationToken _) => Incidents.Where(i => (op is null || i.OrganizationId == op) && i.ReportedAt >= from && i.ReportedAt < to).ToList());
        var agreementStore = new Mock<IAgreementStore>();
        agreementStore.Setup(s => s.ListTermOverlappingAsync(It.IsAny<DateOnly>(), It.IsAny<DateOnly>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((DateOnly from, DateOnly to, CancellationToken _) => Agreements.Where(a => a.StartsOn <= to && a.EndsOn >= from).ToList());
        var organizations = new Mock<IOrganizationStore>();
        organizations.Setup(o => o.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, CancellationToken _) => new Versioned<Organization>(new Organization(id, $"运营机构{id[^1]}", OrganizationKind.Operator, "91420100MA4K0000X0", "420100", DateTimeOffset.UnixEpoch, "seed", null), "e1"));
        var suspensions = new Mock<ISuspensionStore>();
        suspensions.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, CancellationToken _) => Suspensions.TryGetValue(id, out var s) ? new Versioned<OperatorSuspension>(s, "e1") : null);

        Counter = new OperatorActivityCounter(scenarioStore.Object, requestStore.Object, grantStore.Object, jobStore.Object, incidentStore.Object, EmptyProductReadModel.Instance);
        Service = new AnnualReportService(Store, Outbox, Audit, Clock, new AnnualReportOptions());
        ReportRequests = new AnnualReportRequests(Store, agreementStore.Object, organizations.Object, new AnnualReportCounters(Counter, new PlatformFiguresCounter(incidentStore.Object, suspensions.Object)),
            Outbox, Audit, Clock, new AnnualReportOptions());
        Sweep = new AnnualReportDeadlineStep(Store, Outbox, Audit);
    }

    public List<Agreement> Agreements { get; } = [];

    public List<Scenario> Scenarios { get; } = [];

    public List<DataRequest> Requests { get; } = [];

    public List<Grant> Grants { get; } = [];

    public List<SandboxJob> Jobs { get; } = [];

    public List<SecurityIncident> Incidents { get; } = [];

    public Dictionary<string, OperatorSuspension> Suspensions { get; } = [];

    public InMemoryAnnualReportStore Store { get; } = new();

    public RecordingOutbox Outbox { get; } = new();

    public RecordingAuditTrail Audit { get; } = new();

    public FixedClock Clock { get; } = new(NewYearFiring);

    public OperatorActivityCounter Counter { get; }

    public AnnualReportService Service { get; }

    public AnnualReportRequests ReportRequests { get; }

    public AnnualReportDeadlineStep Sweep { get; }

    public static DateTimeOffset Cst(int year, int month, int day, int hour = 12, int minute = 0, int second = 0)
        => new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.FromHours(8)).ToUniversalTime();

    public static Agreement Agreement(string id, string operatorId, DateOnly startsOn, DateOnly endsOn, AgreementTermination? termination = null)
        => new(id, "pln-1", operatorId, SelectionMethod.PublicTender, "决策记录", startsOn, endsOn, ChinaTimeAt(startsOn), termination is null ? AgreementStatus.Active : AgreementStatus.Terminated,
            startsOn.AddMonths(1), null, false, [], [], termination, null, "authority");

    public static Scenario Scenario(string id, string operatorId, DateTimeOffset createdAt, DateTimeOffset? approvedAt = null)
    {
        var content = new ScenarioContent("充电桩布局优化", "目的", ScenarioUseCategory.PublicGood, "经济", "社会", "模式", [], false, []);
        var round = new ScenarioRound(1, $"scenario-review-{id}-r1", createdAt, createdAt.AddDays(5), content, [],
            approvedAt is null ? null : ReviewRoundOutcome.Approved, approvedAt);
        return new Scenario(id, "agr-1", operatorId, approvedAt is null ? ScenarioStatus.InReview : ScenarioStatus.Approved, [round], createdAt, "op", approvedAt ?? createdAt);
    }

    public static DataRequest Request(string id, string operatorId, DateTimeOffset submittedAt, DataRequestStatus status = DataRequestStatus.Pending, DateTimeOffset? completedAt = null)
        => new(id, "scn-1", "场景", "agr-1", operatorId, "用途", [], [], status, submittedAt, "op", completedAt ?? submittedAt, CompletedAt: completedAt);

    public static Grant Grant(string id, string operatorId, DateTimeOffset issuedAt)
        => new(id, "agr-1", "scn-1", operatorId, "drq-1", "org-provider", [], issuedAt, issuedAt.AddYears(1), GrantStatus.Active, null, null);

    public static SandboxJob Job(string id, string operatorId, DateTimeOffset submittedAt, SandboxMode mode, SandboxJobStatus status)
        => new(id, "gnt-1", operatorId, "staff-1", mode, "select 1", status, submittedAt);

    public static SecurityIncident Incident(string id, string operatorId, DateTimeOffset reportedAt, IncidentKind kind = IncidentKind.Leak)
        => new(id, operatorId, kind, "日志中发现未脱敏手机号", reportedAt.AddHours(-1), reportedAt, "op", [], null);

    private static DateTimeOffset ChinaTimeAt(DateOnly date) => Platform.Domain.Time.ChinaTime.StartOfDayUtc(date);
}
