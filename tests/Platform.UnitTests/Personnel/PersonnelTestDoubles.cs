using System.Collections.Concurrent;
using Moq;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Personnel;
using Platform.Domain.Plans;
using Platform.Domain.Secrets;
using Platform.Domain.Time;

namespace Platform.UnitTests.Personnel;

public sealed class FixedClock(DateTimeOffset now) : IClock
{
    public DateTimeOffset UtcNow { get; set; } = now;
}

/// <summary>Records every audited change so tests can assert what was recorded.</summary>
public sealed class RecordingAuditTrail : IAuditTrail
{
    public List<AuditRecord> Records { get; } = [];

    public Task<AuditEntry> RecordAsync(Platform.Domain.Security.Caller actor, string action, string target, object? payload = null, CancellationToken ct = default)
    {
        Records.Add(new AuditRecord(actor, action, target, payload));
        return Task.FromResult(new AuditEntry(Records.Count, DateTimeOffset.UnixEpoch, actor.Subject, actor.Role, actor.Organization, action, target, "", "", ""));
    }
}

/// <summary>Keeps records in memory with the Table store's contract: ETags change on every write, stale ones are refused.</summary>
public class InMemoryVersionedStore<T>(Func<T, string> idOf, string kind)
    where T : class
{
    private readonly ConcurrentDictionary<string, Versioned<T>> _records = new();
    private int _version;

    public IReadOnlyCollection<T> All => _records.Values.Select(v => v.Value).ToList();

    public Task<string> AddCoreAsync(T record)
    {
        var etag = NextETag();
        if (!_records.TryAdd(idOf(record), new Versioned<T>(record, etag)))
        {
            throw new DomainException(FailureKind.Conflict, $"{kind}.already_exists", "exists");
        }

        return Task.FromResult(etag);
    }

    public Task<Versioned<T>?> GetCoreAsync(string id) => Task.FromResult(_records.GetValueOrDefault(id));

    public Task<string> ReplaceCoreAsync(T record, string ifMatch)
    {
        var id = idOf(record);
        if (!_records.TryGetValue(id, out var current) || current.ETag != ifMatch)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "stale");
        }

        var etag = NextETag();
        _records[id] = new Versioned<T>(record, etag);
        return Task.FromResult(etag);
    }

    private string NextETag() => $"W/\"v{Interlocked.Increment(ref _version)}\"";
}

public sealed class InMemoryPersonnelStore() : InMemoryVersionedStore<StaffMember>(s => s.Id, "personnel"), IPersonnelStore
{
    public Task<string> AddAsync(StaffMember staff, CancellationToken cancellationToken = default)
    {
        if (All.Any(s => s.OrgId == staff.OrgId && s.IdNumberHash == staff.IdNumberHash))
        {
            throw new DomainException(FailureKind.Conflict, "personnel.duplicate", "duplicate");
        }

        return AddCoreAsync(staff);
    }

    public Task<Versioned<StaffMember>?> GetAsync(string id, CancellationToken cancellationToken = default) => GetCoreAsync(id);

    public Task<string> ReplaceAsync(StaffMember staff, string ifMatch, CancellationToken cancellationToken = default) => ReplaceCoreAsync(staff, ifMatch);

    public Task<(IReadOnlyList<StaffMember> Items, string? ContinuationToken)> QueryAsync(string? orgId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => Task.FromResult<(IReadOnlyList<StaffMember>, string?)>((All.Where(s => orgId is null || s.OrgId == orgId).OrderBy(s => s.Id).Take(pageSize).ToList(), null));
}

public sealed class InMemoryPlanStore() : InMemoryVersionedStore<Plan>(p => p.Id, "plan"), IPlanStore
{
    public Task<string> AddAsync(Plan plan, CancellationToken cancellationToken = default) => AddCoreAsync(plan);

    public Task<Versioned<Plan>?> GetAsync(string id, CancellationToken cancellationToken = default) => GetCoreAsync(id);

    public Task<string> ReplaceAsync(Plan plan, string ifMatch, CancellationToken cancellationToken = default) => ReplaceCoreAsync(plan, ifMatch);

    public Task<(IReadOnlyList<Plan> Items, string? ContinuationToken)> QueryAsync(PlanStatus? status, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => Task.FromResult<(IReadOnlyList<Plan>, string?)>((All.Where(p => status is null || p.Status == status).OrderBy(p => p.Id).Take(pageSize).ToList(), null));
}

public static class TestSecrets
{
    public const string HashKey = "unit-test-personnel-id-hash-key-0123456789abcdef";

    public static ISecretStore WithHashKey(string key = HashKey)
    {
        var secrets = new Mock<ISecretStore>();
        secrets.Setup(s => s.GetSecretAsync(IdNumberHasher.KeySecretName, It.IsAny<CancellationToken>())).ReturnsAsync(key);
        return secrets.Object;
    }
}
