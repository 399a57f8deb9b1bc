using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Domain.Approvals;

/// <summary>
/// What a signed callback link names (docs/api.md#signed-links): one decision slot (orchestration instance, review slot, reviewer),
/// when the link stops working, and a nonce that makes every link distinct.
/// </summary>
public sealed record ApprovalLinkClaims(string InstanceId, string Slot, string Reviewer, DateTimeOffset ExpiresAt, string Nonce);

/// <summary>A link as read from its token, before its signature has been checked.</summary>
public sealed record ParsedApprovalLink(string KeyId, ApprovalLinkClaims Claims, string SignedPart, byte[] Signature);

/// <summary>
/// The token format of signed links: <c>base64url(payload JSON) "." base64url(HMAC-SHA256)</c>. The MAC covers the
/// encoded payload (which carries the key id, so a link cannot be moved to another key) with a purpose prefix, so a
/// MAC made with the same key for anything else never verifies as a link. Pure functions; keys come from the caller.
/// </summary>
public static class ApprovalLinkCodec
{
    public const int Version = 1;

    /// <summary>Longer tokens are refused before any decoding (a link names a slot, not a document).</summary>
    public const int MaxTokenLength = 2048;

    private const string Purpose = "platform.approval-link.v1.";
    private const int SignatureLength = 32;

    private static readonly JsonSerializerOptions PayloadJson = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Encode(ApprovalLinkClaims claims, string keyId, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        var payload = new LinkPayload(Version, keyId, claims.InstanceId, claims.Slot, claims.Reviewer, claims.ExpiresAt.ToUnixTimeSeconds(), claims.Nonce);
        var signedPart = Base64Url(JsonSerializer.SerializeToUtf8Bytes(payload, PayloadJson));
        return $"{signedPart}.{Base64Url(Mac(signedPart, key))}";
    }

    /// <summary>Reads a token's parts; false for anything that is not a well-formed link (its signature is not checked here).</summary>
    public static bool TryParse(string? token, out ParsedApprovalLink link)
    {
        link = null!;
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return false;
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot != token.LastIndexOf('.') || dot == token.Length - 1)
        {
            return false;
        }

        var signedPart = token[..dot];
        if (!TryDecodeBase64Url(signedPart, out var payloadBytes) || !TryDecodeBase64Url(token[(dot + 1)..], out var signature) || signature.Length != SignatureLength)
        {
            return false;
        }

        LinkPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<LinkPayload>(payloadBytes, PayloadJson);
        }
        catch (JsonException)
        {
            return false;
        }

        if (payload is not { V: Version } || IsBlank(payload.K) || IsBlank(payload.I) || IsBlank(payload.S) || IsBlank(payload.R) || IsBlank(payload.N)
            || payload.E is < 0 or > 253402300799)
        {
            return false;
        }

        var claims = new ApprovalLinkClaims(payload.I!, payload.S!, payload.R!, DateTimeOffset.FromUnixTimeSeconds(payload.E), payload.N!);
        link = new ParsedApprovalLink(payload.K!, claims, signedPart, signature);
        return true;
    }

    /// <summary>Constant-time comparison of the link's MAC with the one <paramref name="key"/> gives.</summary>
    public static bool SignatureMatches(ParsedApprovalLink link, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(link);
        return CryptographicOperations.FixedTimeEquals(Mac(link.SignedPart, key), link.Signature);
    }

    /// <summary>A random nonce of 128 bits, base64url.</summary>
    public static string NewNonce() => Base64Url(RandomNumberGenerator.GetBytes(16));

    /// <summary>SHA-256 of a token, for audit records of refused links (the token itself is a credential).</summary>
    public static string Fingerprint(string? token)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token ?? "")))[..32];

    private static byte[] Mac(string signedPart, ReadOnlySpan<byte> key)
        => HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(Purpose + signedPart));

    private static string Base64Url(ReadOnlySpan<byte> bytes)
        => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecodeBase64Url(string text, out byte[] bytes)
    {
        bytes = [];
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        if (text.Length % 4 == 1)
        {
            return false;
        }

        var padded = text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (text.Length % 4)) % 4);
        try
        {
            bytes = Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return false;
        }

        // Only the canonical spelling is accepted, so one link has exactly one token.
        return Base64Url(bytes) == text;
    }

    private static bool IsBlank(string? value) => string.IsNullOrWhiteSpace(value);

    private sealed record LinkPayload(
        [property: JsonPropertyName("v")] int V,
        [property: JsonPropertyName("k")] string? K,
        [property: JsonPropertyName("i")] string? I,
        [property: JsonPropertyName("s")] string? S,
        [property: JsonPropertyName("r")] string? R,
        [property: JsonPropertyName("e")] long E,
        [property: JsonPropertyName("n")] string? N);
}
