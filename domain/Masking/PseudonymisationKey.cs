using System.Security.Cryptography;
using System.Text;

namespace Platform.Domain.Masking;

/// <summary>
/// The HMAC key of one agreement. Each agreement gets its own key derived from a root key (kept in Key Vault)
/// so that pseudonyms join records within one agreement but cannot link them across operators (M4.4).
/// </summary>
public sealed class PseudonymisationKey
{
    public const int MinRootKeyBytes = 32;
    private const int KeyBytes = 32;

    private readonly byte[] material;

    private PseudonymisationKey(string agreementId, byte[] material)
    {
        AgreementId = agreementId;
        this.material = material;
        Fingerprint = Convert.ToHexStringLower(HMACSHA256.HashData(material, "fingerprint"u8)[..8]);
    }

    public string AgreementId { get; }

    /// <summary>
    /// A 16-hex-character tag of the key (HMAC of a constant), for reports and logs: tells whether two runs used
    /// the same key without revealing it.
    /// </summary>
    public string Fingerprint { get; }

    internal ReadOnlySpan<byte> Material => material;

    /// <summary>HKDF-SHA256 (RFC 5869) of the root key with info <c>"pseudonymisation:" + agreementId</c>.</summary>
    public static PseudonymisationKey Derive(byte[] rootKey, string agreementId)
    {
        ArgumentNullException.ThrowIfNull(rootKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(agreementId);
        if (rootKey.Length < MinRootKeyBytes)
        {
            throw new ArgumentException($"The pseudonymisation root key must have at least {MinRootKeyBytes} bytes.", nameof(rootKey));
        }

        // M4.4: one key per agreement, so that two operators' data cannot be joined on pseudonyms.
        var info = Encoding.UTF8.GetBytes("pseudonymisation:" + agreementId);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, rootKey, KeyBytes, salt: [], info: info);
        return new PseudonymisationKey(agreementId, key);
    }

    public override string ToString() => $"PseudonymisationKey({AgreementId}, {Fingerprint})";
}
