using System.Text;
using Platform.Domain.Errors;
using Platform.Domain.Secrets;
using Platform.Domain.Time;

namespace Platform.Domain.Approvals;

/// <summary>
/// Settings of signed links (section <c>Links</c>): the key new links are signed with, the previous keys whose links
/// still verify until they expire (rotation), how long a link lives, and the public address links point at.
/// Key ids are secret names in the secret store (Key Vault), e.g. <c>link-signing-key-1</c>.
/// </summary>
public sealed record ApprovalLinkSettings(string ActiveKeyId, IReadOnlyList<string> AcceptedKeyIds, TimeSpan Lifetime, string? PublicBaseUrl)
{
    public const string DefaultActiveKeyId = "link-signing-key-1";
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(30);

    public bool Accepts(string keyId) => keyId == ActiveKeyId || AcceptedKeyIds.Contains(keyId, StringComparer.Ordinal);
}

/// <summary>A freshly signed link: the token and the address to send.</summary>
public sealed record SignedApprovalLink(string Token, string Url, ApprovalLinkClaims Claims, string KeyId);

/// <summary>
/// Signs and verifies callback links with keys from the secret store (docs/api.md#signed-links). Verification order: well-formed,
/// key accepted, signature (constant time), then expiry — so a tampered link is 403 even when also expired.
/// </summary>
public sealed class ApprovalLinkSigner(ISecretStore secrets, ApprovalLinkSettings settings, IClock clock)
{
    public const int MinimumKeyLength = 32;
    public const string InvalidCode = "approval.link_invalid";
    public const string ExpiredCode = "approval.link_expired";

    public ApprovalLinkSettings Settings => settings;

    public async Task<SignedApprovalLink> SignAsync(string instanceId, string slot, string reviewer, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        var claims = new ApprovalLinkClaims(instanceId, slot, reviewer, expiresAt, ApprovalLinkCodec.NewNonce());
        var key = await KeyAsync(settings.ActiveKeyId, cancellationToken);
        var token = ApprovalLinkCodec.Encode(claims, settings.ActiveKeyId, key);
        return new SignedApprovalLink(token, UrlOf(token), claims, settings.ActiveKeyId);
    }

    /// <summary>The claims of a genuine, unexpired link; 403 <c>approval.link_invalid</c> or 410 <c>approval.link_expired</c> otherwise.</summary>
    public async Task<ParsedApprovalLink> VerifyAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (!ApprovalLinkCodec.TryParse(token, out var link))
        {
            throw Invalid("The link is malformed.");
        }

        // Only configured key ids are looked up, so a link cannot make the platform sign with any other secret.
        if (!settings.Accepts(link.KeyId))
        {
            throw Invalid("The link was signed with a key that is no longer accepted.");
        }

        if (!ApprovalLinkCodec.SignatureMatches(link, await KeyAsync(link.KeyId, cancellationToken)))
        {
            throw Invalid("The link's signature does not match; it was altered or not issued by this platform.");
        }

        if (clock.UtcNow >= link.Claims.ExpiresAt)
        {
            throw new DomainException(FailureKind.Gone, ExpiredCode,
                $"The link expired at {link.Claims.ExpiresAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}; ask the platform for a new one.");
        }

        return link;
    }

    public string UrlOf(string token)
        => $"{settings.PublicBaseUrl?.TrimEnd('/') ?? ""}/api/approvals/{token}";

    private async Task<byte[]> KeyAsync(string keyId, CancellationToken cancellationToken)
    {
        var key = await secrets.GetSecretAsync(keyId, cancellationToken);
        if (key.Length < MinimumKeyLength)
        {
            throw new InvalidOperationException(
                $"Secret '{keyId}' (setting Secrets:{keyId}) must be at least {MinimumKeyLength} characters to sign links; generate one with `openssl rand -base64 48`.");
        }

        return Encoding.UTF8.GetBytes(key);
    }

    private static DomainException Invalid(string detail) => new(FailureKind.Forbidden, InvalidCode, detail);
}
