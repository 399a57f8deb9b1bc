using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Options;
using Moq;
using Platform.Adapters.Secrets;
using Platform.Domain.Secrets;
using Platform.Domain.Time;
using Xunit;

namespace Platform.UnitTests.Secrets;

public sealed class KeyVaultSecretStoreTests
{
    private readonly Mock<SecretClient> _client = new(MockBehavior.Strict);
    private readonly MutableClock _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task GetSecretAsync_ExistingSecret_ReturnsItsValue()
    {
        SetUpSecret("link-signing-key-1", "签名密钥-1");

        var value = await CreateStore().GetSecretAsync("link-signing-key-1");

        Assert.Equal("签名密钥-1", value);
    }

    [Fact]
    public async Task GetSecretAsync_SecondReadWithinTtl_IsServedFromCache()
    {
        SetUpSecret("link-signing-key-1", "v1");
        var store = CreateStore();

        await store.GetSecretAsync("link-signing-key-1");
        _clock.Advance(TimeSpan.FromMinutes(4));
        var second = await store.GetSecretAsync("link-signing-key-1");

        Assert.Equal("v1", second);
        _client.Verify(c => c.GetSecretAsync("link-signing-key-1", null, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task GetSecretAsync_ReadAfterTtl_ReadsTheVaultAgain()
    {
        SetUpSecret("link-signing-key-1", "v1");
        var store = CreateStore();
        await store.GetSecretAsync("link-signing-key-1");
        SetUpSecret("link-signing-key-1", "v2");

        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var rotated = await store.GetSecretAsync("link-signing-key-1");

        Assert.Equal("v2", rotated);
        _client.Verify(c => c.GetSecretAsync("link-signing-key-1", null, It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task GetSecretAsync_ZeroTtl_ReadsTheVaultEveryTime()
    {
        SetUpSecret("k", "v");
        var store = CreateStore(TimeSpan.Zero);

        await store.GetSecretAsync("k");
        await store.GetSecretAsync("k");

        _client.Verify(c => c.GetSecretAsync("k", null, It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task GetSecretAsync_VaultAnswers404_ThrowsSecretNotFound()
    {
        _client
            .Setup(c => c.GetSecretAsync("missing", null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(404, "SecretNotFound"));

        var error = await Assert.ThrowsAsync<SecretNotFoundException>(() => CreateStore().GetSecretAsync("missing"));

        Assert.Equal("missing", error.SecretName);
    }

    [Fact]
    public async Task GetSecretAsync_VaultAnswers403_PassesTheFailureOn()
    {
        _client
            .Setup(c => c.GetSecretAsync("forbidden", null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(403, "Forbidden"));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => CreateStore().GetSecretAsync("forbidden"));

        Assert.Equal(403, error.Status);
    }

    private KeyVaultSecretStore CreateStore(TimeSpan? ttl = null) =>
        new(_client.Object, Options.Create(new KeyVaultOptions { CacheTtl = ttl ?? TimeSpan.FromMinutes(5) }), _clock);

    private void SetUpSecret(string name, string value)
    {
        var secret = SecretModelFactory.KeyVaultSecret(SecretModelFactory.SecretProperties(name: name), value);
        _client
            .Setup(c => c.GetSecretAsync(name, null, It.IsAny<CancellationToken>()))
            .ReturnsAsync(Response.FromValue(secret, Mock.Of<Response>()));
    }

    private sealed class MutableClock(DateTimeOffset start) : IClock
    {
        public DateTimeOffset UtcNow { get; private set; } = start;

        public void Advance(TimeSpan by) => UtcNow += by;
    }
}
