using System.Security.Cryptography;
using System.Text;
using Platform.Domain.Secrets;

namespace Platform.Domain.Personnel;

/// <summary>
/// Turns a resident ID number into HMAC-SHA256 under a secret key, so the same person can be recognised (duplicates)
/// without the number being stored: a plain hash of an 18-character number with a check digit and a birth date would
/// be reversed by enumeration in minutes, a keyed one cannot be without the key.
/// </summary>
public sealed class IdNumberHasher(ISecretStore secrets)
{
    /// <summary>Key Vault secret (locally the setting <c>Secrets:personnel-id-hash-key</c>).</summary>
    public const string KeySecretName = "personnel-id-hash-key";

    public const int MinimumKeyLength = 32;

    /// <summary>Lower-case hex HMAC-SHA256 of the canonical number (upper-case 'X').</summary>
    public async Task<string> HashAsync(string canonicalIdNumber, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(canonicalIdNumber);
        var key = await secrets.GetSecretAsync(KeySecretName, cancellationToken);
        if (key.Length < MinimumKeyLength)
        {
            throw new InvalidOperationException(
                $"Secret '{KeySecretName}' (setting Secrets:{KeySecretName}) must be at least {MinimumKeyLength} characters; generate one with `openssl rand -base64 48`.");
        }

        return Hash(key, canonicalIdNumber);
    }

    public static string Hash(string key, string canonicalIdNumber)
        => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(canonicalIdNumber)));
}
