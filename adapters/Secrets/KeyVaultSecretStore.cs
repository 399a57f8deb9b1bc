using System.Collections.Concurrent;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Options;
using Platform.Domain.Secrets;
using Platform.Domain.Time;

namespace Platform.Adapters.Secrets;

/// <summary>
/// Secrets from Azure Key Vault (docs/api.md#signed-links; settings in README.md), reused for a short while so that signing every link does not cost a
/// vault round trip, yet a rotated key is picked up within <see cref="KeyVaultOptions.CacheTtl"/>.
/// </summary>
public sealed class KeyVaultSecretStore : ISecretStore
{
    private readonly SecretClient _client;
    private readonly IClock _clock;
    private readonly TimeSpan _cacheTtl;
    private readonly ConcurrentDictionary<string, CachedSecret> _cache = new(StringComparer.OrdinalIgnoreCase);

    public KeyVaultSecretStore(SecretClient client, IOptions<KeyVaultOptions> options, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        _client = client;
        _clock = clock;
        _cacheTtl = options.Value.CacheTtl;
    }

    public async Task<string> GetSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var now = _clock.UtcNow;
        if (_cache.TryGetValue(name, out var cached) && cached.ExpiresAt > now)
        {
            return cached.Value;
        }

        KeyVaultSecret secret;
        try
        {
            secret = (await _client.GetSecretAsync(name, null, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            _cache.TryRemove(name, out _);
            throw new SecretNotFoundException(name);
        }

        if (secret?.Value is not { } value)
        {
            throw new SecretNotFoundException(name);
        }

        if (_cacheTtl > TimeSpan.Zero)
        {
            _cache[name] = new CachedSecret(value, now + _cacheTtl);
        }

        return value;
    }

    private sealed record CachedSecret(string Value, DateTimeOffset ExpiresAt);
}
