using System.Collections.Concurrent;
using System.Security.Cryptography;
using Moq;
using Platform.Domain.Agreements;
using Platform.Domain.Catalog;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Masking;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Oversight;
using Platform.Domain.Personnel;
using Platform.Domain.Resources;
using Platform.Domain.Secrets;
using Platform.UnitTests.Personnel;

namespace Platform.UnitTests.Resources;

public sealed class InMemoryResourceStore() : InMemoryVersionedStore<Resource>(r => r.Id, "resource"), IResourceStore
{
    public Task<string> AddAsync(Resource resource, CancellationToken cancellationToken = default) => AddCoreAsync(resource);

    public Task<Versioned<Resource>?> GetAsync(string id, CancellationToken cancellationToken = default) => GetCoreAsync(id);

    public Task<string> ReplaceAsync(Resource resource, string ifMatch, CancellationToken cancellationToken = default) => ReplaceCoreAsync(resource, ifMatch);

    public Task<(IReadOnlyList<Resource> Items, string? ContinuationToken)> ListAsync(string? providerId, ResourceStatus? status, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => Task.FromResult<(IReadOnlyList<Resource>, string?)>((All.Where(r => (providerId is null || r.ProviderId == providerId) && (status is null || r.Status == status))
            .OrderBy(r => r.Id, StringComparer.Ordinal).Take(pageSize).ToList(), null));

    public int ListAfterCalls { get; private set; }

    public Task<IReadOnlyList<Resource>> ListAfterAsync(ResourceStatus status, string? afterId, int count, CancellationToken cancellationToken = default)
    {
        ListAfterCalls++;
        return Task.FromResult<IReadOnlyList<Resource>>(All
            .Where(r => r.Status == status && (afterId is null || string.CompareOrdinal(r.Id, afterId) > 0))
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .Take(count)
            .ToList());
    }
}

public sealed class InMemoryMaskingJobStore() : InMemoryVersionedStore<MaskingJob>(j => j.Id, "masking_job"), IMaskingJobStore
{
    public int Replacements { get; private set; }

    public Task<string> AddAsync(MaskingJob job, CancellationToken cancellationToken = default) => AddCoreAsync(job);

    public Task<Versioned<MaskingJob>?> GetAsync(string id, CancellationToken cancellationToken = default) => GetCoreAsync(id);

    public Task<string> ReplaceAsync(MaskingJob job, string ifMatch, CancellationToken cancellationToken = default)
    {
        Replacements++;
        return ReplaceCoreAsync(job, ifMatch);
    }

    public async Task<IReadOnlyList<Versioned<MaskingJob>>> ListQueuedSentBeforeAsync(DateTimeOffset sentBeforeUtc, CancellationToken cancellationToken = default)
    {
        var queued = All.Where(j => j.Status == MaskingJobStatus.Queued
                                    && Platform.Domain.Jobs.QueuedJobRule.LastActivityAt(j.CreatedAt, j.RequeuedAt, j.StartedAt) < sentBeforeUtc).ToList();
        var versioned = new List<Versioned<MaskingJob>>();
        foreach (var job in queued)
        {
            versioned.Add((await GetCoreAsync(job.Id))!);
        }

        return versioned;
    }

    public async Task<IReadOnlyList<Versioned<MaskingJob>>> ListRunningAsync(CancellationToken cancellationToken = default)
    {
        var versioned = new List<Versioned<MaskingJob>>();
        foreach (var job in All.Where(j => j.Status == MaskingJobStatus.Running).ToList())
        {
            versioned.Add((await GetCoreAsync(job.Id))!);
        }

        return versioned;
    }
}

public sealed class RecordingMaskingJobQueue : IMaskingJobQueue
{
    public ConcurrentQueue<string> Sent { get; } = new();

    public Task EnqueueAsync(string jobId, CancellationToken cancellationToken = default)
    {
        Sent.Enqueue(jobId);
        return Task.CompletedTask;
    }
}

/// <summary>Files kept in memory under the data store's contract: limit while reading, SHA-256, nothing kept when refused.</summary>
public sealed class InMemoryResourceDataStore : IResourceDataStore
{
    public ConcurrentDictionary<string, byte[]> Files { get; } = new();

    public async Task<StoredData> SaveAsync(string providerId, string resourceId, Stream content, long maxBytes, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new DomainException(FailureKind.PayloadTooLarge, "resource.data_too_large", "too large");
            }

            buffer.Write(chunk, 0, read);
        }

        var name = $"{providerId}/{resourceId}/{Guid.NewGuid():N}";
        Files[name] = buffer.ToArray();
        return new StoredData(name, buffer.Length, Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray())));
    }

    public Task<Stream> OpenReadAsync(string storageName, CancellationToken cancellationToken = default)
        => Files.TryGetValue(storageName, out var bytes)
            ? Task.FromResult<Stream>(new MemoryStream(bytes, writable: false))
            : Task.FromException<Stream>(new FileNotFoundException(storageName));

    public Task DeleteAsync(string storageName, CancellationToken cancellationToken = default)
    {
        Files.TryRemove(storageName, out _);
        return Task.CompletedTask;
    }
}

public sealed class InMemoryArtifactStore : IMaskingArtifactStore
{
    public ConcurrentDictionary<string, byte[]> Outputs { get; } = new();

    public ConcurrentDictionary<string, MaskingReport> Reports { get; } = new();

    public int OutputWrites { get; private set; }

    public Task<Stream> OpenOutputWriteAsync(MaskingJob job, CancellationToken cancellationToken = default)
    {
        OutputWrites++;
        return Task.FromResult<Stream>(new CapturingStream(bytes => Outputs[job.Id] = bytes));
    }

    public Task DeleteOutputAsync(MaskingJob job, CancellationToken cancellationToken = default)
    {
        Outputs.TryRemove(job.Id, out _);
        return Task.CompletedTask;
    }

    public Task<Stream?> OpenOutputReadAsync(string jobId, DataFormat format, CancellationToken cancellationToken = default)
        => Task.FromResult<Stream?>(Outputs.TryGetValue(jobId, out var bytes) ? new MemoryStream(bytes, writable: false) : null);

    public Task WriteReportAsync(MaskingJob job, MaskingReport report, CancellationToken cancellationToken = default)
    {
        Reports[job.Id] = report;
        return Task.CompletedTask;
    }

    public Task<MaskingReport?> ReadReportAsync(string jobId, CancellationToken cancellationToken = default)
        => Task.FromResult(Reports.GetValueOrDefault(jobId));

    /// <summary>Like a blob write stream: what was written becomes visible when the stream is disposed.</summary>
    private sealed class CapturingStream(Action<byte[]> onDispose) : MemoryStream
    {
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                onDispose(ToArray());
            }

            base.Dispose(disposing);
        }
    }
}

public sealed class RecordingOutbox : INotificationOutbox
{
    public List<Notification> Sent { get; } = [];

    public Task SendAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        if (Sent.All(n => n.Id != notification.Id))
        {
            Sent.Add(notification);
        }

        return Task.CompletedTask;
    }

    public Task<(IReadOnlyList<Notification> Items, string? ContinuationToken)> ListAsync(Recipient recipient, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => Task.FromResult<(IReadOnlyList<Notification>, string?)>((Sent.Where(n => n.Recipient == recipient).ToList(), null));
}

/// <summary>The catalogue's collaborators wired together in memory, with a provider, an original provider and an operator registered.</summary>
public sealed class ResourceTestWorld
{
    public const string ProviderOrg = "org-provider";
    public const string OriginalProviderOrg = "org-original";
    public const string OperatorOrg = "org-operator";
    public const string RootKey = "unit-test-pseudonymisation-root-key-0123456789";

    public ResourceTestWorld()
    {
        var organizations = new Mock<IOrganizationStore>();
        organizations.Setup(o => o.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((Versioned<Organization>?)null);
        foreach (var (id, kind) in new[] { (ProviderOrg, OrganizationKind.Provider), (OriginalProviderOrg, OrganizationKind.Provider), (OperatorOrg, OrganizationKind.Operator) })
        {
            organizations.Setup(o => o.GetAsync(id, It.IsAny<CancellationToken>()))
                .ReturnsAsync(new Versioned<Organization>(new Organization(id, $"单位 {id}", kind, "91420100MA4K0000X0", "420100", DateTimeOffset.UnixEpoch, "seed", null), "e1"));
        }

        Agreements = new Mock<IAgreementStore>();
        Agreements.Setup(a => a.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((Versioned<Agreement>?)null);

        var secrets = new Mock<ISecretStore>();
        secrets.Setup(s => s.GetSecretAsync("pseudonymisation-root-key", It.IsAny<CancellationToken>())).ReturnsAsync(RootKey);
        secrets.Setup(s => s.GetSecretAsync(IdNumberHasher.KeySecretName, It.IsAny<CancellationToken>())).ReturnsAsync(TestSecrets.HashKey);
        Secrets = secrets.Object;

        var personnel = new PersonnelService(Personnel, organizations.Object, new IdNumberHasher(Secrets), Audit, Clock);
        Grants = new Mock<IGrantStore>();
        Grants.Setup(g => g.ListAsync(It.IsAny<string?>(), It.IsAny<int>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => ((IReadOnlyList<Grant>)GrantedResources.Select((r, i) => GrantOn($"gnt-{i}", r)).ToList(), (string?)null));
        var access = new MaskingJobAccess(Resources, Agreements.Object, Grants.Object, Suspensions.Object, Clock);
        Jobs = new MaskingJobService(JobStore, Queue, access, personnel, Artifacts, Audit, Clock, Options);
        Service = new ResourceService(Resources, Data, organizations.Object, Jobs, Audit, Outbox, Clock, Options);
    }

    // 10:00 in China on 2026-03-10.
    public FixedClock Clock { get; } = new(new DateTimeOffset(2026, 3, 10, 2, 0, 0, TimeSpan.Zero));

    public Mock<IGrantStore> Grants { get; }

    public Mock<IOperatorAccessGuard> Suspensions { get; } = new();

    /// <summary>Resources the operator's grants cover (staff may mask these only).</summary>
    public List<string> GrantedResources { get; } = [];

    private Grant GrantOn(string id, string resourceId)
        => new(id, "agr-1", "scn-1", OperatorOrg, "drq-1", ProviderOrg, [new GrantTable("t", resourceId, "表", ProviderOrg, [], "lib", "t.csv", "h", 1, 0, "msk-1")],
            Clock.UtcNow.AddDays(-1), Clock.UtcNow.AddDays(30), GrantStatus.Active, null, null);

    public ResourceOptions Options { get; } = new() { MaxUploadBytes = 64 * 1024, SampleRows = 5, SampleSeed = 7 };

    public InMemoryResourceStore Resources { get; } = new();

    public InMemoryMaskingJobStore JobStore { get; } = new();

    public InMemoryPersonnelStore Personnel { get; } = new();

    public RecordingMaskingJobQueue Queue { get; } = new();

    public InMemoryResourceDataStore Data { get; } = new();

    public InMemoryArtifactStore Artifacts { get; } = new();

    public RecordingAuditTrail Audit { get; } = new();

    public RecordingOutbox Outbox { get; } = new();

    public Mock<IAgreementStore> Agreements { get; }

    public ISecretStore Secrets { get; }

    public MaskingJobService Jobs { get; }

    public ResourceService Service { get; }

    public static Platform.Domain.Security.Caller Provider(string org = ProviderOrg) => new($"{org}-user", Platform.Domain.Security.Roles.Provider, org);

    public static Platform.Domain.Security.Caller Authority { get; } = new("authority-user", Platform.Domain.Security.Roles.Authority, "org-authority");

    public static IReadOnlyList<NewResourceField?> PeopleFields() =>
    [
        new NewResourceField("姓名", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Name, false),
        new NewResourceField("身份证号", FieldType.String, FieldClassification.SensitivePersonal, FieldGrade.Important, IdentifierKind.IdNumber, false),
        new NewResourceField("手机号", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Mobile, false),
        new NewResourceField("区县", FieldType.String, FieldClassification.Public, FieldGrade.General, null, true),
    ];

    public static NewResource NewPeopleResource(string? sharedFrom = null)
        => new("武汉市居民服务登记", "居民办理社区服务的登记信息", "民政", "每月", PeopleFields(), sharedFrom);

    public async Task<Resource> RegisterAsync(string id = "res-1", string? sharedFrom = null)
        => (await Service.RegisterAsync(id, NewPeopleResource(sharedFrom), Provider())).Value;

    public async Task<Resource> UploadAsync(string id, string csv)
        => (await Service.UploadDataAsync(id, new DataUpload(DataFormat.Csv, InputEncoding.Auto, "text/csv", new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv))), null, Provider())).Value;
}
