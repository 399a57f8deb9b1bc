using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Platform.Adapters.Notifications;
using Platform.Domain.Notifications;
using Platform.UnitTests.Personnel;
using Xunit;

namespace Platform.UnitTests.Notifications;

public sealed class NotificationDeliveryTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
    private static readonly Recipient Provider = Recipient.Organization("org-p1");
    private static readonly Notification Message = new("n-1", Provider, "scenario-review", "应用场景评审：充电", "请评审", "https://data.example.cn/api/approvals/abc.def", "scenarios/scn-1", Now);

    private readonly InMemoryOutbox _outbox = new();
    private readonly Mock<INotificationSender> _sender = new();
    private readonly NotificationDispatcher _dispatcher;

    public NotificationDeliveryTests()
    {
        _dispatcher = new NotificationDispatcher(_outbox, _sender.Object, new FixedClock(Now));
    }

    [Fact]
    public async Task Deliver_SenderSucceeds_SentOnceAndMarkedDelivered()
    {
        await _outbox.SendAsync(Message);

        var status = await _dispatcher.DeliverAsync(new NotificationDeliveryRequest("org:org-p1", "n-1"), 1);

        Assert.Equal(NotificationDeliveryStatus.Delivered, status);
        _sender.Verify(s => s.SendAsync(It.Is<Notification>(n => n.Id == "n-1"), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(new NotificationDelivery(NotificationDeliveryStatus.Delivered, 1, Now, null, Now), _outbox.Stored["n-1"].Delivery);
    }

    [Fact]
    public async Task Deliver_AlreadyDelivered_NotSentAgain()
    {
        await _outbox.SendAsync(Message with { Delivery = new NotificationDelivery(NotificationDeliveryStatus.Delivered, 1, Now, null, Now) });

        var status = await _dispatcher.DeliverAsync(new NotificationDeliveryRequest("org:org-p1", "n-1"), 2);

        Assert.Equal(NotificationDeliveryStatus.Delivered, status);
        _sender.Verify(s => s.SendAsync(It.IsAny<Notification>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Deliver_SenderFails_RecordsAttemptAndRethrowsForTheQueueToRetry()
    {
        await _outbox.SendAsync(Message);
        _sender.Setup(s => s.SendAsync(It.IsAny<Notification>(), It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("mail relay down"));

        await Assert.ThrowsAsync<IOException>(() => _dispatcher.DeliverAsync(new NotificationDeliveryRequest("org:org-p1", "n-1"), 2));

        var delivery = _outbox.Stored["n-1"].Delivery!;
        Assert.Equal((NotificationDeliveryStatus.Pending, 2), (delivery.Status, delivery.Attempts));
        Assert.Equal("IOException: mail relay down", delivery.LastError);
    }

    [Fact]
    public async Task Deliver_LastAttemptFails_MarkedFailed()
    {
        await _outbox.SendAsync(Message);
        _sender.Setup(s => s.SendAsync(It.IsAny<Notification>(), It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("mail relay down"));

        await Assert.ThrowsAsync<IOException>(() => _dispatcher.DeliverAsync(new NotificationDeliveryRequest("org:org-p1", "n-1"), NotificationDispatcher.MaxAttempts));

        Assert.Equal(NotificationDeliveryStatus.Failed, _outbox.Stored["n-1"].Delivery!.Status);
    }

    [Fact]
    public async Task Deliver_UnknownMessage_NothingSent()
    {
        var status = await _dispatcher.DeliverAsync(new NotificationDeliveryRequest("org:org-p1", "missing"), 1);

        Assert.Null(status);
        _sender.Verify(s => s.SendAsync(It.IsAny<Notification>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Deliver_NotARecipientKey_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _dispatcher.DeliverAsync(new NotificationDeliveryRequest("nobody", "n-1"), 1));
    }

    [Theory]
    [InlineData("org:org-1", "org", "org-1")]
    [InlineData("role:authority", "role", "authority")]
    [InlineData("role:a:b", "role", "a:b")]
    public void RecipientFromKey_Keys_RoundTrip(string key, string kind, string value)
    {
        var recipient = Recipient.FromKey(key);

        Assert.Equal(new Recipient(kind, value), recipient);
        Assert.Equal(key, recipient!.Key);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("org:")]
    [InlineData(":x")]
    [InlineData("team:x")]
    public void RecipientFromKey_NotAKey_Null(string? key)
    {
        Assert.Null(Recipient.FromKey(key));
    }

    [Fact]
    public async Task EmailSender_RecipientWithAddresses_SendsSubjectBodyAndLink()
    {
        var addresses = new Mock<IRecipientAddressBook>();
        addresses.Setup(a => a.AddressesOfAsync(Provider, "review", It.IsAny<CancellationToken>())).ReturnsAsync(["reviewer@p1.example.cn"]);
        var transport = new Mock<IEmailTransport>();
        EmailMessage? sent = null;
        transport.Setup(t => t.SendAsync(It.IsAny<EmailMessage>(), It.IsAny<CancellationToken>())).Callback((EmailMessage m, CancellationToken _) => sent = m).Returns(Task.CompletedTask);

        await new EmailNotificationSender(addresses.Object, transport.Object).SendAsync(Message);

        Assert.Equal(["reviewer@p1.example.cn"], sent!.To);
        Assert.Equal(Message.Subject, sent.Subject);
        Assert.Contains(Message.Link!, sent.TextBody, StringComparison.Ordinal);
        Assert.StartsWith("请评审", sent.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmailSender_NoAddress_FailsPermanently()
    {
        var addresses = new Mock<IRecipientAddressBook>();
        addresses.Setup(a => a.AddressesOfAsync(It.IsAny<Recipient>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);

        var error = await Assert.ThrowsAsync<NotificationDeliveryException>(() => new EmailNotificationSender(addresses.Object, Mock.Of<IEmailTransport>()).SendAsync(Message));

        Assert.Contains("org:org-p1", error.Message, StringComparison.Ordinal);
        Assert.Equal(DeliveryFailureKind.Permanent, error.Kind);
    }

    [Fact]
    public async Task LoggingSender_Link_TokenLeftOutOfTheLog()
    {
        var redacted = LoggingNotificationSender.Redact(Message.Link);
        await new LoggingNotificationSender(NullLogger<LoggingNotificationSender>.Instance).SendAsync(Message);

        Assert.Equal("https://data.example.cn/api/approvals/…", redacted);
        Assert.Null(LoggingNotificationSender.Redact(null));
    }

    /// <summary>The outbox in memory with the defaults of the interface for what it does not override.</summary>
    private sealed class InMemoryOutbox : INotificationOutbox
    {
        public Dictionary<string, Notification> Stored { get; } = [];

        public Task SendAsync(Notification notification, CancellationToken cancellationToken = default)
        {
            Stored.TryAdd(notification.Id, notification with { Delivery = notification.Delivery ?? NotificationDelivery.Pending(notification.CreatedAt) });
            return Task.CompletedTask;
        }

        public Task<(IReadOnlyList<Notification> Items, string? ContinuationToken)> ListAsync(Recipient recipient, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
            => Task.FromResult<(IReadOnlyList<Notification>, string?)>((Stored.Values.Where(n => n.Recipient == recipient).ToList(), null));

        public Task<Notification?> GetAsync(Recipient recipient, string id, CancellationToken cancellationToken = default)
            => Task.FromResult(Stored.TryGetValue(id, out var n) && n.Recipient == recipient ? n : null);

        public Task RecordDeliveryAsync(Recipient recipient, string id, NotificationDelivery delivery, CancellationToken cancellationToken = default)
        {
            Stored[id] = Stored[id] with { Delivery = delivery };
            return Task.CompletedTask;
        }
    }
}
