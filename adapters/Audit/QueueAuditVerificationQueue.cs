using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using Platform.Adapters.Storage;
using Platform.Domain.Audit;

namespace Platform.Adapters.Audit;

/// <summary>The message the full audit verification worker reads from <c>Audit:VerificationQueue</c>.</summary>
public sealed record AuditVerificationMessage(string VerificationId);

/// <summary>Hands a full verification to the queue-triggered worker (issue 20 item 3).</summary>
public sealed class QueueAuditVerificationQueue(QueueServiceClient queues, IOptions<AuditOptions> options) : IAuditVerificationQueue
{
    private readonly JsonQueueSender _sender = new(queues, options.Value.VerificationQueue);

    public Task EnqueueAsync(string verificationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(verificationId);
        return _sender.SendAsync(new AuditVerificationMessage(verificationId), cancellationToken);
    }
}
