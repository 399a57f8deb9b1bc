using System.Collections.Concurrent;
using System.Text;
using Moq;
using Platform.Domain.Agreements;
using Platform.Domain.Approvals;
using Platform.Domain.Calendar;
using Platform.Domain.Catalog;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Masking;
using Platform.Domain.Organizations;
using Platform.Domain.Oversight;
using Platform.Domain.Resources;
using Platform.Domain.Scenarios;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.UnitTests.Approvals;
using Platform.UnitTests.Grants;
using Platform.UnitTests.Personnel;
using Platform.UnitTests.Resources;

namespace Platform.UnitTests.DataRequests;

public sealed class InMemoryDataRequestStore() : InMemoryVersionedStore<DataRequest>(r => r.Id, "data_request"), IDataRequestStore
{
    public ConcurrentDictionary<string, ReviewSubmission> Submissions { get; } = new();

    public Task<string> AddAsync(DataRequest request, CancellationToken cancellationToken = default) => AddCoreAsync(request);

    public Task<Versioned<DataRequest>?> GetAsync(string id, CancellationToken cancellationToken = default) => GetCoreAsync(id);

    public Task<string> ReplaceAsync(DataRequest request, string ifMatch, CancellationToken cancellationToken = default) => ReplaceCoreAsync(request, ifMatch);

    public Task<(IReadOnlyList<DataRequest> Items, string? ContinuationToken)> ListAsync(string? operatorId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => Task.FromResult<(IReadOnlyList<DataRequest>, string?)>((All.Where(r => operatorId is null || r.OperatorId == operatorId).Take(pageSize).ToList(), null));

    public Task<IReadOnlyList<DataRequest>> ListByAgreementAsync(string agreementId, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<DataRequest>>(All.Where(r => r.AgreementId == agreementId).ToList());

    public Task<IReadOnlyList<DataRequest>> ListActiveBetweenAsync(string? operatorId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<DataRequest>>(All.Where(r => (operatorId is null || r.OperatorId == operatorId) && r.SubmittedAt < toUtc && r.UpdatedAt >= fromUtc).ToList());

    public Task AddSubmissionAsync(ReviewSubmission submission, CancellationToken cancellationToken = default)
    {
        Submissions.TryAdd(submission.Id, submission);
        return Task.CompletedTask;
    }

    public Task<ReviewSubmission?> GetSubmissionAsync(string id, CancellationToken cancellationToken = default) => Task.FromResult(Submissions.GetValueOrDefault(id));
}

public sealed class InMemoryGrantStore() : InMemoryVersionedStore<Grant>(g => g.Id, "grant"), IGrantStore
{
    public Task<string> AddAsync(Grant grant, CancellationToken cancellationToken = default) => AddCoreAsync(grant);

    public Task<Versioned<Grant>?> GetAsync(string id, CancellationToken cancellationToken = default) => GetCoreAsync(id);

    public Task<string> ReplaceAsync(Grant grant, string ifMatch, CancellationToken cancellationToken = default) => ReplaceCoreAsync(grant, ifMatch);

    public Task<(IReadOnlyList<Grant> Items, string? ContinuationToken)> ListAsync(string? operatorId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => Task.FromResult<(IReadOnlyList<Grant>, string?)>((All.Where(g => operatorId is null || g.OperatorId == operatorId).Take(pageSize).ToList(), null));

    public Task<IReadOnlyList<Grant>> ListByAgreementAsync(string agreementId, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<Grant>>(All.Where(g => g.AgreementId == agreementId).ToList());

    public Task<IReadOnlyList<Grant>> ListIssuedBetweenAsync(string? operatorId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<Grant>>(All.Where(g => (operatorId is null || g.OperatorId == operatorId) && g.IssuedAt >= fromUtc && g.IssuedAt < toUtc).ToList());
}

public sealed class InMemoryTimelinessStore : IReviewTimelinessStore
{
    public ConcurrentDictionary<(string Provider, string Request), ReviewTimeliness> Records { get; } = new();

    public Task UpsertAsync(ReviewTimeliness timeliness, CancellationToken cancellationToken = default)
    {
        Records[(timeliness.ProviderId, timeliness.DataRequestId)] = timeliness;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ReviewTimeliness>> ListAsync(string providerId, int year, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<ReviewTimeliness>>(Records.Values.Where(r => r.ProviderId == providerId && r.Year == year).ToList());
}

public sealed class InMemoryLibrary : IAuthorizedDataLibrary
{
    public ConcurrentDictionary<string, byte[]> Blobs { get; } = new();

    public int Writes { get; private set; }

    public async Task<LibraryCopyResult> WriteAsync(string container, string blobPath, Func<Stream, CancellationToken, Task<LibraryCopyResult>> write, CancellationToken cancellationToken = default)
    {
        Writes++;
        using var output = new MemoryStream();
        var result = await write(output, cancellationToken);
        Blobs[$"{container}/{blobPath}"] = output.ToArray();
        return result;
    }

    public Task<Stream> OpenReadAsync(string container, string blobPath, CancellationToken cancellationToken = default)
        => Blobs.TryGetValue($"{container}/{blobPath}", out var bytes)
            ? Task.FromResult<Stream>(new MemoryStream(bytes, writable: false))
            : Task.FromException<Stream>(new FileNotFoundException(blobPath));

    public string Text(string container, string blobPath) => Encoding.UTF8.GetString(Blobs[$"{container}/{blobPath}"]);
}

/// <summary>
/// Data requests and grants wired together in memory: an operator with a live agreement and an approved scenario that
/// needs two published resources of two providers (the grid's load data and the traffic bureau's flows).
/// </summary>
public sealed class DataRequestTestWorld
{
    public const string OperatorOrg = "org-op";
    public const string GridOrg = "org-grid";
    public const string TrafficOrg = "org-traffic";
    public const string AgreementId = "agr-1";
    public const string ScenarioId = "scn-1";
    public const string PowerResource = "res-power";
    public const string TrafficResource = "res-traffic";
    public const string GridSlot = "provider-" + GridOrg;
    public const string TrafficSlot = "provider-" + TrafficOrg;
    public const string PowerCsv = "区域编码,时段,负荷,户主姓名\r\n420102,08:00,88.5,张伟\r\n420106,09:00,120.0,李静\r\n";

    private int _ids;

    public DataRequestTestWorld()
    {
        var organizations = new Mock<IOrganizationStore>();
        organizations.Setup(o => o.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, CancellationToken _) => new Versioned<Organization>(
                new Organization(id, $"单位{id}", OrganizationKind.Provider, "91420100MA4K0000X0", "420100", DateTimeOffset.UnixEpoch, "seed", null), "e1"));

        Scenarios.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((Versioned<Scenario>?)null);
        Scenarios.Setup(s => s.GetAsync(ScenarioId, It.IsAny<CancellationToken>())).ReturnsAsync(() => new Versioned<Scenario>(Scenario, "s1"));
        Agreements.Setup(a => a.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((Versioned<Agreement>?)null);
        Agreements.Setup(a => a.GetAsync(AgreementId, It.IsAny<CancellationToken>())).ReturnsAsync(() => new Versioned<Agreement>(Agreement, "a1"));
        Guard.Setup(g => g.EnsureNotSuspendedAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string operatorId, CancellationToken _) => SuspendedOperators.Contains(operatorId)
                ? Task.FromException(new DomainException(FailureKind.Forbidden, "operator.suspended", "suspended"))
                : Task.CompletedTask);
        var calendars = new Mock<ICalendarStore>();
        calendars.Setup(c => c.LoadAsync(It.IsAny<int>(), It.IsAny<int>(), It.IsAny<CancellationToken>())).ReturnsAsync(ShippedCalendars.Calendar);

        var linkSettings = new ApprovalLinkSettings(ApprovalLinkSettings.DefaultActiveKeyId, [], TimeSpan.FromDays(30), "https://data.example.cn");
        var signer = new ApprovalLinkSigner(new DictionarySecretStore(new Dictionary<string, string> { [ApprovalLinkSettings.DefaultActiveKeyId] = new string('k', 48) }), linkSettings, Clock);
        Approvals = new ApprovalService(ApprovalStore, signer, Audit, Clock, [new DataRequestApprovalSubject(Store, organizations.Object)]);
        var records = new DataRequestRecords(Store, Timeliness, organizations.Object, Clock);
        Queries = new DataRequestQueries(Store, Timeliness);
        Submission = new DataRequestSubmission(Store, Scenarios.Object, Agreements.Object,
            new DataRequestItemResolver(Resources, Platform.UnitTests.Agreements.ScopeTestDoubles.BindingCoveringAll(Resources, Clock)),
            Guard.Object, Audit, Clock, TimeCompression.None);
        Schedule = new DataRequestReviewSchedule(records, calendars.Object, Audit, DataRequestSettings.Default);
        ReviewTasks = new DataRequestReviewTasks(records, Approvals, linkSettings, Outbox, Clock, TimeCompression.None);
        Decisions = new DataRequestDecisions(records, ApprovalStore, ReviewTasks, Outbox, Audit, Clock, TimeCompression.None);
        Reviews = new DataRequestReviewSubmission(Queries, Store, ApprovalStore, Decisions, Audit, Clock);
        Revocation = new DataRequestRevocationStep(records, Approvals, Outbox, Audit, Clock);
        Grants = new GrantService(GrantStore, Agreements.Object, Guard.Object, Clock);
        GrantProvisioning = NewGrantProvisioning(GrantStore);
        GrantRevocation = new GrantRevocationStep(GrantStore, Outbox, Audit, Clock);

        AddResource(PowerResource, GridOrg, "电网负荷数据", ["区域编码", "时段", "负荷", "户主姓名"], PowerCsv);
        AddResource(TrafficResource, TrafficOrg, "道路车流量", ["区域编码", "车流量"], "区域编码,车流量\r\n420102,3000\r\n");
    }

    // Monday 2026-03-02 10:00 CST.
    public FixedClock Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero));

    public InMemoryDataRequestStore Store { get; } = new();

    public InMemoryGrantStore GrantStore { get; } = new();

    public InMemoryTimelinessStore Timeliness { get; } = new();

    public InMemoryLibrary Library { get; } = new();

    public InMemoryResourceStore Resources { get; } = new();

    public InMemoryResourceDataStore Data { get; } = new();

    public InMemoryMaskingJobStore MaskingJobs { get; } = new();

    public RecordingMaskingJobQueue MaskingQueue { get; } = new();

    public InMemoryApprovalStore ApprovalStore { get; } = new();

    public RecordingAuditTrail Audit { get; } = new();

    public RecordingOutbox Outbox { get; } = new();

    public RecordingWorkflowGateway Workflows { get; } = new();

    public Mock<IScenarioStore> Scenarios { get; } = new();

    public Mock<IAgreementStore> Agreements { get; } = new();

    public Mock<IOperatorAccessGuard> Guard { get; } = new();

    public HashSet<string> SuspendedOperators { get; } = [];

    public Agreement Agreement { get; set; } = GrantRulesTests.Agreement(new DateOnly(2028, 12, 31), operatorId: OperatorOrg) with { Id = AgreementId };

    public Scenario Scenario { get; set; } = ApprovedScenario();

    public ApprovalService Approvals { get; }

    public DataRequestSubmission Submission { get; }

    public DataRequestReviewSubmission Reviews { get; }

    public DataRequestQueries Queries { get; }

    public DataRequestReviewSchedule Schedule { get; }

    public DataRequestReviewTasks ReviewTasks { get; }

    public DataRequestDecisions Decisions { get; }

    public DataRequestRevocationStep Revocation { get; }

    public GrantService Grants { get; }

    public GrantProvisioning GrantProvisioning { get; }

    public GrantRevocationStep GrantRevocation { get; }

    public static Caller Operator { get; } = new("op-user", Roles.Operator, OperatorOrg);

    public static Caller Provider(string org) => new($"{org}-user", Roles.Provider, org);

    public static DataRequestDraft Draft(params (string ResourceId, string[] Fields)[] items)
        => new(items.Select(i => (DataRequestItemDraft?)new DataRequestItemDraft(i.ResourceId, i.Fields)).ToList(), "优化全市充电桩布局");

    public string NewId(string prefix) => $"{prefix}-{Interlocked.Increment(ref _ids)}";

    public async Task<DataRequest> SubmitAsync(DataRequestDraft? draft = null)
        => (await Submission.SubmitAsync(NewId("drq"), ScenarioId, draft ?? Draft((PowerResource, ["负荷", "区域编码"]), (TrafficResource, ["车流量"])), Operator, NewId, Workflows)).Value;

    public async Task<DataRequest> SubmitAndScheduleAsync()
    {
        var request = await SubmitAsync();
        await Schedule.ScheduleAsync(request.Id);
        return (await Store.GetAsync(request.Id))!.Value;
    }

    /// <summary>Provisioning over <paramref name="grantStore"/> and this world's other stores.</summary>
    public GrantProvisioning NewGrantProvisioning(IGrantStore grantStore)
        => new(grantStore, Store, Agreements.Object,
            new GrantTableProvisioner(Resources, Data, Library, new LibrarySampleJobs(MaskingJobs, MaskingQueue, Audit, Clock, new ResourceOptions { SampleRows = 5, SampleSeed = 7 }), Audit, Clock),
            Outbox, Audit, Clock, Platform.UnitTests.Agreements.ScopeTestDoubles.CoveringAll(Resources));

    public async Task<DataRequest> CurrentAsync(string id) => (await Store.GetAsync(id))!.Value;

    private void AddResource(string id, string provider, string name, string[] fields, string csv)
    {
        var data = Data.SaveAsync(provider, id, new MemoryStream(Encoding.UTF8.GetBytes(csv)), 1 << 20).GetAwaiter().GetResult();
        var definitions = fields.Select(f => new FieldDefinition(f, FieldType.String,
            f == "户主姓名" ? FieldClassification.Personal : FieldClassification.Public, FieldGrade.General, f == "户主姓名" ? IdentifierKind.Name : null, false)).ToList();
        Resources.AddAsync(new Resource(id, provider, name, "说明", "能源", "每日", definitions, null, ResourceStatus.Published, DateTimeOffset.UnixEpoch, "seed",
            new ResourceData(DataFormat.Csv, InputEncoding.Utf8, "text/csv", data.Bytes, data.Sha256, data.StorageName, DateTimeOffset.UnixEpoch, "seed"))).GetAwaiter().GetResult();
    }

    private static Scenario ApprovedScenario()
    {
        var content = new ScenarioContent("充电设施布局优化", "优化布局", ScenarioUseCategory.PublicGood, "经济", "社会", "模式",
        [
            new DataNeed(PowerResource, GridOrg, ["区域编码", "时段", "负荷"], "评估电网承载能力"),
            new DataNeed(TrafficResource, TrafficOrg, ["区域编码", "车流量"], "识别需求热点"),
        ], false, []);
        var round = new ScenarioRound(1, "scenario-review-scn-1-r1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, content, [], ReviewRoundOutcome.Approved, DateTimeOffset.UnixEpoch);
        return new Scenario(ScenarioId, AgreementId, OperatorOrg, ScenarioStatus.Approved, [round], DateTimeOffset.UnixEpoch, "op-user", DateTimeOffset.UnixEpoch);
    }
}
