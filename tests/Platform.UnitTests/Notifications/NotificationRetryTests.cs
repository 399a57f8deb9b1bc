using Moq;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.UnitTests.Personnel;
using Xunit;

namespace Platform.UnitTests.Notifications;

/// <summary>The dispatcher's own backoff and permanent failures, over an outbox that can delay a delivery.</summary>
public sealed class NotificationRetryTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
    private static readonly Notification Message = new("n-1", Recipient.Organization("org-p1"), "scenario-review", "评审", "请评审", "https://x/api/approvals/t", "scenarios/scn-1", Now);
    private static readonly NotificationDeliveryRequest Request = new("org:org-p1", "n-1");

    private readonly Mock<INotificationOutbox> _outbox = new();
    private readonly Mock<IChannelNotificationSender> _sender = new();
    private readonly List<NotificationDelivery> _recorded = [];
    private readonly List<DeliveryAttempt> _attempts = [];
    private readonly List<Notification> _sent = [];
    private readonly List<TimeSpan> _delays = [];
    private Notification _stored = Message with { Delivery = NotificationDelivery.Pending(Now) };

    public NotificationRetryTests()
    {
        _outbox.Setup(o => o.GetAsync(Message.Recipient, "n-1", It.IsAny<CancellationToken>())).ReturnsAsync(() => _stored);
        _outbox.Setup(o => o.AttemptsAsync(Message.Recipient, "n-1", It.IsAny<CancellationToken>())).ReturnsAsync(() => _attempts.ToList());
        _outbox.Setup(o => o.TryClaimAsync(It.IsAny<Recipient>(), It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        _outbox.Setup(o => o.RecordDeliveryAsync(Message.Recipient, "n-1", It.IsAny<NotificationDelivery>(), It.IsAny<CancellationToken>()))
            .Callback((Recipient _, string _, NotificationDelivery d, CancellationToken _) => { _recorded.Add(d); _stored = _stored with { Delivery = d }; }).Returns(Task.CompletedTask);
        _outbox.Setup(o => o.RecordAttemptAsync(Message.Recipient, "n-1", It.IsAny<DeliveryAttempt>(), It.IsAny<CancellationToken>()))
            .Callback((Recipient _, string _, DeliveryAttempt a, CancellationToken _) => _attempts.Add(a)).Returns(Task.CompletedTask);
        _outbox.Setup(o => o.RetryLaterAsync(Request, It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .Callback((NotificationDeliveryRequest _, TimeSpan delay, CancellationToken _) => _delays.Add(delay)).ReturnsAsync(true);
        _outbox.Setup(o => o.SendAsync(It.IsAny<Notification>(), It.IsAny<CancellationToken>()))
            .Callback((Notification n, CancellationToken _) => _sent.Add(n)).Returns(Task.CompletedTask);
    }

    private NotificationDispatcher Dispatcher => new(_outbox.Object, _sender.Object, new FixedClock(Now),
        new NotificationDeliveryOptions { MaxAttempts = 3, RetryBaseDelay = TimeSpan.FromSeconds(10), RetryMaxDelay = TimeSpan.FromMinutes(1) });

    [Fact]
    public async Task Deliver_TransientThenSuccess_QueuedAgainWithBackoffThenDeliveredOnSecondAttempt()
    {
        _sender.SetupSequence(s => s.SendAsync(It.IsAny<Notification>(), It.IsAny<IReadOnlySet<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NotificationDeliveryException(DeliveryFailureKind.Transient, "SMTP 421"))
            .ReturnsAsync(["email"]);

        var first = await Dispatcher.DeliverAsync(Request, 1);
        var second = await Dispatcher.DeliverAsync(Request, 1);

        Assert.Equal((NotificationDeliveryStatus.Pending, NotificationDeliveryStatus.Delivered), (first, second));
        Assert.Equal([TimeSpan.FromSeconds(10)], _delays);
        Assert.Equal([(1, "transient"), (2, "delivered")], _attempts.Select(a => (a.Number, a.Outcome)));
        Assert.Equal(2, _stored.Delivery!.Attempts);
        Assert.Empty(_sent);
    }

    [Fact]
    public async Task Deliver_Permanent_MarkedFailedAndAuthorityToldOnce()
    {
        _sender.Setup(s => s.SendAsync(It.IsAny<Notification>(), It.IsAny<IReadOnlySet<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NotificationDeliveryException(DeliveryFailureKind.Permanent, "SMTP 550 mailbox unavailable"));

        var status = await Dispatcher.DeliverAsync(Request, 1);
        var again = await Dispatcher.DeliverAsync(Request, 2);

        Assert.Equal((NotificationDeliveryStatus.Failed, NotificationDeliveryStatus.Failed), (status, again));
        Assert.Empty(_delays);
        var notice = Assert.Single(_sent);
        Assert.Equal(("n-1-delivery-failed", Recipient.Role(Roles.Authority), NotificationDuties.DeliveryFailedCategory), (notice.Id, notice.Recipient, notice.Category));
        Assert.Null(notice.Link);
        Assert.Contains("550", notice.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_TransientOnTheLastAttempt_Failed()
    {
        _sender.Setup(s => s.SendAsync(It.IsAny<Notification>(), It.IsAny<IReadOnlySet<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NotificationDeliveryException(DeliveryFailureKind.Transient, "SMTP 421"));

        for (var i = 0; i < 3; i++)
        {
            await Dispatcher.DeliverAsync(Request, 1);
        }

        Assert.Equal(NotificationDeliveryStatus.Failed, _stored.Delivery!.Status);
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)], _delays);
        Assert.Single(_sent);
    }

    [Fact]
    public async Task Deliver_FailureNoticeItselfFails_NoFurtherNotice()
    {
        _stored = _stored with { Category = NotificationDuties.DeliveryFailedCategory };
        _sender.Setup(s => s.SendAsync(It.IsAny<Notification>(), It.IsAny<IReadOnlySet<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NotificationDeliveryException(DeliveryFailureKind.Permanent, "no contact"));

        Assert.Equal(NotificationDeliveryStatus.Failed, await Dispatcher.DeliverAsync(Request, 1));
        Assert.Empty(_sent);
    }

    [Fact]
    public async Task Deliver_ClaimedByAnotherWorker_NotSentAndLookedAtAgainLater()
    {
        _outbox.Setup(o => o.TryClaimAsync(It.IsAny<Recipient>(), It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(false);

        Assert.Equal(NotificationDeliveryStatus.Pending, await Dispatcher.DeliverAsync(Request, 1));
        Assert.Equal([NotificationDispatcher.ClaimDuration], _delays);
        _sender.Verify(s => s.SendAsync(It.IsAny<Notification>(), It.IsAny<IReadOnlySet<string>>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Deliver_ChannelDeliveredEarlier_PassedAsAlreadyDelivered()
    {
        _attempts.Add(new DeliveryAttempt(1, Now, DeliveryAttempt.Transient, ["email"], "webhook: 503"));
        IReadOnlySet<string>? already = null;
        _sender.Setup(s => s.SendAsync(It.IsAny<Notification>(), It.IsAny<IReadOnlySet<string>>(), It.IsAny<CancellationToken>()))
            .Callback((Notification _, IReadOnlySet<string> a, CancellationToken _) => already = a).ReturnsAsync(["webhook"]);
        _stored = _stored with { Delivery = new NotificationDelivery(NotificationDeliveryStatus.Pending, 1, null, "webhook: 503", Now) };

        await Dispatcher.DeliverAsync(Request, 1);

        Assert.Equal(["email"], already);
        Assert.Equal(2, _stored.Delivery!.Attempts);
    }
}
