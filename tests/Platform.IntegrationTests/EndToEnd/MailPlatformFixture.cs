using System.Net.Http.Headers;
using Platform.Functions.Auth;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// The platform's local host with e-mail on, on an Azurite of its own (like <see cref="PlatformHostFixture"/>): smtp4dev
/// as its relay (free ports of its own), a delivery queue, contact table and audit table of its own, retries one second apart, and a webhook signing secret in its secret store.
/// </summary>
public sealed class MailPlatformFixture : IAsyncLifetime
{
    public const string WebhookSecretName = "robot-secret-e2e";
    public const string WebhookSecret = "dev-only-robot-secret-0123456789";

    private readonly PrivateAzurite _storage = new();
    private HostProcess? _host;

    public Smtp4devSink Sink { get; private set; } = null!;

    public HostProcess Host => _host ?? throw new InvalidOperationException("The platform host has not started.");

    public AuthOptions Auth { get; } = PlatformHostFixture.ReadSampleAuth();

    public async Task InitializeAsync()
    {
        await _storage.StartAsync();
        Sink = await Smtp4devSink.StartAsync();
        var settings = MailHostSettings("127.0.0.1", Sink.SmtpPort, _storage.ConnectionString);
        _host = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
    }

    /// <summary>Host settings with e-mail through the relay at <paramref name="smtpHost"/>:<paramref name="smtpPort"/>, and names of its own.</summary>
    public static HostSettings MailHostSettings(string smtpHost, int smtpPort, string? storageConnectionString = null)
    {
        var settings = new HostSettings(storageConnectionString: storageConnectionString);
        var unique = settings.TaskHub;
        settings["Platform__PublicBaseUrl"] = settings.BaseUrl;
        settings["Audit__TableName"] = $"audit{unique}";
        settings["Contacts__TableName"] = $"contacts{unique}";
        settings["Notifications__DeliveryQueue"] = $"notifications-{unique}";
        settings["Notifications__RetryBaseDelay"] = "00:00:01";
        settings["Notifications__RetryMaxDelay"] = "00:00:05";
        settings["Notifications__MaxAttempts"] = "4";
        settings["Smtp__Host"] = smtpHost;
        settings["Smtp__Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Smtp__Security"] = "None";
        settings["Smtp__FromAddress"] = "noreply@platform.local";
        settings[$"Secrets__{WebhookSecretName}"] = WebhookSecret;
        return settings;
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (Sink is not null)
        {
            await Sink.DisposeAsync();
        }

        await _storage.DisposeAsync();
    }

    public HttpClient Client(string role, string organization) => ClientOf(Host, Auth, role, organization);

    /// <summary>A client of <paramref name="host"/> with a development token for the role and organisation.</summary>
    public static HttpClient ClientOf(HostProcess host, AuthOptions auth, string role, string organization)
    {
        var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            DevelopmentTokenIssuer.Mint(auth, role, organization, $"{role}-tester", TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
        return client;
    }
}
