using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Workflows;

namespace Platform.Domain.Agreements;

/// <summary>How long the copies of an ended agreement are held for the authority's inspection before they are destroyed.</summary>
public sealed record AgreementExitSettings(TimeSpan Hold)
{
    public static readonly TimeSpan DefaultHold = TimeSpan.FromDays(30);
}

/// <summary>Input of the agreement-exit orchestration: the agreement, how long the hold lasts (legal time) and how fast time runs.</summary>
public sealed record AgreementExitInput(string AgreementId, double HoldSeconds, double TimeCompression);

/// <summary>One exit step for one grant of the agreement.</summary>
public sealed record AgreementExitGrantStep(string AgreementId, string GrantId);

/// <summary>The copies of one grant to delete, as inventoried (hashed) before deletion.</summary>
public sealed record AgreementExitDeletion(string AgreementId, string GrantId, IReadOnlyList<DestroyedBlob> Blobs);

/// <summary>The certificate to record for one grant, naming the step that deleted its copies.</summary>
public sealed record AgreementExitCertification(string AgreementId, string GrantId, IReadOnlyList<DestroyedBlob> Blobs, string Step);

/// <summary>
/// Where the exit finds and destroys what a grant left in storage: the library copies of its tables, the masked samples
/// made for them and the stored results of the sandbox jobs run on it. Both calls are safe to repeat.
/// </summary>
public interface IAgreementExitStorage
{
    /// <summary>Every copy of <paramref name="grant"/> still stored, with its size and the SHA-256 of its content as it stands.</summary>
    Task<IReadOnlyList<DestroyedBlob>> InventoryAsync(Grant grant, CancellationToken cancellationToken = default);

    /// <summary>Deletes the blobs; ones already gone are skipped.</summary>
    Task DeleteAsync(IReadOnlyList<DestroyedBlob> blobs, CancellationToken cancellationToken = default);
}

/// <summary>Pure rules of the exit (docs/lifecycles.md, M3.6).</summary>
public static class AgreementExitRules
{
    /// <summary>When the agreement ended: its termination, or the end of its last day (CST) when it expired.</summary>
    public static DateTimeOffset EndedAt(Agreement agreement)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        return agreement.Termination?.At ?? agreement.ExpiresAtUtc;
    }

    /// <summary>M3.6: the hold begins when the agreement ends; the copies are destroyed after it. Recording it again changes nothing.</summary>
    public static Agreement Schedule(Agreement agreement, TimeSpan hold)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        if (!agreement.HasEnded || agreement.Exit is not null)
        {
            return agreement;
        }

        var endedAt = EndedAt(agreement);
        var reason = agreement.Status == AgreementStatus.Terminated ? "terminated" : "expired";
        return agreement with { Exit = new AgreementExit(reason, endedAt, endedAt + hold, null, []) };
    }

    /// <summary>Adds the certificate of one grant once; a second certificate for the same grant changes nothing.</summary>
    public static Agreement Certify(Agreement agreement, DestructionCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(certificate);
        if (agreement.Exit is not { } exit || exit.Certificates.Any(c => c.GrantId == certificate.GrantId))
        {
            return agreement;
        }

        return agreement with { Exit = exit with { Certificates = [.. exit.Certificates, certificate] } };
    }

    /// <summary>Notes that the certificate of <paramref name="grantId"/> is in the audit log.</summary>
    public static Agreement MarkCertificateAudited(Agreement agreement, string grantId)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        return agreement.Exit is { } exit && exit.Certificates.Any(c => c.GrantId == grantId && !c.Audited)
            ? agreement with { Exit = exit with { Certificates = [.. exit.Certificates.Select(c => c.GrantId == grantId ? c with { Audited = true } : c)] } }
            : agreement;
    }

    /// <summary>Marks the destruction complete once.</summary>
    public static Agreement Complete(Agreement agreement, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        return agreement.Exit is { DestroyedAt: null } exit ? agreement with { Exit = exit with { DestroyedAt = now } } : agreement;
    }
}

/// <summary>
/// The exit of an ended agreement (docs/lifecycles.md, M3.6): after the hold, the authorised library copies of its grants, the
/// masked samples made for them and the stored results of its sandbox jobs are deleted, and a destruction certificate per
/// grant (blob names, sizes, SHA-256 read before deletion, when, by which step) goes on the agreement and in the audit log.
/// Published products stay. Each method is an idempotent step of the exit orchestration.
/// </summary>
public sealed class AgreementExitService(
    IAgreementStore store,
    IGrantStore grants,
    IAgreementExitStorage storage,
    IAuditTrail audit,
    IClock clock,
    AgreementExitSettings settings,
    TimeCompression compression)
{
    public const string ExitKind = "agreement-exit";
    public const string ExitOrchestrator = OrchestratorNames.AgreementExit;

    public static string ExitInstanceId(string agreementId) => WorkflowInstanceIds.For(ExitKind, agreementId);

    /// <summary>
    /// Records the hold on an ended agreement and starts its exit. Starting is idempotent by instance id, so a second end
    /// event (or a redelivered step) starts nothing twice; an agreement that has not ended starts nothing.
    /// </summary>
    public async Task<AgreementExit?> BeginAsync(string agreementId, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflows);
        var (agreement, changed) = await ChangeAsync(agreementId, a => AgreementExitRules.Schedule(a, settings.Hold), cancellationToken);
        if (agreement.Exit is null)
        {
            return null;
        }

        if (changed)
        {
            await audit.RecordAsync(Caller.System, "agreement.exit_scheduled", Target(agreementId), agreement.Exit, cancellationToken);
        }

        await workflows.StartAsync(ExitOrchestrator, ExitInstanceId(agreementId), new AgreementExitInput(agreementId, settings.Hold.TotalSeconds, compression.Factor), cancellationToken);
        return agreement.Exit;
    }

    /// <summary>The grants whose copies the exit destroys, in id order.</summary>
    public async Task<IReadOnlyList<string>> ListGrantIdsAsync(string agreementId, CancellationToken cancellationToken = default)
        => (await grants.ListByAgreementAsync(agreementId, cancellationToken)).Select(g => g.Id).Order(StringComparer.Ordinal).ToList();

    /// <summary>What a grant left in storage, hashed before anything is deleted; nothing once its certificate is recorded.</summary>
    public async Task<IReadOnlyList<DestroyedBlob>> InventoryAsync(AgreementExitGrantStep step, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        var agreement = await GetAsync(step.AgreementId, cancellationToken);
        if (agreement.Exit?.Certificates.Any(c => c.GrantId == step.GrantId) == true)
        {
            return [];
        }

        var grant = (await grants.GetAsync(step.GrantId, cancellationToken))?.Value;
        return grant is null || grant.AgreementId != step.AgreementId ? [] : await storage.InventoryAsync(grant, cancellationToken);
    }

    public Task DeleteAsync(AgreementExitDeletion deletion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deletion);
        return storage.DeleteAsync(deletion.Blobs, cancellationToken);
    }

    /// <summary>Records the certificate of one grant on the agreement and in the audit log, once.</summary>
    public async Task<DestructionCertificate> CertifyAsync(AgreementExitCertification certification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certification);
        var certificate = new DestructionCertificate(certification.GrantId, certification.Blobs, clock.UtcNow, certification.Step);
        var (agreement, _) = await ChangeAsync(certification.AgreementId, a => AgreementExitRules.Certify(a, certificate), cancellationToken);
        var recorded = agreement.Exit?.Certificates.SingleOrDefault(c => c.GrantId == certification.GrantId) ?? certificate;
        if (agreement.Exit is not null && !recorded.Audited)
        {
            // M5.3: recorded first, audited next, then marked: a step that died in between audits on its replay (at least once).
            await audit.RecordAsync(Caller.System, "agreement.destruction_certified", Target(certification.AgreementId), recorded, cancellationToken);
            await ChangeAsync(certification.AgreementId, a => AgreementExitRules.MarkCertificateAudited(a, certification.GrantId), cancellationToken);
        }

        return recorded;
    }

    /// <summary>Marks the exit done once every grant is certified.</summary>
    public async Task<AgreementExit?> CompleteAsync(string agreementId, CancellationToken cancellationToken = default)
    {
        var (agreement, _) = await ChangeAsync(agreementId, a => AgreementExitRules.Complete(a, clock.UtcNow), cancellationToken);
        if (agreement.Exit is { DestroyedAt: not null, CompletionAudited: false } exit)
        {
            await audit.RecordAsync(Caller.System, "agreement.exit_completed", Target(agreementId),
                new { exit.DestroyedAt, certificates = exit.Certificates.Count }, cancellationToken);
            (agreement, _) = await ChangeAsync(agreementId, a => a.Exit is { } e ? a with { Exit = e with { CompletionAudited = true } } : a, cancellationToken);
        }

        return agreement.Exit;
    }

    private static string Target(string agreementId) => $"agreements/{agreementId}";

    private async Task<Agreement> GetAsync(string id, CancellationToken cancellationToken)
        => (await store.GetAsync(id, cancellationToken))?.Value ?? throw NotFound(id);

    private Task<(Agreement Agreement, bool Changed)> ChangeAsync(string id, Func<Agreement, Agreement> change, CancellationToken cancellationToken)
        => OptimisticChange.ApplyAsync(ct => store.GetAsync(id, ct), store.ReplaceAsync, change, () => NotFound(id), cancellationToken);

    private static DomainException NotFound(string id) => new(FailureKind.NotFound, "agreement.not_found", $"Agreement '{id}' does not exist.");
}
