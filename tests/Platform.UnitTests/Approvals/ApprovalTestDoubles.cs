using System.Collections.Concurrent;
using Platform.Domain.Approvals;
using Platform.Domain.Audit;
using Platform.Domain.Notifications;
using Platform.Domain.Secrets;
using Platform.Domain.Security;
using Platform.Domain.Workflows;

namespace Platform.UnitTests.Approvals;

/// <summary>The approval store's contract in memory: a claim is an insert that only the first caller wins.</summary>
public sealed class InMemoryApprovalStore : IApprovalStore
{
    private readonly ConcurrentDictionary<(string, string), ApprovalSlot> _slots = new();

    public ConcurrentDictionary<(string, string), ApprovalClaim> Claims { get; } = new();

    public Task AddSlotAsync(ApprovalSlot slot, CancellationToken cancellationToken = default)
    {
        _slots.TryAdd((slot.InstanceId, slot.Slot), slot);
        return Task.CompletedTask;
    }

    public Task<ApprovalSlot?> GetSlotAsync(string instanceId, string slot, CancellationToken cancellationToken = default)
        => Task.FromResult(_slots.GetValueOrDefault((instanceId, slot)));

    public async Task<bool> TryClaimAsync(ApprovalClaim claim, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return Claims.TryAdd((claim.InstanceId, claim.Slot), claim);
    }

    public Task<ApprovalClaim?> GetClaimAsync(string instanceId, string slot, CancellationToken cancellationToken = default)
        => Task.FromResult(Claims.GetValueOrDefault((instanceId, slot)));
}

public sealed class ConcurrentAuditTrail : IAuditTrail
{
    public ConcurrentQueue<AuditRecord> Records { get; } = new();

    public IReadOnlyList<string> Actions => Records.Select(r => r.Action).ToList();

    public Task<AuditEntry> RecordAsync(Caller actor, string action, string target, object? payload = null, CancellationToken ct = default)
    {
        Records.Enqueue(new AuditRecord(actor, action, target, payload));
        return Task.FromResult(new AuditEntry(Records.Count, DateTimeOffset.UnixEpoch, actor.Subject, actor.Role, actor.Organization, action, target, "", "", ""));
    }
}

public sealed class DictionarySecretStore(Dictionary<string, string> secrets) : ISecretStore
{
    public List<string> Requested { get; } = [];

    public Task<string> GetSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        Requested.Add(name);
        return secrets.TryGetValue(name, out var value) ? Task.FromResult(value) : Task.FromException<string>(new SecretNotFoundException(name));
    }
}

/// <summary>Records raised events; answers as a running (or, when told, finished) instance would.</summary>
public sealed class RecordingWorkflowGateway(bool instanceRunning = true) : IWorkflowGateway
{
    public ConcurrentQueue<(string InstanceId, string EventName, object Payload)> Raised { get; } = new();

    public List<(string Orchestrator, string InstanceId, object Input)> Started { get; } = [];

    public Task StartAsync(string orchestratorName, string instanceId, object input, CancellationToken cancellationToken = default)
    {
        if (!Started.Any(s => s.InstanceId == instanceId))
        {
            Started.Add((orchestratorName, instanceId, input));
        }

        return Task.CompletedTask;
    }

    public Task<bool> RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken = default)
    {
        if (instanceRunning)
        {
            Raised.Enqueue((instanceId, eventName, payload));
        }

        return Task.FromResult(instanceRunning);
    }
}

/// <summary>A subject that scores two criteria, enough to exercise the rules.</summary>
public sealed class FixedSubject : IApprovalSubjectSource
{
    public static readonly IReadOnlyList<ApprovalCriterion> Criteria = [new("necessity", "必要性", "所需数据是否必要"), new("socialValue", "社会价值", "社会效益")];

    public string SubjectKind => "test";

    public Task<ApprovalSubjectFacts> DescribeAsync(ApprovalSlot slot, CancellationToken cancellationToken = default)
        => Task.FromResult(new ApprovalSubjectFacts("测试评审", "是否同意？", [new("名称", "测试")], [], Criteria));

    public static ApprovalSlot Slot(string instanceId = "scenario-review-scn-1-r1", string slot = "provider-org-1", string reviewer = "org-1")
        => new(instanceId, slot, Recipient.Organization(reviewer), Roles.Provider, "test", "scn-1", 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(5));
}
