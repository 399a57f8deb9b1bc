namespace Platform.Domain.Secrets;

/// <summary>Link-signing and pseudonymisation keys: Key Vault in Azure, local settings on a developer machine.</summary>
public interface ISecretStore
{
    /// <summary>The current value of the named secret; throws <see cref="SecretNotFoundException"/> when absent.</summary>
    Task<string> GetSecretAsync(string name, CancellationToken cancellationToken = default);
}

public sealed class SecretNotFoundException(string name) : Exception($"Secret '{name}' was not found in the secret store.")
{
    public string SecretName { get; } = name;
}
