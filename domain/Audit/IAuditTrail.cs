using Platform.Domain.Security;

namespace Platform.Domain.Audit;

/// <summary>The one line features call to record a change in the audit log (M5.3).</summary>
public interface IAuditTrail
{
    /// <summary>Appends "<paramref name="actor"/> did <paramref name="action"/> to <paramref name="target"/>"; the payload is stored only as its hash.</summary>
    Task<AuditEntry> RecordAsync(Caller actor, string action, string target, object? payload = null, CancellationToken ct = default);
}

public sealed class AuditTrail(IAuditLog log) : IAuditTrail
{
    public Task<AuditEntry> RecordAsync(Caller actor, string action, string target, object? payload = null, CancellationToken ct = default) =>
        log.AppendAsync(new AuditRecord(actor, action, target, payload), ct);
}
