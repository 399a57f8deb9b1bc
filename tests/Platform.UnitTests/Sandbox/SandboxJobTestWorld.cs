using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Platform.Domain.Agreements;
using Platform.Domain.Approvals;
using Platform.UnitTests.Approvals;
using Platform.Domain.Catalog;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Masking;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Oversight;
using Platform.Domain.Personnel;
using Platform.Domain.Resources;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;
using Platform.Functions.Sandbox;
using Platform.UnitTests.Personnel;
using Platform.UnitTests.Resources;

namespace Platform.UnitTests.Sandbox;

public sealed class InMemoryBudgetStore : ISandboxBudgetStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Grant, DateOnly Day, int Slot), string> _slots = new();

    public Task<int> CountAsync(string grantId, DateOnly day, CancellationToken cancellationToken = default) =>
        Task.FromResult(_slots.Keys.Count(k => k.Grant == grantId && k.Day == day));

    public Task<bool> TryReserveAsync(string grantId, DateOnly day, int slot, string jobId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_slots.GetOrAdd((grantId, day, slot), jobId) == jobId);
}

public sealed class InMemoryNoiseBudgetStore : ISandboxNoiseBudgetStore
{
    private readonly ConcurrentDictionary<(string Grant, int Slot), SandboxNoiseSpend> _spends = new();

    public Task<IReadOnlyList<SandboxNoiseSpend>> ListAsync(string grantId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SandboxNoiseSpend>>(_spends.Where(e => e.Key.Grant == grantId).Select(e => e.Value).OrderBy(s => s.Slot).ToList());

    public Task<bool> TryReserveAsync(string grantId, SandboxNoiseSpend spend, CancellationToken cancellationToken = default) =>
        Task.FromResult(_spends.GetOrAdd((grantId, spend.Slot), spend).JobId == spend.JobId);
}

public sealed class InMemoryCellFingerprintStore : ISandboxCellFingerprintStore
{
    public ConcurrentDictionary<string, ConcurrentDictionary<CellFingerprint, bool>> Cells { get; } = new();

    public Task<IReadOnlyList<CellFingerprint>> ListAsync(string grantId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<CellFingerprint>>(Cells.TryGetValue(grantId, out var cells) ? cells.Keys.Where(c => keys.Contains(c.Key)).ToList() : []);

    public Task AddAsync(string grantId, IReadOnlyList<CellFingerprint> cells, CancellationToken cancellationToken = default)
    {
        var stored = Cells.GetOrAdd(grantId, _ => new());
        foreach (var cell in cells)
        {
            stored[cell] = true;
        }

        return Task.CompletedTask;
    }
}

public sealed class InMemoryReleaseControlStore : ISandboxReleaseControlStore
{
    private readonly ConcurrentDictionary<string, Versioned<SandboxReleaseControl>> _controls = new();
    private int _version;

    public Task<Versioned<SandboxReleaseControl>?> GetAsync(string grantId, CancellationToken cancellationToken = default)
        => Task.FromResult(_controls.GetValueOrDefault(grantId));

    public Task<string> SaveAsync(SandboxReleaseControl control, string? ifMatch, CancellationToken cancellationToken = default)
    {
        var current = _controls.GetValueOrDefault(control.GrantId);
        if ((ifMatch is null && current is not null) || (ifMatch is not null && current?.ETag != ifMatch))
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "changed");
        }

        var etag = $"v{Interlocked.Increment(ref _version)}";
        _controls[control.GrantId] = new Versioned<SandboxReleaseControl>(control, etag);
        return Task.FromResult(etag);
    }
}

public sealed class InMemorySandboxJobStore() : InMemoryVersionedStore<SandboxJob>(j => j.Id, "sandbox_job"), ISandboxJobStore
{
    /// <summary>Runs before each replacement is applied, so a test can change the record under the writer's feet.</summary>
    public Func<SandboxJob, Task>? BeforeReplace { get; set; }

    public Task<string> AddAsync(SandboxJob job, CancellationToken cancellationToken = default) => AddCoreAsync(job);

    public Task<Versioned<SandboxJob>?> GetAsync(string id, CancellationToken cancellationToken = default) => GetCoreAsync(id);

    public async Task<string> ReplaceAsync(SandboxJob job, string ifMatch, CancellationToken cancellationToken = default)
    {
        if (BeforeReplace is { } hook)
        {
            BeforeReplace = null;
            await hook(job);
        }

        return await ReplaceCoreAsync(job, ifMatch);
    }

    public Task<IReadOnlyList<SandboxJob>> ListActiveByOrganizationAsync(string organizationId, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<SandboxJob>>(All.Where(j => j.OrganizationId == organizationId && SandboxJobRules.IsStoppable(j.Status)).ToList());

    public Task<IReadOnlyList<SandboxJob>> ListActiveByAgreementAsync(string agreementId, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<SandboxJob>>(All.Where(j => j.AgreementId == agreementId && SandboxJobRules.IsStoppable(j.Status)).ToList());

    public Task<IReadOnlyList<SandboxJobActivity>> ListSubmittedBetweenAsync(string? organizationId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<SandboxJobActivity>>(All.Where(j => (organizationId is null || j.OrganizationId == organizationId) && j.SubmittedAt >= fromUtc && j.SubmittedAt < toUtc).Select(SandboxJobActivity.Of).ToList());

    public Task<IReadOnlyList<SandboxJob>> ListReleasedAsync(CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<SandboxJob>>(All.Where(j => j.Status == SandboxJobStatus.Released).ToList());

    public async Task<IReadOnlyList<Versioned<SandboxJob>>> ListQueuedSentBeforeAsync(DateTimeOffset sentBeforeUtc, CancellationToken cancellationToken = default)
    {
        var queued = All.Where(j => j.Status == SandboxJobStatus.Queued
                                    && Platform.Domain.Jobs.QueuedJobRule.LastActivityAt(j.SubmittedAt, j.RequeuedAt, j.StartedAt) < sentBeforeUtc).ToList();
        var versioned = new List<Versioned<SandboxJob>>();
        foreach (var job in queued)
        {
            versioned.Add((await GetCoreAsync(job.Id))!);
        }

        return versioned;
    }

    public async Task<IReadOnlyList<Versioned<SandboxJob>>> ListRunningAsync(CancellationToken cancellationToken = default)
    {
        var versioned = new List<Versioned<SandboxJob>>();
        foreach (var job in All.Where(j => j.Status == SandboxJobStatus.Running).ToList())
        {
            versioned.Add((await GetCoreAsync(job.Id))!);
        }

        return versioned;
    }

    public SandboxJob Job(string id) => GetCoreAsync(id).Result!.Value;
}

public sealed class RecordingSandboxJobQueue : ISandboxJobQueue
{
    public ConcurrentQueue<string> Sent { get; } = new();

    public Task EnqueueAsync(string jobId, CancellationToken cancellationToken = default)
    {
        Sent.Enqueue(jobId);
        return Task.CompletedTask;
    }
}

public sealed class InMemorySandboxResultStore : ISandboxResultStore
{
    public ConcurrentDictionary<string, SandboxResultDocument> Results { get; } = new();

    public Task WriteAsync(SandboxResultDocument result, CancellationToken cancellationToken = default)
    {
        Results[result.JobId] = result;
        return Task.CompletedTask;
    }

    public Task<Stream?> OpenCsvAsync(string jobId, CancellationToken cancellationToken = default)
        => Task.FromResult<Stream?>(Results.TryGetValue(jobId, out var result) ? new MemoryStream(ResultCsv.ToBytes(result.Columns, result.Rows)) : null);

    public Task<SandboxResultDocument?> ReadAsync(string jobId, CancellationToken cancellationToken = default)
        => Task.FromResult(Results.GetValueOrDefault(jobId));

    public async Task<SandboxResultFile?> OpenParquetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        if (!Results.TryGetValue(jobId, out var result))
        {
            return null;
        }

        var path = Path.Combine(Path.GetTempPath(), $"unit-result-{Guid.NewGuid():N}.parquet");
        try
        {
            await Platform.Adapters.Sandbox.ResultParquet.WriteAsync(result, path, cancellationToken);
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            return new SandboxResultFile(new MemoryStream(bytes), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    public Task DeleteAsync(string jobId, CancellationToken cancellationToken = default)
    {
        Results.TryRemove(jobId, out _);
        return Task.CompletedTask;
    }
}

public sealed class InMemoryGrantStore() : InMemoryVersionedStore<Grant>(g => g.Id, "grant"), IGrantStore
{
    public Task<string> AddAsync(Grant grant, CancellationToken cancellationToken = default) => AddCoreAsync(grant);

    public Task<Versioned<Grant>?> GetAsync(string id, CancellationToken cancellationToken = default) => GetCoreAsync(id);

    public Task<string> ReplaceAsync(Grant grant, string ifMatch, CancellationToken cancellationToken = default) => ReplaceCoreAsync(grant, ifMatch);

    public Task<(IReadOnlyList<Grant> Items, string? ContinuationToken)> ListAsync(string? operatorId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => Task.FromResult<(IReadOnlyList<Grant>, string?)>((All.Where(g => operatorId is null || g.OperatorId == operatorId).ToList(), null));

    public Task<IReadOnlyList<Grant>> ListByAgreementAsync(string agreementId, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<Grant>>(All.Where(g => g.AgreementId == agreementId).ToList());

    public Task<IReadOnlyList<Grant>> ListIssuedBetweenAsync(string? operatorId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<Grant>>(All.Where(g => (operatorId is null || g.OperatorId == operatorId) && g.IssuedAt >= fromUtc && g.IssuedAt < toUtc).ToList());
}

public sealed class InMemoryLibrary : IAuthorizedDataLibrary
{
    public ConcurrentDictionary<string, byte[]> Files { get; } = new();

    public Task<LibraryCopyResult> WriteAsync(string container, string blobPath, Func<Stream, CancellationToken, Task<LibraryCopyResult>> write, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("Sandbox jobs only read the library.");

    public Task<Stream> OpenReadAsync(string container, string blobPath, CancellationToken cancellationToken = default)
        => Files.TryGetValue($"{container}/{blobPath}", out var bytes)
            ? Task.FromResult<Stream>(new MemoryStream(bytes, writable: false))
            : Task.FromException<Stream>(new FileNotFoundException(blobPath));
}

/// <summary>Suspension as a set the test changes.</summary>
public sealed class SwitchableAccessGuard : IOperatorAccessGuard
{
    public ConcurrentDictionary<string, bool> Suspended { get; } = new();

    public Task EnsureNotSuspendedAsync(string operatorId, CancellationToken cancellationToken = default)
        => Suspended.ContainsKey(operatorId)
            ? Task.FromException(new DomainException(FailureKind.Forbidden, "operator.suspended", "The operator is suspended."))
            : Task.CompletedTask;
}

/// <summary>An engine that runs until it is cancelled, so a test can stop a running job.</summary>
public sealed class BlockingEngine : ISandboxEngine
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Runs { get; private set; }

    public async Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken)
    {
        Runs++;
        Started.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("Unreachable.");
    }
}

/// <summary>
/// The sandbox's collaborators wired together in memory: operator <see cref="OperatorOrg"/> with a live agreement, one
/// grant over a people table (personal name, public district, age) and its masked sample, a cleared and an uncleared
/// staff member.
/// </summary>
public sealed class SandboxJobTestWorld
{
    public const string OperatorOrg = "org-operator";
    public const string OtherOrg = "org-other";
    public const string AgreementId = "agr-1";
    public const string GrantId = "grt-1";
    public const string TableName = "t_people";
    public const string SampleJobId = "msk-sample";
    public const string Container = "library-agr-1";
    public const string BlobPath = "drq-1/res-1.csv";
    public const string ClearedStaff = "stf-cleared";
    public const string UnclearedStaff = "stf-new";

    /// <summary>District → people: 武昌区 25, 江岸区 12, 洪山区 5 (under k = 10).</summary>
    public static readonly IReadOnlyDictionary<string, int> Districts = new Dictionary<string, int> { ["武昌区"] = 25, ["江岸区"] = 12, ["洪山区"] = 5 };

    public SandboxJobTestWorld()
    {
        var organizations = new Mock<IOrganizationStore>();
        Agreements.Setup(a => a.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((Versioned<Agreement>?)null);
        SetAgreement(AgreementStatus.Active);
        Personnel = new PersonnelService(Staff, organizations.Object, new IdNumberHasher(TestSecrets.WithHashKey()), Audit, Clock);
        Grants = new GrantService(GrantStore, Agreements.Object, Guard, Clock);
        Service = new SandboxJobService(Jobs, Queue, Results, Grants, Personnel, new SandboxFullJobBudgets(ReleaseControls, new SandboxBudget(BudgetSlots, Options, Clock),
            new SandboxNoiseBudget(ReleaseControls, NoiseSpends)), Audit, Clock);
        Canceller = new SandboxJobCanceller(Jobs, Audit, Clock, Results);
        var linkSettings = new ApprovalLinkSettings(ApprovalLinkSettings.DefaultActiveKeyId, [], TimeSpan.FromDays(30), "https://data.example.cn");
        var signer = new ApprovalLinkSigner(new DictionarySecretStore(new Dictionary<string, string> { [ApprovalLinkSettings.DefaultActiveKeyId] = new string('k', 48) }), linkSettings, Clock);
        Approvals = new ApprovalService(ApprovalStore, signer, Audit, Clock, [new SandboxReleaseApprovalSubject(Jobs)]);
        ReleaseReview = new SandboxReleaseReview(ReleaseControls, Jobs, Results, Approvals, linkSettings, Outbox, Audit, Clock);

        AddStaff(ClearedStaff, OperatorOrg, cleared: true);
        AddStaff(UnclearedStaff, OperatorOrg, cleared: false);
        AddStaff("stf-colleague", OperatorOrg, cleared: true);
        GrantStore.AddCoreAsync(NewGrant(GrantId, OperatorOrg)).Wait();
        GrantStore.AddCoreAsync(NewGrant("grt-other", OtherOrg)).Wait();
        Library.Files[$"{Container}/{BlobPath}"] = Encoding.UTF8.GetBytes(LibraryCsv());
        MaskingJobs.AddCoreAsync(SampleJob(MaskingJobStatus.Succeeded)).Wait();
        Artifacts.Outputs[SampleJobId] = Encoding.UTF8.GetBytes("name,district,age\r\n张**,武昌区,34\r\n李*,江岸区,41\r\n王**,洪山区,29\r\n");
    }

    // 10:00 in China on 2026-03-10.
    public FixedClock Clock { get; } = new(new DateTimeOffset(2026, 3, 10, 2, 0, 0, TimeSpan.Zero));

    public InMemorySandboxJobStore Jobs { get; } = new();

    public InMemoryReleaseControlStore ReleaseControls { get; } = new();

    public InMemoryBudgetStore BudgetSlots { get; } = new();

    public InMemoryNoiseBudgetStore NoiseSpends { get; } = new();

    public InMemoryCellFingerprintStore CellFingerprintStore { get; } = new();

    public InMemoryApprovalStore ApprovalStore { get; } = new();

    public ApprovalService Approvals { get; }

    public RecordingOutbox Outbox { get; } = new();

    public SandboxReleaseReview ReleaseReview { get; }

    public const string RootKey = "unit-test-pseudonymisation-root-key-0123456789abcdef";

    /// <summary>The per-grant fingerprint keys (issue 14 item 7), from a root key in a fake secret store.</summary>
    public ResultFingerprintKeys FingerprintKeys { get; } = new(FingerprintSecrets());

    private static Platform.Domain.Secrets.ISecretStore FingerprintSecrets()
    {
        var secrets = new Mock<Platform.Domain.Secrets.ISecretStore>();
        secrets.Setup(s => s.GetSecretAsync(Platform.Domain.Masking.MaskingJobExecutor.RootKeySecretName, It.IsAny<CancellationToken>())).ReturnsAsync(RootKey);
        return secrets.Object;
    }

    public RecordingSandboxJobQueue Queue { get; } = new();

    public InMemorySandboxResultStore Results { get; } = new();

    public InMemoryGrantStore GrantStore { get; } = new();

    public InMemoryLibrary Library { get; } = new();

    public InMemoryMaskingJobStore MaskingJobs { get; } = new();

    public InMemoryArtifactStore Artifacts { get; } = new();

    public InMemoryPersonnelStore Staff { get; } = new();

    public SwitchableAccessGuard Guard { get; } = new();

    public RecordingAuditTrail Audit { get; } = new();

    public Mock<IAgreementStore> Agreements { get; } = new();

    public PersonnelService Personnel { get; }

    public GrantService Grants { get; }

    public SandboxJobService Service { get; }

    public SandboxJobCanceller Canceller { get; }

    public SandboxJobOptions Options { get; } = new() { CancellationPollSeconds = 0.05, TimeoutSeconds = 20 };

    public static Caller StaffCaller(string staffId = ClearedStaff, string org = OperatorOrg) => new(staffId, Roles.Personnel, org);

    public static IReadOnlyList<GrantField> Fields { get; } =
    [
        new("name", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Name),
        new("district", FieldType.String, FieldClassification.Public, FieldGrade.General, null),
        new("age", FieldType.Integer, FieldClassification.Public, FieldGrade.General, null),
    ];

    /// <summary>The library copy: one row per person, ages 20 + i % 40.</summary>
    public static string LibraryCsv()
    {
        var csv = new StringBuilder("name,district,age\r\n");
        var i = 0;
        foreach (var (district, count) in Districts)
        {
            for (var n = 0; n < count; n++, i++)
            {
                csv.Append($"居民{i:D3},{district},{20 + (i % 40)}\r\n");
            }
        }

        return csv.ToString();
    }

    public SandboxJobExecutor Runner(ISandboxEngine? engine = null)
        => new(Jobs, new SandboxRunPreconditions(Personnel, Grants),
            new SandboxStatementRunner(Jobs, Grants, Library, MaskingJobs, Artifacts, engine ?? new Platform.Adapters.Sandbox.SandboxEngine(), Options, NullLogger<SandboxStatementRunner>.Instance),
            new SandboxJobOutcomeRecorder(Jobs, Canceller, Results, Audit, Clock, new SandboxReleaseGuard(FingerprintKeys, CellFingerprintStore, Options), ReleaseReview, NullLogger<SandboxJobOutcomeRecorder>.Instance),
            Clock, Options, NullLogger<SandboxJobExecutor>.Instance);

    public Task<Versioned<SandboxJob>> SubmitAsync(string id, string sql, string mode = "full", Caller? caller = null)
        => Service.SubmitAsync(id, new NewSandboxJob(GrantId, mode, sql), caller ?? StaffCaller());

    public void SetAgreement(AgreementStatus status)
    {
        var agreement = new Agreement(AgreementId, "pln-1", OperatorOrg, SelectionMethod.PublicTender, "纪要", new DateOnly(2026, 1, 1), new DateOnly(2030, 12, 31),
            DateTimeOffset.UnixEpoch, status, new DateOnly(2026, 2, 1), null, false, [], [], null, null, "authority-user");
        Agreements.Setup(a => a.GetAsync(AgreementId, It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<Agreement>(agreement, "e1"));
    }

    public async Task RevokeGrantAsync()
    {
        var current = (await GrantStore.GetCoreAsync(GrantId))!;
        await GrantStore.ReplaceCoreAsync(GrantRules.Revoke(current.Value, "协议终止", Clock.UtcNow), current.ETag);
    }

    public MaskingJob SampleJob(MaskingJobStatus status) => new(
        SampleJobId, "res-1", "org-provider", MaskingJobOrigin.Request, MaskingPurpose.Sample, SamplingPlan.Rows(100), 7, null, DataFormat.Csv, "sha", status,
        Clock.UtcNow, "system", Roles.System, OperatorOrg);

    private Grant NewGrant(string id, string operatorId) => new(
        id, AgreementId, "scn-1", operatorId, "drq-1", "org-provider",
        [new GrantTable(TableName, "res-1", "武汉市居民服务登记", "org-provider", Fields, Container, BlobPath, "copy-sha256", 42, 0, SampleJobId)],
        Clock.UtcNow.AddDays(-1), new DateTimeOffset(2030, 12, 31, 16, 0, 0, TimeSpan.Zero), GrantStatus.Active, null, null);

    private void AddStaff(string id, string org, bool cleared)
    {
        var staff = new StaffMember(id, org, "张伟", $"hash-{id}", "420***********1234", true, cleared ? FilingState.Filed : FilingState.Pending,
            cleared ? new StaffFilingDecision(FilingDecision.Approve, null, Clock.UtcNow, "authority-user") : null,
            cleared ? new NdaRecord("NDA-1", new DateOnly(2026, 1, 5), Clock.UtcNow, "operator-user") : null,
            Clock.UtcNow, "operator-user");
        Staff.AddCoreAsync(staff).Wait();
    }
}
