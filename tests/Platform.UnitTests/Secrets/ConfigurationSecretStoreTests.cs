using Microsoft.Extensions.Configuration;
using Platform.Adapters.Secrets;
using Platform.Domain.Secrets;
using Xunit;

namespace Platform.UnitTests.Secrets;

public sealed class ConfigurationSecretStoreTests
{
    private static ConfigurationSecretStore CreateStore() => new(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Secrets:link-signing-key-1"] = "本地密钥",
            ["Secrets:empty"] = "",
        })
        .Build());

    [Fact]
    public async Task GetSecretAsync_SettingPresent_ReturnsIt()
    {
        Assert.Equal("本地密钥", await CreateStore().GetSecretAsync("link-signing-key-1"));
    }

    [Theory]
    [InlineData("absent")]
    [InlineData("empty")]
    public async Task GetSecretAsync_SettingMissingOrEmpty_ThrowsSecretNotFound(string name)
    {
        var error = await Assert.ThrowsAsync<SecretNotFoundException>(() => CreateStore().GetSecretAsync(name));

        Assert.Equal(name, error.SecretName);
    }

    [Theory]
    [InlineData("https://platform-kv.vault.azure.net/", true)]
    [InlineData("", true)]
    [InlineData(null, true)]
    [InlineData("http://platform-kv.vault.azure.net/", false)]
    [InlineData("platform-kv", false)]
    public void KeyVaultOptionsValidator_VaultUri_AcceptsHttpsOrEmpty(string? vaultUri, bool valid)
    {
        var result = new KeyVaultOptionsValidator().Validate(null, new KeyVaultOptions { VaultUri = vaultUri });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("KeyVault:VaultUri", result.FailureMessage);
        }
    }
}
