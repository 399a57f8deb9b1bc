using Moq;
using Platform.Domain.Common;
using Platform.Domain.Audit;
using Platform.Domain.Contacts;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Secrets;
using Platform.Domain.Security;
using Platform.UnitTests.Personnel;
using Xunit;

namespace Platform.UnitTests.Contacts;

public sealed class ContactRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Validate_GoodContact_ReturnsCanonicalValues()
    {
        var (name, email, mobile, duties) = ContactRules.Validate(new ContactInput(" 张三 ", "zhang.san@example.gov.cn", "+86 138-0013-8000", ["review", "review", "security"]));

        Assert.Equal(("张三", "zhang.san@example.gov.cn", "+8613800138000"), (name, email, mobile));
        Assert.Equal(["review", "security"], duties);
    }

    [Theory]
    [InlineData("", "a@b.cn", null, "review", "name")]
    [InlineData("张三", "not-an-address", null, "review", "email")]
    [InlineData("张三", "a@b.cn, c@d.cn", null, "review", "email")]
    [InlineData("张三", "a@b.cn", "12345", "review", "mobile")]
    [InlineData("张三", "a@b.cn", null, "gossip", "duties")]
    [InlineData("张三", "a@b.cn", null, null, "duties")]
    public void Validate_BadField_422NamingTheField(string name, string email, string? mobile, string? duty, string field)
    {
        var error = Assert.Throws<DomainException>(() => ContactRules.Validate(new ContactInput(name, email, mobile, duty is null ? [] : [duty])));

        Assert.Equal(("contact.invalid", FailureKind.Unprocessable), (error.Code, error.Kind));
        Assert.True(error.Errors!.ContainsKey(field), string.Join(",", error.Errors.Keys));
    }

    [Theory]
    [InlineData("https://oapi.dingtalk.example.com/robot/send?access_token=x", true)]
    [InlineData("http://127.0.0.1:8080/hook", true)]
    [InlineData("http://robot.example.com/hook", false)]
    [InlineData("https://user:pass@robot.example.com/hook", false)]
    [InlineData("not a url", false)]
    public void ValidateWebhook_Url_HttpsOrLoopbackOnly(string url, bool valid)
    {
        if (valid)
        {
            Assert.Equal(url, ContactRules.ValidateWebhook(new WebhookInput(url, "robot-1")).Url.OriginalString);
        }
        else
        {
            Assert.Equal("webhook.invalid", Assert.Throws<DomainException>(() => ContactRules.ValidateWebhook(new WebhookInput(url, "robot-1"))).Code);
        }
    }

    [Theory]
    [InlineData("scenario-review", null, "review")]
    [InlineData("data-request", null, "review")]
    [InlineData("incident", null, "security")]
    [InlineData("suspension", null, "security")]
    [InlineData("annual-report", null, "reports")]
    [InlineData("filing", null, "reports")]
    [InlineData("grant", null, "general")]
    [InlineData("notification-failed", null, "general")]
    [InlineData("something-new", "https://x/api/approvals/t", "review")]
    public void DutyOf_Category_FitsTheDuty(string category, string? link, string duty)
    {
        var notification = new Notification("n-1", Recipient.Organization("org-1"), category, "s", "b", link, null, Now);

        Assert.Equal(duty, NotificationDuties.DutyOf(notification));
    }

    [Fact]
    public async Task Directory_ContactsOfOwner_OnlyThoseWithTheDuty()
    {
        var store = new Mock<IContactStore>();
        store.Setup(s => s.ListAsync("org:org-1", It.IsAny<CancellationToken>())).ReturnsAsync(
        [
            Contact("c1", "a@p.cn", ["review"]), Contact("c2", "b@p.cn", ["security"]), Contact("c3", "A@p.cn", ["review", "general"]),
        ]);

        var addresses = await new ContactDirectory(store.Object).AddressesOfAsync(Recipient.Organization("org-1"), "review");

        Assert.Equal(["a@p.cn"], addresses);
    }

    [Fact]
    public async Task Service_OtherOrganisation_NotFoundAndNothingRead()
    {
        var store = new Mock<IContactStore>(MockBehavior.Strict);
        var service = Service(store.Object);

        var error = await Assert.ThrowsAsync<DomainException>(() => service.ListAsync(Recipient.Organization("org-1"), new Caller("u", Roles.Provider, "org-2")));
        var supervisor = await Assert.ThrowsAsync<DomainException>(() => service.ListAsync(Recipient.Organization("org-1"), new Caller("u", Roles.Supervisor, "org-1")));
        var authorityOwn = await Assert.ThrowsAsync<DomainException>(() => service.ListAsync(Recipient.Role(Roles.Authority), new Caller("u", Roles.Operator, "org-1")));

        Assert.Equal(FailureKind.NotFound, error.Kind);
        Assert.Equal(FailureKind.NotFound, supervisor.Kind);
        Assert.Equal(FailureKind.NotFound, authorityOwn.Kind);
    }

    [Fact]
    public async Task Service_Add_AuditsIdsAndDutiesButNoPersonalData()
    {
        var store = new Mock<IContactStore>();
        store.Setup(s => s.ListAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        store.Setup(s => s.AddAsync(It.IsAny<Contact>(), It.IsAny<CancellationToken>())).ReturnsAsync("etag-1");
        var audit = new Mock<IAuditTrail>();
        object? payload = null;
        audit.Setup(a => a.RecordAsync(It.IsAny<Caller>(), "contact.added", It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()))
            .Callback((Caller _, string _, string _, object? p, CancellationToken _) => payload = p).ReturnsAsync((AuditEntry)null!);
        var service = Service(store.Object, audit.Object);

        var added = await service.AddAsync(Recipient.Organization("org-1"), "con-1", new ContactInput("张三", "zhang@p.cn", "13800138000", ["review"]), new Caller("u", Roles.Provider, "org-1"));

        Assert.Equal(("org:org-1", "zhang@p.cn"), (added.Value.Owner, added.Value.Email));
        var text = System.Text.Json.JsonSerializer.Serialize(payload);
        Assert.Contains("review", text, StringComparison.Ordinal);
        Assert.DoesNotContain("zhang@p.cn", text, StringComparison.Ordinal);
        Assert.DoesNotContain("13800138000", text, StringComparison.Ordinal);
        Assert.DoesNotContain("张三", text, StringComparison.Ordinal);
    }

    private static ContactService Service(IContactStore store, IAuditTrail? audit = null)
    {
        var organizations = new Mock<IOrganizationStore>();
        organizations.Setup(o => o.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Versioned<Organization>(new Organization("org-1", "单位", OrganizationKind.Provider, "x", "420100", Now, "a", null), "e"));
        return new ContactService(store, organizations.Object, Mock.Of<ISecretStore>(), audit ?? Mock.Of<IAuditTrail>(), new FixedClock(Now));
    }

    private static Contact Contact(string id, string email, string[] duties) => new(id, "org:org-1", "名", email, null, duties, Now, "u", Now, "u");
}
