using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Adapters.Secrets;
using Platform.Domain.Secrets;
using Platform.UnitTests.Time;
using Xunit;

namespace Platform.UnitTests.Secrets;

public sealed class SecretRegistrationTests
{
    [Fact]
    public async Task AddPlatformAdapters_NoVaultUri_ReadsSecretsFromSettings()
    {
        using var services = TimeRegistrationTests.Build(Environments.Development, ("KeyVault:VaultUri", ""), ("Secrets:pseudonymisation-root-key", "k"));

        var store = services.GetRequiredService<ISecretStore>();

        Assert.IsType<ConfigurationSecretStore>(store);
        Assert.Equal("k", await store.GetSecretAsync("pseudonymisation-root-key"));
    }

    [Fact]
    public void AddPlatformAdapters_VaultUri_UsesKeyVaultForThatVault()
    {
        using var services = TimeRegistrationTests.Build(Environments.Production, ("KeyVault:VaultUri", "https://platform-kv.vault.azure.net/"), ("KeyVault:CacheTtl", "00:01:00"));

        services.GetRequiredService<IStartupValidator>().Validate();

        Assert.IsType<KeyVaultSecretStore>(services.GetRequiredService<ISecretStore>());
        Assert.Equal(new Uri("https://platform-kv.vault.azure.net/"), services.GetRequiredService<SecretClient>().VaultUri);
    }

    [Fact]
    public void AddPlatformAdapters_VaultUriNotHttps_FailsAtStartNamingTheSetting()
    {
        using var services = TimeRegistrationTests.Build(Environments.Production, ("KeyVault:VaultUri", "http://platform-kv.vault.azure.net/"));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("KeyVault:VaultUri", error.Message);
    }
}
