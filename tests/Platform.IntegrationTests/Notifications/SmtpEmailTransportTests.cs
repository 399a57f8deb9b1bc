using Microsoft.Extensions.Options;
using Platform.Adapters.Notifications;
using Platform.Domain.Notifications;
using Platform.Domain.Secrets;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.Notifications;

/// <summary>The MailKit transport against a real SMTP peer on loopback: what each answer means for a retry.</summary>
public sealed class SmtpEmailTransportTests
{
    private static readonly EmailMessage Mail = new(["reviewer@power.example.cn"], "应用场景评审：充电设施", "请评审", "<p>请评审</p>", "notification.n-1");

    [Fact]
    public async Task Send_RelayAccepts_OneMessageWithDerivedMessageIdAndBothParts()
    {
        await using var relay = new ScriptedSmtpServer(refusals: 0);

        await Transport(relay.Port).SendAsync(Mail);

        var raw = Assert.Single(relay.Messages);
        Assert.Contains("Message-ID: <notification.n-1@platform.local>", raw, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("multipart/alternative", raw, StringComparison.Ordinal);
        Assert.Contains("text/html", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_RelayAnswers421_TransientAndNothingSent()
    {
        await using var relay = new ScriptedSmtpServer(refusals: 1);

        var failure = await Assert.ThrowsAsync<NotificationDeliveryException>(() => Transport(relay.Port).SendAsync(Mail));

        Assert.Equal(DeliveryFailureKind.Transient, failure.Kind);
        Assert.Contains("421", failure.Message, StringComparison.Ordinal);
        Assert.Empty(relay.Messages);
    }

    [Fact]
    public async Task Send_RelayRejectsRecipientWith550_Permanent()
    {
        await using var relay = new ScriptedSmtpServer(refusals: 0, rejectRecipients: true);

        var failure = await Assert.ThrowsAsync<NotificationDeliveryException>(() => Transport(relay.Port).SendAsync(Mail));

        Assert.Equal(DeliveryFailureKind.Permanent, failure.Kind);
        Assert.Contains("550", failure.Message, StringComparison.Ordinal);
        Assert.Empty(relay.Messages);
    }

    [Fact]
    public async Task Send_NobodyListens_Transient()
    {
        var port = HostProcess.FreePort();

        var failure = await Assert.ThrowsAsync<NotificationDeliveryException>(() => Transport(port).SendAsync(Mail));

        Assert.Equal(DeliveryFailureKind.Transient, failure.Kind);
    }

    private static SmtpEmailTransport Transport(int port)
        => new(Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = port, Security = "None", FromAddress = "noreply@platform.local", Timeout = TimeSpan.FromSeconds(10) }),
            new NoSecrets());

    private sealed class NoSecrets : ISecretStore
    {
        public Task<string> GetSecretAsync(string name, CancellationToken cancellationToken = default) => throw new SecretNotFoundException(name);
    }
}
