using System.Text;
using Platform.Domain.Secrets;

namespace Platform.Domain.Masking;

/// <summary>
/// The root key in the secret store (Key Vault; locally the setting <c>Secrets:pseudonymisation-root-key</c>) from which
/// each agreement's pseudonymisation key (M4.4: one key per agreement, so operators cannot link records across
/// agreements) and each grant's result-fingerprint key are derived. Read in one place so the rule on its length holds
/// for every use.
/// </summary>
public sealed class PseudonymisationRootKey(ISecretStore secrets)
{
    public const string SecretName = "pseudonymisation-root-key";

    /// <summary>The root key's bytes; a key shorter than <see cref="PseudonymisationKey.MinRootKeyBytes"/> is a configuration error naming the setting.</summary>
    public async Task<byte[]> ReadAsync(CancellationToken cancellationToken = default)
    {
        var bytes = Encoding.UTF8.GetBytes(await secrets.GetSecretAsync(SecretName, cancellationToken));
        if (bytes.Length < PseudonymisationKey.MinRootKeyBytes)
        {
            throw new InvalidOperationException(
                $"Secret '{SecretName}' (setting Secrets:{SecretName}) must be at least {PseudonymisationKey.MinRootKeyBytes} bytes; generate one with `openssl rand -base64 48`.");
        }

        return bytes;
    }

    /// <summary>M4.4: the agreement's own pseudonymisation key.</summary>
    public async Task<PseudonymisationKey> ForAgreementAsync(string agreementId, CancellationToken cancellationToken = default)
        => PseudonymisationKey.Derive(await ReadAsync(cancellationToken), agreementId);
}
