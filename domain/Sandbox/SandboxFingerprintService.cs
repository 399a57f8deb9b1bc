using System.Security.Cryptography;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Security;

namespace Platform.Domain.Sandbox;

/// <summary>A released job a leaked file matches, and how (<see cref="FingerprintMatchKinds"/>).</summary>
public sealed record FingerprintMatch(string JobId, string GrantId, string OrganizationId, string SubmittedBy, DateTimeOffset? FinishedAt, string Match);

/// <summary>What a fingerprint match answers: the leaked file's SHA-256 and the released jobs it matches, best first.</summary>
public sealed record FingerprintMatchResult(string FileSha256, IReadOnlyList<FingerprintMatch> Matches);

/// <summary>
/// Traces a leaked result file to the job that released it (issue 14 item 7; M5.3, M5.5): the authority or a supervisor
/// submits the file; every released job's fingerprint is checked with its grant's key. Each match is audited.
/// </summary>
public sealed class SandboxFingerprintService(ISandboxJobStore jobs, ResultFingerprintKeys keys, IAuditTrail audit)
{
    public const string InvalidFileCode = "sandbox.invalid_fingerprint_file";
    public const int MaxFileBytes = 32 * 1024 * 1024;

    public async Task<FingerprintMatchResult> MatchAsync(byte[] leaked, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leaked);
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.Role is not (Roles.Authority or Roles.Supervisor))
        {
            throw new DomainException(FailureKind.Forbidden, "auth.forbidden_role", "Only the authority or a supervisor may trace a result file.");
        }

        if (leaked.Length == 0 || leaked.Length > MaxFileBytes)
        {
            throw new DomainException(FailureKind.BadRequest, InvalidFileCode, "Send the leaked result file (CSV) as the request body.",
                new Dictionary<string, string[]> { ["body"] = [$"A CSV file of 1 to {MaxFileBytes} bytes."] });
        }

        var grantKeys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var matches = new List<FingerprintMatch>();
        foreach (var job in await jobs.ListReleasedAsync(cancellationToken))
        {
            if (job.Fingerprint is not { } fingerprint)
            {
                continue;
            }

            if (!grantKeys.TryGetValue(job.GrantId, out var key))
            {
                key = await keys.ForGrantAsync(job.GrantId, cancellationToken);
                grantKeys[job.GrantId] = key;
            }

            if (ResultFingerprints.Match(key, fingerprint, leaked) is { } kind)
            {
                matches.Add(new FingerprintMatch(job.Id, job.GrantId, job.OrganizationId, job.SubmittedBy, job.FinishedAt, kind));
            }
        }

        var ranked = matches.OrderBy(m => Rank(m.Match)).ThenBy(m => m.JobId, StringComparer.Ordinal).ToList();
        var result = new FingerprintMatchResult(Convert.ToHexStringLower(SHA256.HashData(leaked)), ranked);
        await audit.RecordAsync(caller, "sandbox.fingerprint_matched", "sandbox/fingerprints",
            new { result.FileSha256, Bytes = leaked.Length, Matches = ranked.Select(m => new { m.JobId, m.Match }).ToList() }, cancellationToken);
        return result;
    }

    private static int Rank(string kind) => kind switch
    {
        FingerprintMatchKinds.Exact => 0,
        FingerprintMatchKinds.ContentAndOrder => 1,
        _ => 2,
    };
}
