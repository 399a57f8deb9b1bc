using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Platform.Domain.Secrets;

namespace Platform.Domain.Audit;

/// <summary>
/// A signed statement "the chain up to entry <see cref="Sequence"/>, whose hash is <see cref="Hash"/>, verified at
/// <see cref="CreatedAt"/>", written after a verification (issue 20 item 3). Later verifications start from it instead of
/// from the genesis. The signature is HMAC-SHA256 under the Key Vault secret <see cref="KeyId"/>, so a row written
/// around the platform (straight into the table) does not verify.
/// </summary>
public sealed record AuditCheckpoint(long Sequence, string Hash, DateTimeOffset CreatedAt, string KeyId, string Signature)
{
    public AuditHead Head => new(Sequence, Hash);
}

/// <summary>The full verification that runs in the background: queued, running, then completed with its result.</summary>
public sealed record FullAuditVerification(
    string Id,
    FullAuditVerificationState State,
    DateTimeOffset RequestedAt,
    string RequestedBy,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? CompletedAt = null,
    AuditVerification? Result = null);

public enum FullAuditVerificationState
{
    Queued,
    Running,
    Completed,
}

/// <summary>Checkpoints and the background verification's record, kept beside the chain.</summary>
public interface IAuditCheckpointStore
{
    Task<AuditCheckpoint?> GetLastCheckpointAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a checkpoint; storing the same sequence twice is harmless.</summary>
    Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>
    /// Verifies the chain from <paramref name="start"/> (an entry a checkpoint vouches for) to the head: that entry must still
    /// be there with that hash, and every later one must verify and link.
    /// </summary>
    Task<AuditVerification> VerifyFromAsync(AuditHead start, CancellationToken cancellationToken = default);

    Task<FullAuditVerification?> GetFullVerificationAsync(CancellationToken cancellationToken = default);

    Task SaveFullVerificationAsync(FullAuditVerification verification, CancellationToken cancellationToken = default);
}

/// <summary>Hands a full verification to the background worker.</summary>
public interface IAuditVerificationQueue
{
    Task EnqueueAsync(string verificationId, CancellationToken cancellationToken = default);
}

/// <summary>Signs and checks checkpoints with the Key Vault secret named <paramref name="keyName"/>.</summary>
public sealed class AuditCheckpointSigner(ISecretStore secrets, string keyName)
{
    public const string DefaultKeyName = "audit-checkpoint-key";
    public const int MinimumKeyLength = 32;
    private const string Purpose = "audit-checkpoint-v1";

    public async Task<AuditCheckpoint> SignAsync(AuditHead head, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(head);
        var unsigned = new AuditCheckpoint(head.Sequence, head.Hash, at.ToUniversalTime(), keyName, "");
        return unsigned with { Signature = Convert.ToHexStringLower(HMACSHA256.HashData(await KeyAsync(keyName, cancellationToken), Canonical(unsigned))) };
    }

    /// <summary>True when the checkpoint carries the signature of its fields under its key.</summary>
    public async Task<bool> VerifyAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!string.Equals(checkpoint.KeyId, keyName, StringComparison.Ordinal))
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(checkpoint.Signature);
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(await KeyAsync(checkpoint.KeyId, cancellationToken), Canonical(checkpoint));
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private static byte[] Canonical(AuditCheckpoint checkpoint) => Encoding.UTF8.GetBytes(string.Join('\n',
        Purpose,
        checkpoint.Sequence.ToString(CultureInfo.InvariantCulture),
        checkpoint.Hash,
        AuditChain.FormatTime(checkpoint.CreatedAt),
        checkpoint.KeyId));

    private async Task<byte[]> KeyAsync(string name, CancellationToken cancellationToken)
    {
        var key = await secrets.GetSecretAsync(name, cancellationToken);
        if (key.Length < MinimumKeyLength)
        {
            throw new InvalidOperationException($"Secret '{name}' must hold at least {MinimumKeyLength} characters to sign audit checkpoints.");
        }

        return Encoding.UTF8.GetBytes(key);
    }
}

/// <summary>How often verifications leave a checkpoint: once at least <see cref="CheckpointInterval"/> entries verified past the last one.</summary>
public sealed record AuditVerificationSettings(long CheckpointInterval)
{
    public static readonly AuditVerificationSettings Default = new(10_000);
}

/// <summary>
/// Verification of the audit chain that does not grow with it (issue 20 item 3; M5.3 supervision of a tamper-evident log): the route verifies from the
/// last verified, signed checkpoint to the head, and leaves a new checkpoint when enough entries verified past it; the full
/// walk from the genesis runs as a background job (<see cref="RequestFullAsync"/> → queue → <see cref="RunFullAsync"/>),
/// and its latest result is part of every answer — a break it found keeps the chain reported invalid until a later full
/// run verifies.
/// </summary>
public sealed class AuditVerificationService(
    IAuditLog log,
    IAuditCheckpointStore checkpoints,
    AuditCheckpointSigner signer,
    IAuditVerificationQueue queue,
    IAuditTrail audit,
    Time.IClock clock,
    AuditVerificationSettings settings)
{
    public const string IncrementalMode = "incremental";
    public const string FullMode = "full";

    /// <summary>A full verification still queued or running after this long is taken as lost (its message went to the poison queue).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);

    public async Task<AuditVerification> GetAsync(CancellationToken cancellationToken = default)
    {
        var checkpoint = await checkpoints.GetLastCheckpointAsync(cancellationToken);
        AuditVerification recent;
        if (checkpoint is not null && !await signer.VerifyAsync(checkpoint, cancellationToken))
        {
            recent = new AuditVerification(false, 0, checkpoint.Sequence,
                $"The checkpoint at entry {checkpoint.Sequence} does not carry the platform's signature: it was written around the log.", null);
        }
        else
        {
            recent = checkpoint is null ? await log.VerifyAsync(cancellationToken) : await checkpoints.VerifyFromAsync(checkpoint.Head, cancellationToken);
            await CheckpointAsync(recent, checkpoint, cancellationToken);
        }

        var full = await checkpoints.GetFullVerificationAsync(cancellationToken);
        var fullBreak = full?.Result is { Valid: false } broken ? broken : null;
        return recent with
        {
            Valid = recent.Valid && fullBreak is null,
            FirstBrokenSequence = recent.FirstBrokenSequence ?? fullBreak?.FirstBrokenSequence,
            Reason = recent.Reason ?? fullBreak?.Reason,
            Mode = checkpoint is null ? FullMode : IncrementalMode,
            VerifiedFrom = checkpoint,
            Full = full,
        };
    }

    /// <summary>Queues a full verification (once: while one is queued or running, that one is returned, unless it is stale).</summary>
    public async Task<FullAuditVerification> RequestFullAsync(string id, Security.Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (await checkpoints.GetFullVerificationAsync(cancellationToken) is { State: not FullAuditVerificationState.Completed } pending
            && clock.UtcNow - pending.RequestedAt < StaleAfter)
        {
            return pending;
        }

        var requested = new FullAuditVerification(id, FullAuditVerificationState.Queued, clock.UtcNow, caller.Subject);
        await checkpoints.SaveFullVerificationAsync(requested, cancellationToken);
        await queue.EnqueueAsync(id, cancellationToken);
        await audit.RecordAsync(caller, "audit.verification_requested", "audit", new { id }, cancellationToken);
        return requested;
    }

    /// <summary>The background job: walks the whole chain and records the result (a repeated message for a finished job does nothing).</summary>
    public async Task<FullAuditVerification?> RunFullAsync(string id, CancellationToken cancellationToken = default)
    {
        var job = await checkpoints.GetFullVerificationAsync(cancellationToken);
        if (job is null || job.Id != id || job.State == FullAuditVerificationState.Completed)
        {
            return job;
        }

        job = job with { State = FullAuditVerificationState.Running, StartedAt = clock.UtcNow };
        await checkpoints.SaveFullVerificationAsync(job, cancellationToken);
        var result = await log.VerifyAsync(cancellationToken);
        await CheckpointAsync(result, await checkpoints.GetLastCheckpointAsync(cancellationToken), cancellationToken);
        job = job with { State = FullAuditVerificationState.Completed, CompletedAt = clock.UtcNow, Result = result };
        await checkpoints.SaveFullVerificationAsync(job, cancellationToken);
        return job;
    }

    private async Task CheckpointAsync(AuditVerification verified, AuditCheckpoint? last, CancellationToken cancellationToken)
    {
        if (verified is { Valid: true, HeadSequence: { } sequence, HeadHash: { } hash }
            && sequence - (last?.Sequence ?? 0) >= settings.CheckpointInterval)
        {
            await checkpoints.AddCheckpointAsync(await signer.SignAsync(new AuditHead(sequence, hash), clock.UtcNow, cancellationToken), cancellationToken);
        }
    }
}
