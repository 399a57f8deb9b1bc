using Moq;
using Platform.Domain.Calendar;
using Platform.Domain.Catalog;
using Platform.Domain.Organizations;
using Platform.Domain.Quality;
using Platform.Domain.Resources;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Workflows;
using Platform.UnitTests.Personnel;
using Platform.UnitTests.Resources;

namespace Platform.UnitTests.Quality;

public sealed class InMemoryQualityIssueStore() : InMemoryVersionedStore<QualityIssue>(i => i.Id, "quality_issue"), IQualityIssueStore
{
    public Task<string> AddAsync(QualityIssue issue, CancellationToken cancellationToken = default) => AddCoreAsync(issue);

    public Task<Versioned<QualityIssue>?> GetAsync(string id, CancellationToken cancellationToken = default) => GetCoreAsync(id);

    public Task<string> ReplaceAsync(QualityIssue issue, string ifMatch, CancellationToken cancellationToken = default) => ReplaceCoreAsync(issue, ifMatch);

    public Task<(IReadOnlyList<QualityIssue> Items, string? ContinuationToken)> ListAsync(QualityIssueQuery query, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => Task.FromResult<(IReadOnlyList<QualityIssue>, string?)>((All.Where(i => (query.ProviderId is null || i.ProviderId == query.ProviderId)
                && (query.RaisedByOrganization is null || i.RaisedByOrganization == query.RaisedByOrganization)
                && (query.ResourceId is null || i.ResourceId == query.ResourceId)
                && (query.Status is null || i.Status == query.Status))
            .OrderBy(i => i.Id, StringComparer.Ordinal).Take(pageSize).ToList(), null));

    public Task<IReadOnlyList<QualityIssue>> ListForProviderAsync(string providerId, int year, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<QualityIssue>>(All.Where(i => i.ProviderId == providerId && ChinaTime.LegalDate(i.RaisedAt).Year == year).ToList());

    public Task<IReadOnlyList<QualityIssue>> ListAwaitingUnescalatedAsync(CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<QualityIssue>>(All.Where(i => i.AwaitsResolution && !i.Overdue).ToList());
}

/// <summary>Quality tickets' collaborators in memory: a provider with one published resource, an operator, a recording workflow gateway.</summary>
public sealed class QualityTestWorld
{
    public const string ProviderOrg = "org-provider";
    public const string OtherProviderOrg = "org-other-provider";
    public const string OperatorOrg = "org-operator";
    public const string ResourceId = "res-power";

    // Monday 2026-03-02 10:00 CST: day 0 that Monday, due Monday 03-09 24:00 CST (16:00 UTC).
    public static readonly DateTimeOffset MondayMorning = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset DueMonday = new(2026, 3, 9, 16, 0, 0, TimeSpan.Zero);

    private int _ids;

    public QualityTestWorld(TimeCompression? compression = null, int workingDays = 5)
    {
        Compression = compression ?? TimeCompression.None;
        var organizations = new Mock<IOrganizationStore>();
        organizations.Setup(o => o.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, CancellationToken _) => new Versioned<Organization>(
                new Organization(id, $"单位{id}", OrganizationKind.Provider, "91420100MA4K0000X0", "420100", DateTimeOffset.UnixEpoch, "seed", null), "e1"));
        var calendars = new Mock<ICalendarStore>();
        calendars.Setup(c => c.LoadAsync(It.IsAny<int>(), It.IsAny<int>(), It.IsAny<CancellationToken>())).ReturnsAsync(ShippedCalendars.Calendar);
        Workflows.Setup(w => w.StartAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object>(), It.IsAny<CancellationToken>()))
            .Callback((string name, string instance, object input, CancellationToken _) => Started.Add((name, instance, input)))
            .Returns(Task.CompletedTask);
        Workflows.Setup(w => w.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object>(), It.IsAny<CancellationToken>()))
            .Callback((string instance, string name, object payload, CancellationToken _) => Raised.Add((instance, name, payload)))
            .ReturnsAsync(true);
        Service = new QualityIssueService(Store, Resources, organizations.Object, new QualityCorrectionDeadline(calendars.Object, new QualitySettings(workingDays)), Outbox, Audit, Clock, Compression);
        Escalation = new QualityIssueEscalation(Store, organizations.Object, Outbox, Audit, Clock, Compression);
        var fields = new[] { "区域编码", "负荷" }.Select(f => new FieldDefinition(f, FieldType.String, FieldClassification.Public, FieldGrade.General, null, false)).ToList();
        Resources.AddAsync(new Resource(ResourceId, ProviderOrg, "电网负荷数据", "说明", "能源", "每日", fields, null, ResourceStatus.Published, DateTimeOffset.UnixEpoch, "seed")).GetAwaiter().GetResult();
        Resources.AddAsync(new Resource("res-draft", ProviderOrg, "草稿资源", "说明", "能源", "每日", fields, null, ResourceStatus.Draft, DateTimeOffset.UnixEpoch, "seed")).GetAwaiter().GetResult();
    }

    public InMemoryQualityIssueStore Store { get; } = new();

    public InMemoryResourceStore Resources { get; } = new();

    public RecordingOutbox Outbox { get; } = new();

    public RecordingAuditTrail Audit { get; } = new();

    public FixedClock Clock { get; } = new(MondayMorning);

    public TimeCompression Compression { get; }

    public Mock<IWorkflowGateway> Workflows { get; } = new();

    public List<(string Name, string Instance, object Input)> Started { get; } = [];

    public List<(string Instance, string Name, object Payload)> Raised { get; } = [];

    public QualityIssueService Service { get; }

    public QualityIssueEscalation Escalation { get; }

    public static Caller Operator { get; } = new("op-user", Roles.Operator, OperatorOrg);

    public static Caller Provider { get; } = new("prov-user", Roles.Provider, ProviderOrg);

    public static Caller OtherProvider { get; } = new("other-user", Roles.Provider, OtherProviderOrg);

    public static Caller Authority { get; } = new("auth-user", Roles.Authority, "org-authority");

    public static QualityIssueDraft FieldsDraft(params string[] fields)
        => new(ResourceId, QualityIssueKind.Fields, fields, [], "负荷字段存在负数", ["截图-001"]);

    public async Task<Versioned<QualityIssue>> RaiseAsync(QualityIssueDraft? draft = null, Caller? caller = null)
        => await Service.RaiseAsync($"qis-{++_ids}", draft ?? FieldsDraft("负荷"), caller ?? Operator, Workflows.Object);
}
