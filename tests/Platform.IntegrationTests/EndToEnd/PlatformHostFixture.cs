using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Functions.Auth;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// The platform's own local host (host/LocalHost) running as a child process on an Azurite of its own (in memory, free
/// ports), with a task hub and audit table of its own, reached over real HTTP with development tokens. Its own storage
/// lets the test collections run in parallel: no other host consumes its fixed-name queues (sandbox-jobs, masking-jobs)
/// or sweeps its tables, and it sweeps no one else's (docs/testing.md).
/// </summary>
public sealed class PlatformHostFixture : IAsyncLifetime
{
    private readonly PrivateAzurite _storage = new();
    private HostProcess? _host;

    public PlatformHostFixture()
    {
        Settings = new HostSettings(storageConnectionString: _storage.ConnectionString);
    }

    public HostSettings Settings { get; }

    /// <summary>The host's storage account: read and seed it through this, never through the shared Azurite.</summary>
    public string StorageConnectionString => _storage.ConnectionString;

    public HostProcess Host => _host ?? throw new InvalidOperationException("The platform host has not started.");

    public string AuditTable { get; } = $"audit{Guid.NewGuid():N}"[..20];

    public AuthOptions Auth { get; } = ReadSampleAuth();

    public async Task InitializeAsync()
    {
        await _storage.StartAsync();
        Settings["Audit__TableName"] = AuditTable;

        // Every test here reaches the host from one address: the per-client limit of signed-link attempts would otherwise
        // count all of them together (the limits have their own tests on hosts of their own).
        Settings["LinkAttempts__PerClientPerMinute"] = "1000000";
        Settings["LinkAttempts__PerLinkPerMinute"] = "1000000";

        // Tests here tamper with early entries and expect the route to see it: no checkpoint in between, and no scheduled
        // full verification (the incremental path has its own test on a host of its own).
        Settings["Audit__CheckpointInterval"] = "1000000000";
        Settings["Audit__VerificationSchedule"] = "0 0 0 1 1 *";
        Settings["Auth__IdentityProvider__Issuer"] = IdentityProviderIssuer;
        _host = await HostProcess.StartAsync(HostProcess.PlatformHostDll, Settings);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _storage.DisposeAsync();
    }

    /// <summary>The real-name identity provider the test host trusts to verify staff identities (M4.4).</summary>
    public const string IdentityProviderIssuer = "https://idp.realname.test/hubei";

    /// <summary>
    /// A staff member's sign-in token minted for the configured identity provider: it asserts (claims
    /// <c>real_name_verified</c> and <c>id_number</c>) that the provider verified the person holding <paramref name="idNumber"/>.
    /// </summary>
    public string IdentityProviderToken(string organization, string staffId, string idNumber, bool verified = true)
        => new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = IdentityProviderIssuer,
            Audience = Auth.Audience,
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = staffId,
                ["role"] = Platform.Domain.Security.Roles.Personnel,
                ["org"] = organization,
                ["id_number"] = idNumber,
                ["real_name_verified"] = verified,
            },
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(
                new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(Auth.SigningKey!)), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });

    public string Token(string role, string organization, string? subject = null, TimeSpan? lifetime = null, DateTimeOffset? issuedAt = null)
        => DevelopmentTokenIssuer.Mint(Auth, role, organization, subject ?? $"{role}-tester", lifetime ?? TimeSpan.FromHours(1), issuedAt ?? DateTimeOffset.UtcNow);

    public HttpClient Client(string? role = null, string organization = "org-test")
    {
        var client = new HttpClient { BaseAddress = new Uri(Host.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        if (role is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(role, organization));
        }

        return client;
    }

    /// <summary>A client of any local host run with the sample settings, signed in as <paramref name="role"/> of <paramref name="organization"/> (anonymous when null).</summary>
    public static HttpClient ClientOf(string baseUrl, string? role, string organization)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
        if (role is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                DevelopmentTokenIssuer.Mint(ReadSampleAuth(), role, organization, $"{role}-tester", TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
        }

        return client;
    }

    public static AuthOptions ReadSampleAuth()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(AzuriteFixture.RepositoryRoot, "local.settings.sample.json")));
        var values = sample.RootElement.GetProperty("Values");
        return new AuthOptions
        {
            Issuer = values.GetProperty("Auth__Issuer").GetString(),
            Audience = values.GetProperty("Auth__Audience").GetString(),
            SigningKey = values.GetProperty("Auth__SigningKey").GetString(),
        };
    }
}

/// <summary>
/// The lane of the tests that share one platform host (on its storage of its own), plus the e-mail tests with a mail host
/// of their own (<see cref="MailPlatformFixture"/>, also on storage of its own). See docs/testing.md.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformHostFixture>
{
    public const string Name = "Platform";
}

/// <summary>Valid unified social credit codes (GB 32100) for test organisations.</summary>
public static class TestCreditCodes
{
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    public static string New()
    {
        var body = "91420100" + string.Concat(Enumerable.Range(0, 9).Select(_ => Alphabet[Random.Shared.Next(Alphabet.Length)]));
        var sum = body.Select((c, i) => Alphabet.IndexOf(c) * Weights[i]).Sum();
        return body + Alphabet[(31 - (sum % 31)) % 31];
    }
}
