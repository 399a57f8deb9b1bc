using System.Collections.Concurrent;
using Moq;
using Platform.Domain.Agreements;
using Platform.Domain.Approvals;
using Platform.Domain.Catalog;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Oversight;
using Platform.Domain.Products;
using Platform.Domain.Sandbox;
using Platform.Domain.Scenarios;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Workflows;
using Platform.UnitTests.Approvals;
using Platform.UnitTests.Personnel;

namespace Platform.UnitTests.Products;

/// <summary>
/// The product service over in-memory stores: an operator with a live agreement and an approved scenario, a grant of
/// that scenario over one provider's table, and released full-mode jobs of the operator's staff over it.
/// </summary>
public sealed class ProductTestWorld
{
    public const string OperatorId = "org-op";
    public const string OtherOperatorId = "org-op2";
    public const string ProviderId = "org-prov";
    public const string DeveloperId = "org-dev";
    public const string AgreementId = "agr-1";
    public const string ScenarioId = "scn-1";
    public const string GrantId = "grt-1";
    public const string ReleasedJobId = "sbx-released";
    public const string SampleJobId = "sbx-sample";
    public const string OtherOperatorJobId = "sbx-other";
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 17, 30, 0, TimeSpan.Zero); // 2026-03-03 01:30 CST

    private readonly Dictionary<string, Organization> _organizations = new(StringComparer.Ordinal);

    public ProductTestWorld(ScenarioUseCategory useCategory = ScenarioUseCategory.PublicGood)
    {
        Clock = new FixedClock(Now);
        foreach (var (id, kind) in new[] { (OperatorId, OrganizationKind.Operator), (OtherOperatorId, OrganizationKind.Operator), (ProviderId, OrganizationKind.Provider), (DeveloperId, OrganizationKind.Developer) })
        {
            _organizations[id] = new Organization(id, $"机构 {id}", kind, "91420100MA4KXXXX0X", "420100", Now, "authority", null);
        }

        var organizations = new Mock<IOrganizationStore>();
        organizations.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, CancellationToken _) => _organizations.TryGetValue(id, out var o) ? new Versioned<Organization>(o, "e") : null);

        var content = ScenarioRules.WithHolders(ScenarioRules.Validate(new ScenarioDraft("养老服务分布分析", "按区统计", useCategory, "经济", "社会", "模式",
            [new DataNeedDraft("res-1", null, ["name", "district", "age"], "统计")], false, [])), new Dictionary<string, ResourceHolder> { ["res-1"] = new("res-1", ProviderId, null) });
        Scenario = new Scenario(ScenarioId, AgreementId, OperatorId, ScenarioStatus.Approved, [ScenarioRules.NewRound(1, "scenario-review-scn-1-r1", content, Now, Now.AddDays(5))], Now, "op", Now);
        Scenarios.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, CancellationToken _) => id == Scenario.Id ? new Versioned<Scenario>(Scenario, "e") : null);

        Agreement = new Agreement(AgreementId, "pln-1", OperatorId, SelectionMethod.PublicTender, "纪要", new DateOnly(2026, 1, 1), new DateOnly(2028, 12, 31), Now,
            AgreementStatus.Active, new DateOnly(2026, 2, 1), null, false, [], [], null, null, "authority");
        Agreements.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, CancellationToken _) => id == Agreement.Id ? new Versioned<Agreement>(Agreement, "e") : null);

        Grant = new Grant(GrantId, AgreementId, ScenarioId, OperatorId, "drq-1", ProviderId,
            [new GrantTable("people", "res-1", "居民养老服务登记", ProviderId,
                [new GrantField("name", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Name),
                 new GrantField("district", FieldType.String, FieldClassification.Public, FieldGrade.General, null),
                 new GrantField("age", FieldType.Integer, FieldClassification.Public, FieldGrade.General, null)],
                "lib-agr-1", "people.csv", "abc", 42, 0, "msk-1")],
            Now, Now.AddYears(1), GrantStatus.Active, null, null);
        var grants = new Mock<IGrantStore>();
        grants.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, CancellationToken _) => id == Grant.Id ? new Versioned<Grant>(Grant, "e") : null);
        grants.Setup(s => s.ListByAgreementAsync(AgreementId, It.IsAny<CancellationToken>())).ReturnsAsync(() => [Grant]);

        AddJob(Job(ReleasedJobId, OperatorId, SandboxMode.Full, SandboxJobStatus.Released));
        AddJob(Job(SampleJobId, OperatorId, SandboxMode.Sample, SandboxJobStatus.Released));
        AddJob(Job(OtherOperatorJobId, OtherOperatorId, SandboxMode.Full, SandboxJobStatus.Released));
        var jobs = new Mock<ISandboxJobStore>();
        jobs.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, CancellationToken _) => Jobs.TryGetValue(id, out var j) ? new Versioned<SandboxJob>(j, "e") : null);
        Results.Setup(s => s.ReadAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, CancellationToken _) => id == ReleasedJobId
                ? new SandboxResultDocument(id, [new SandboxColumn("district", "VARCHAR"), new SandboxColumn("people", "BIGINT")], [["武昌区", "25"], ["江岸区", "12"], [null, "3"]], false, "hash")
                : null);

        Admissions = new DeveloperAdmissionService(AdmissionStore, organizations.Object, Audit, Clock);
        PriceCaps = new PriceCapService(CapStore, Audit, Clock);
        var signer = new ApprovalLinkSigner(new DictionarySecretStore(new Dictionary<string, string> { [ApprovalLinkSettings.DefaultActiveKeyId] = new string('k', 48) }),
            new ApprovalLinkSettings(ApprovalLinkSettings.DefaultActiveKeyId, [], TimeSpan.FromDays(30), null), Clock);
        Approvals = new ApprovalService(ApprovalStore, signer, Audit, Clock, []);
        var drafting = new ProductDrafting(Store, Scenarios.Object, Agreements.Object,
            new ProductSourceResolver(jobs.Object, grants.Object, Platform.UnitTests.Agreements.ScopeTestDoubles.CoveringAll(new Mock<Platform.Domain.Resources.IResourceStore>().Object)),
            Admissions, PriceCaps, Guard.Object, Clock);
        Queries = new ProductQueries(Store, Usage);
        Commands = new ProductCommands(Store, drafting, Queries, PriceCaps, Guard.Object, Audit, Clock, new TimeCompression(60));
        Record = new ProductComplianceRecord(Store, grants.Object, Results.Object, Audit, Clock);
        ReadModel = new ProductReadModel(Store, Usage);
        Withdrawal = new ProductWithdrawal(Store, Outbox.Object, Audit, Clock);
        Calls = new ProductCallService(Store, Usage, Results.Object, Guard.Object, Agreements.Object, Audit, Clock);
        Workflows.Setup(w => w.StartAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
    }

    public FixedClock Clock { get; }

    public ConcurrentAuditTrail Audit { get; } = new();

    public InMemoryProductStore Store { get; } = new();

    public InMemoryAdmissionStore AdmissionStore { get; } = new();

    public InMemoryPriceCapStore CapStore { get; } = new();

    public InMemoryUsageStore Usage { get; } = new();

    public InMemoryApprovalStore ApprovalStore { get; } = new();

    public Mock<IScenarioStore> Scenarios { get; } = new();

    public Mock<IAgreementStore> Agreements { get; } = new();

    public Mock<ISandboxResultStore> Results { get; } = new();

    public Mock<IOperatorAccessGuard> Guard { get; } = new();

    public Mock<IApprovalSlotDirectory> SlotDirectory { get; } = new();

    public Mock<INotificationOutbox> Outbox { get; } = new();

    public Mock<IWorkflowGateway> Workflows { get; } = new();

    public Dictionary<string, SandboxJob> Jobs { get; } = new(StringComparer.Ordinal);

    public Scenario Scenario { get; set; }

    public Agreement Agreement { get; set; }

    public Grant Grant { get; }

    public DeveloperAdmissionService Admissions { get; }

    public PriceCapService PriceCaps { get; }

    public ApprovalService Approvals { get; }

    public ProductCommands Commands { get; }

    public ProductQueries Queries { get; }

    public ProductComplianceRecord Record { get; }

    public ProductReadModel ReadModel { get; }

    public ProductWithdrawal Withdrawal { get; }

    public ProductCallService Calls { get; }

    public static Caller Operator(string org = OperatorId) => new("op-user", Roles.Operator, org);

    public static Caller Developer(string org = DeveloperId) => new("dev-user", Roles.Developer, org);

    public static Caller Authority => new("official", Roles.Authority, "org-authority");

    public static ProductDraft Draft(decimal price = 0, ProductKind kind = ProductKind.Api, IReadOnlyList<string?>? jobs = null, string? derivedFrom = null, bool personal = false)
        => new(derivedFrom is null ? ScenarioId : null, kind, "各区养老服务需求指数", "按区统计的养老服务登记人数", price, derivedFrom is null ? jobs ?? [ReleasedJobId] : null, derivedFrom, personal, false, personal ? ["授权书 SQ-001"] : []);

    public void AddJob(SandboxJob job) => Jobs[job.Id] = job;

    public static SandboxJob Job(string id, string org, SandboxMode mode, SandboxJobStatus status)
        => new(id, GrantId, org, "stf-1", mode, "SELECT district, count(*) AS people FROM people GROUP BY district", status, Now, Now, Now, null, null, "hash-" + id, null, AgreementId, 1,
            new SandboxJobRun(3, false, [new SandboxColumn("district", "VARCHAR"), new SandboxColumn("people", "BIGINT")],
                [new SandboxJobTable("people", "res-1", "library", "abc", null, ["district", "age"])], TimeSpan.Zero, TimeSpan.Zero, []));

    public async Task<Product> CreateAsync(ProductDraft? draft = null, Caller? caller = null)
        => (await Commands.CreateAsync($"prd-{Guid.NewGuid():N}"[..30], draft ?? Draft(), caller ?? Operator(), Workflows.Object)).Value;

    /// <summary>A product as published by the compliance review.</summary>
    public async Task<Product> PublishedAsync(ProductDraft? draft = null, Caller? caller = null)
    {
        var product = await CreateAsync(draft, caller);
        await Record.RecordAutomatedChecksAsync(product.Id, ProductReviewTrack.Fast, []);
        await Record.CompleteAsync(product.Id, new ProductComplianceOutcome(ProductComplianceOutcomeKind.Published, [], "同意"));
        return (await Store.GetAsync(product.Id))!.Value;
    }

    public async Task AdmitDeveloperAsync(string? controlledBy = null, string developerId = DeveloperId)
    {
        var applied = await Admissions.ApplyAsync($"dva-{Guid.NewGuid():N}", new DeveloperAdmissionDraft(developerId, "运营机构产品开发者准入规则 v1", controlledBy is null ? "无关联关系" : "控股子公司", controlledBy), Operator());
        await Admissions.DecideAsync(applied.Value.Id, true, null, null, Authority);
    }
}

public sealed class InMemoryProductStore : IProductStore
{
    private readonly ConcurrentDictionary<string, (Product Product, string ETag)> _rows = new(StringComparer.Ordinal);

    public Task<string> AddAsync(Product product, CancellationToken cancellationToken = default)
    {
        var etag = Guid.NewGuid().ToString("N");
        return _rows.TryAdd(product.Id, (product, etag))
            ? Task.FromResult(etag)
            : throw new DomainException(FailureKind.Conflict, "product.already_exists", "exists");
    }

    public Task<Versioned<Product>?> GetAsync(string id, CancellationToken cancellationToken = default)
        => Task.FromResult(_rows.TryGetValue(id, out var row) ? new Versioned<Product>(row.Product, row.ETag) : null);

    public Task<string> ReplaceAsync(Product product, string ifMatch, CancellationToken cancellationToken = default)
    {
        if (!_rows.TryGetValue(product.Id, out var row) || row.ETag != ifMatch)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "changed");
        }

        var etag = Guid.NewGuid().ToString("N");
        _rows[product.Id] = (product, etag);
        return Task.FromResult(etag);
    }

    public Task<(IReadOnlyList<Product> Items, string? ContinuationToken)> ListAsync(string? ownerOrgId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => Task.FromResult<(IReadOnlyList<Product>, string?)>((All.Where(p => ownerOrgId is null || p.OwnerOrgId == ownerOrgId).Take(pageSize).ToList(), null));

    public Task<(IReadOnlyList<Product> Items, string? ContinuationToken)> ListPublishedAsync(ProductKind? kind, string? useCategory, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => Task.FromResult<(IReadOnlyList<Product>, string?)>((All.Where(p => p.Status == ProductStatus.Published && (kind is null || p.Kind == kind) && (useCategory is null || p.UseCategory == useCategory)).Take(pageSize).ToList(), null));

    public Task<IReadOnlyList<Product>> FindAsync(ProductQuery query, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<Product>>(All.Where(p =>
            (query.OwnerOrgId is null || p.OwnerOrgId == query.OwnerOrgId) && (query.OperatorId is null || p.OperatorId == query.OperatorId)
            && (query.AgreementId is null || p.AgreementId == query.AgreementId) && (query.Status is null || p.Status == query.Status)).ToList());

    private IEnumerable<Product> All => _rows.Values.Select(r => r.Product).OrderBy(p => p.Id, StringComparer.Ordinal);
}

public sealed class InMemoryAdmissionStore : IDeveloperAdmissionStore
{
    private readonly ConcurrentDictionary<string, (DeveloperAdmission Admission, string ETag)> _rows = new(StringComparer.Ordinal);

    public Task<string> AddAsync(DeveloperAdmission admission, CancellationToken cancellationToken = default)
    {
        var etag = Guid.NewGuid().ToString("N");
        _rows[admission.Id] = (admission, etag);
        return Task.FromResult(etag);
    }

    public Task<Versioned<DeveloperAdmission>?> GetAsync(string id, CancellationToken cancellationToken = default)
        => Task.FromResult(_rows.TryGetValue(id, out var row) ? new Versioned<DeveloperAdmission>(row.Admission, row.ETag) : null);

    public Task<string> ReplaceAsync(DeveloperAdmission admission, string ifMatch, CancellationToken cancellationToken = default)
    {
        if (_rows[admission.Id].ETag != ifMatch)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "changed");
        }

        var etag = Guid.NewGuid().ToString("N");
        _rows[admission.Id] = (admission, etag);
        return Task.FromResult(etag);
    }

    public Task<IReadOnlyList<DeveloperAdmission>> ListByDeveloperAsync(string developerId, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<DeveloperAdmission>>(_rows.Values.Select(r => r.Admission).Where(a => a.DeveloperId == developerId).ToList());
}

public sealed class InMemoryPriceCapStore : IPriceCapStore
{
    private readonly ConcurrentDictionary<ProductKind, (PriceCap Cap, string ETag)> _rows = new();

    public Task<Versioned<PriceCap>?> GetAsync(ProductKind kind, CancellationToken cancellationToken = default)
        => Task.FromResult(_rows.TryGetValue(kind, out var row) ? new Versioned<PriceCap>(row.Cap, row.ETag) : null);

    public Task<string> PutAsync(PriceCap cap, string? ifMatch, CancellationToken cancellationToken = default)
    {
        var exists = _rows.TryGetValue(cap.Kind, out var row);
        if (exists != (ifMatch is not null) || (exists && row.ETag != ifMatch))
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "changed");
        }

        var etag = Guid.NewGuid().ToString("N");
        _rows[cap.Kind] = (cap, etag);
        return Task.FromResult(etag);
    }

    public Task<IReadOnlyList<Versioned<PriceCap>>> ListAsync(CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<Versioned<PriceCap>>>(_rows.Values.Select(r => new Versioned<PriceCap>(r.Cap, r.ETag)).ToList());
}

public sealed class InMemoryUsageStore : IProductUsageStore
{
    private readonly Dictionary<(string, string, DateOnly), long> _meters = [];
    private readonly Dictionary<(string, string, string), (DateOnly Day, DateTimeOffset At, ProductCallFingerprint Call)> _calls = [];
    private readonly Lock _lock = new();

    public Task<ProductCallRecord> RecordCallAsync(string productId, string callerOrgId, DateOnly day, ProductCallFingerprint call, DateTimeOffset at, TimeSpan replayWindow, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_calls.TryGetValue((productId, callerOrgId, call.CallId), out var earlier) && earlier.At > at - replayWindow)
            {
                return Task.FromResult(new ProductCallRecord(new ProductCallMeter(productId, callerOrgId, earlier.Day, _meters[(productId, callerOrgId, earlier.Day)]), true,
                    earlier.Call.RequestHash, earlier.Call.AnswerHash));
            }

            _calls[(productId, callerOrgId, call.CallId)] = (day, at, call);
            var calls = _meters.GetValueOrDefault((productId, callerOrgId, day)) + 1;
            _meters[(productId, callerOrgId, day)] = calls;
            return Task.FromResult(new ProductCallRecord(new ProductCallMeter(productId, callerOrgId, day, calls), false));
        }
    }

    public Task<IReadOnlyList<ProductCallMeter>> ListAsync(string productId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ProductCallMeter>>(_meters.Where(m => m.Key.Item1 == productId).Select(m => new ProductCallMeter(productId, m.Key.Item2, m.Key.Item3, m.Value)).ToList());
        }
    }
}
