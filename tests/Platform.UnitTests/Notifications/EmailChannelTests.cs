using Microsoft.Extensions.Options;
using Moq;
using Platform.Adapters.Notifications;
using Platform.Domain.Contacts;
using Platform.Domain.Notifications;
using Platform.Functions.Http;
using Platform.UnitTests.Personnel;
using Xunit;

namespace Platform.UnitTests.Notifications;

public sealed class EmailChannelTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
    private static readonly Notification Review = new("scenario-review-scn-1-r1-authority", Recipient.Organization("org-p1"), "scenario-review",
        "应用场景评审：<充电>", "运营机构 A&B 提交了场景 \"<script>alert(1)</script>\"。", "https://data.example.cn/api/approvals/abc.def?x=1&y=2", "scenarios/scn-1", Now);

    [Fact]
    public void Compose_ValuesWithMarkup_HtmlEscapesEveryValueAndLinkIsTheOnlyAnchor()
    {
        var mail = EmailComposer.Compose(Review, ["a@p.cn"]);

        Assert.DoesNotContain("<script>", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("A&amp;B", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(mail.HtmlBody!, "<a "));
        Assert.Contains("href=\"https://data.example.cn/api/approvals/abc.def?x=1&amp;y=2\"", mail.HtmlBody, StringComparison.Ordinal);
        Assert.StartsWith(Review.Body, mail.TextBody, StringComparison.Ordinal);
        Assert.Contains(Review.Link!, mail.TextBody, StringComparison.Ordinal);
        Assert.Equal("notification.scenario-review-scn-1-r1-authority", mail.MessageIdLocalPart);
    }

    [Fact]
    public void MessageId_SameNotification_SameIdAndOddIdsHashed()
    {
        Assert.Equal(EmailComposer.MessageIdLocalPart("a b/c"), EmailComposer.MessageIdLocalPart("a b/c"));
        Assert.Matches("^notification\\.[0-9a-f]{64}$", EmailComposer.MessageIdLocalPart("a b/c"));
    }

    [Fact]
    public void ToMime_Message_MultipartTextAndHtmlWithDerivedMessageId()
    {
        var options = new SmtpOptions { Host = "relay", FromAddress = "noreply@data.hubei.gov.cn" };

        var mime = SmtpEmailTransport.ToMime(EmailComposer.Compose(Review, ["a@p.cn"]), options);

        Assert.Equal("notification.scenario-review-scn-1-r1-authority@data.hubei.gov.cn", mime.MessageId);
        Assert.Equal(Review.Subject, mime.Subject);
        Assert.Contains(Review.Link!, mime.TextBody, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", mime.HtmlBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("None", "Production", "Smtp:Security")]
    [InlineData("Plain", "Development", "Smtp:Security")]
    [InlineData("StartTls", "Production", "Smtp:FromAddress")]
    public void SmtpOptions_Invalid_FailNamingTheSetting(string security, string environment, string setting)
    {
        var options = new SmtpOptions { Host = "relay.example.gov.cn", Security = security, FromAddress = setting == "Smtp:FromAddress" ? "nobody" : "noreply@example.gov.cn" };

        var result = new SmtpOptionsValidator(environment).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(setting, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void SmtpOptions_NoHost_EmailOffAndValid()
    {
        Assert.True(new SmtpOptionsValidator("Production").Validate(null, new SmtpOptions()).Succeeded);
    }

    [Fact]
    public async Task Sender_EmailFailsTransiently_WebhookNotTriedAndNothingCountedDelivered()
    {
        var addresses = AddressBook(["a@p.cn"], new WebhookEndpoint("org:org-p1", "https://robot.example.cn/h", "s", Now, "u"));
        var transport = new Mock<IEmailTransport>();
        transport.Setup(t => t.SendAsync(It.IsAny<EmailMessage>(), It.IsAny<CancellationToken>())).ThrowsAsync(new NotificationDeliveryException(DeliveryFailureKind.Transient, "SMTP 421"));
        var webhook = new Mock<IWebhookTransport>();

        var error = await Assert.ThrowsAsync<NotificationDeliveryException>(() => new EmailNotificationSender(addresses, transport.Object, webhook.Object).SendAsync(Review, new HashSet<string>()));

        Assert.Equal(DeliveryFailureKind.Transient, error.Kind);
        webhook.Verify(w => w.PostAsync(It.IsAny<WebhookEndpoint>(), It.IsAny<Notification>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Sender_EmailAlreadyDelivered_OnlyTheWebhookIsRetried()
    {
        var addresses = AddressBook(["a@p.cn"], new WebhookEndpoint("org:org-p1", "https://robot.example.cn/h", "s", Now, "u"));
        var transport = new Mock<IEmailTransport>();
        var webhook = new Mock<IWebhookTransport>();

        var channels = await new EmailNotificationSender(addresses, transport.Object, webhook.Object).SendAsync(Review, new HashSet<string> { EmailNotificationSender.EmailChannel });

        Assert.Equal([EmailNotificationSender.WebhookChannel], channels);
        transport.Verify(t => t.SendAsync(It.IsAny<EmailMessage>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public void WebhookSignature_TimestampOrBodyChanged_DoesNotVerify()
    {
        var signature = WebhookSignature.Sign("secret", 1760000000, "{\"a\":1}");

        Assert.StartsWith("sha256=", signature, StringComparison.Ordinal);
        Assert.True(WebhookSignature.Verify("secret", 1760000000, "{\"a\":1}", signature));
        Assert.False(WebhookSignature.Verify("secret", 1760000001, "{\"a\":1}", signature));
        Assert.False(WebhookSignature.Verify("secret", 1760000000, "{\"a\":2}", signature));
        Assert.False(WebhookSignature.Verify("secret", 1760000000, "{\"a\":1}", null));
    }

    [Theory]
    [InlineData("/api/approvals/eyJhbGciOi.sig", "/api/approvals/***")]
    [InlineData("https://h/api/approvals/abc.def?x=1", "https://h/api/approvals/***?x=1")]
    [InlineData("/api/scenarios/scn-1", "/api/scenarios/scn-1")]
    [InlineData(null, "")]
    public void LinkTokenMask_Path_TokenHidden(string? path, string expected)
    {
        Assert.Equal(expected, LinkTokenMask.Mask(path));
    }

    [Fact]
    public void Backoff_Attempts_DoublesUpToTheCap()
    {
        var options = new NotificationDeliveryOptions { RetryBaseDelay = TimeSpan.FromSeconds(30), RetryMaxDelay = TimeSpan.FromMinutes(5) };

        Assert.Equal(
            [TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(240), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5)],
            Enumerable.Range(1, 6).Select(options.BackoffAfter));
    }

    private static IRecipientAddressBook AddressBook(IReadOnlyList<string> addresses, WebhookEndpoint? webhook)
    {
        var book = new Mock<IRecipientAddressBook>();
        book.Setup(b => b.AddressesOfAsync(It.IsAny<Recipient>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(addresses);
        book.Setup(b => b.WebhookOfAsync(It.IsAny<Recipient>(), It.IsAny<CancellationToken>())).ReturnsAsync(webhook);
        return book.Object;
    }
}
