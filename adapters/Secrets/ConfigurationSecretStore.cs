using Microsoft.Extensions.Configuration;
using Platform.Domain.Secrets;

namespace Platform.Adapters.Secrets;

/// <summary>Secrets from settings <c>Secrets:{name}</c>, for a developer machine and tests (locally; see the configuration table in README.md).</summary>
public sealed class ConfigurationSecretStore(IConfiguration configuration) : ISecretStore
{
    public const string SectionName = "Secrets";

    public Task<string> GetSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var value = configuration[$"{SectionName}:{name}"];
        return string.IsNullOrEmpty(value)
            ? Task.FromException<string>(new SecretNotFoundException(name))
            : Task.FromResult(value);
    }
}
