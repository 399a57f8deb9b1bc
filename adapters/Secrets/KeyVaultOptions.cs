using Microsoft.Extensions.Options;

namespace Platform.Adapters.Secrets;

/// <summary>Settings section <c>KeyVault</c>.</summary>
public sealed class KeyVaultOptions
{
    public const string SectionName = "KeyVault";

    /// <summary><c>KeyVault:VaultUri</c>: when set, secrets come from this vault; when empty, from <c>Secrets:{name}</c> settings.</summary>
    public string? VaultUri { get; set; }

    /// <summary><c>KeyVault:CacheTtl</c>: how long a secret read from the vault is reused before it is read again.</summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(VaultUri);
}

public sealed class KeyVaultOptionsValidator : IValidateOptions<KeyVaultOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyVaultOptions options)
    {
        var failures = new List<string>();
        if (options.IsConfigured
            && (!Uri.TryCreate(options.VaultUri, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"KeyVault:VaultUri '{options.VaultUri}' must be an absolute https URI such as https://my-vault.vault.azure.net/, or empty to read secrets from settings.");
        }

        if (options.CacheTtl < TimeSpan.Zero || options.CacheTtl > TimeSpan.FromDays(1))
        {
            failures.Add($"KeyVault:CacheTtl must be between 00:00:00 and 1.00:00:00 (got {options.CacheTtl}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
