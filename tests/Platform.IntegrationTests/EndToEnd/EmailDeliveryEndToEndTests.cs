using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.IntegrationTests.Infrastructure;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.ScenarioSteps;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Officials receive their links (issue 17): on the local host with smtp4dev as relay, each reviewer's contact gets one
/// e-mail, the link in it is opened and decided in headless Chromium, the operator's contact gets the result; a
/// recipient without a contact for the duty ends failed and the authority is told; a webhook gets signed POSTs; and
/// the host's log never holds a link token.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed partial class EmailDeliveryEndToEndTests(MailPlatformFixture platform) : IClassFixture<MailPlatformFixture>
{
    [Fact]
    public async Task Scenario_ReviewersMailedOnceApprovedInBrowser_OperatorMailedResultAndNoTokenInLog()
    {
        var title = $"充电设施布局优化 {Guid.NewGuid():N}"[..20];
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var (operatorId, agreementId) = await CreateOperatorWithAgreementAsync(authority);
        var providerId = await CreateOrganizationAsync(authority, "provider", "湖北省电力公司");
        using var provider = platform.Client(Roles.Provider, providerId);
        using var owner = platform.Client(Roles.Operator, operatorId);
        // The scenario names a published resource of the provider (M4.2); its publication notices go out before any
        // contact or channel exists, so they never reach the addresses this test counts.
        var resourceId = await PublishResourceAsync(authority, provider);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var unique = Guid.NewGuid().ToString("N")[..8];
        var authorityReviewer = $"reviewer-{unique}@authority.example.gov.cn";
        var providerReviewer = $"reviewer-{unique}@power.example.cn";
        var providerSecurity = $"security-{unique}@power.example.cn";
        var operatorContact = $"ops-{unique}@operator.example.cn";
        await AddContactAsync(authority, "/api/authority/contacts", "王审核", authorityReviewer, ["review"]);
        await AddContactAsync(provider, $"/api/organizations/{providerId}/contacts", "李评审", providerReviewer, ["review"]);
        await AddContactAsync(provider, $"/api/organizations/{providerId}/contacts", "赵安全", providerSecurity, ["security"]);
        await AddContactAsync(authority, $"/api/organizations/{operatorId}/contacts", "陈运营", operatorContact, ["review", "general"]);

        var scenarioId = await SubmitAsync(owner, Body(agreementId, [resourceId], title: title));

        var toAuthority = await platform.Sink.WaitForAsync(authorityReviewer, title);
        var toProvider = await platform.Sink.WaitForAsync(providerReviewer, title);
        Assert.Single(toAuthority);
        Assert.Single(toProvider);
        Assert.Empty(await platform.Sink.MessagesToAsync(providerSecurity, title));
        var providerNotification = $"{InstanceId(scenarioId, 1)}-provider-{providerId}";
        Assert.Equal($"<notification.{providerNotification}@platform.local>", await platform.Sink.HeaderAsync(toProvider[0], "Message-ID"));
        var html = await platform.Sink.HtmlAsync(toProvider[0]);
        var links = new List<string>();
        foreach (var mail in new[] { toAuthority[0], toProvider[0] })
        {
            var text = await platform.Sink.PlainTextAsync(mail);
            Assert.Contains(title, text, StringComparison.Ordinal);
            links.Add(ApprovalLink().Match(text).Value);
        }

        Assert.All(links, link => Assert.StartsWith(platform.Host.BaseUrl + "/api/approvals/", link, StringComparison.Ordinal));
        Assert.Single(AnchorTag().Matches(html));
        Assert.Contains($"href=\"{WebUtility.HtmlEncode(links[1])}\"", html, StringComparison.Ordinal);

        await using (var browser = await HeadlessChromium.StartAsync())
        {
            foreach (var link in links)
            {
                await browser.NavigateAsync(link);
                Assert.Equal("UTF-8", await browser.EvaluateAsync<string>("document.characterSet"));
                Assert.Contains(title, await browser.EvaluateAsync<string>("document.body.innerText"), StringComparison.Ordinal);
                await browser.SubmitAsync("""
                    for (const name of ['economicValue','socialValue','businessModel','reasonableness','necessity','satisfiability'])
                      document.querySelector(`input[name="scores.${name}"][value="4"]`).click();
                    document.querySelector('input[name="decision"][value="approve"]').click();
                    document.querySelector('#comment').value = '同意（邮件链接）';
                    document.querySelector('button[type="submit"]').click();
                    """);
                Assert.Contains("您的决定已记录", await browser.EvaluateAsync<string>("document.body.innerText"), StringComparison.Ordinal);
            }
        }

        await WaitForStatusAsync(owner, scenarioId, "approved", TimeSpan.FromSeconds(90));
        var result = await platform.Sink.WaitForAsync(operatorContact, "应用场景评审结果");
        var resultMail = Assert.Single(result, m => m.GetProperty("subject").GetString()!.Contains(title, StringComparison.Ordinal));
        Assert.Contains("评审通过", await platform.Sink.PlainTextAsync(resultMail), StringComparison.Ordinal);

        // The sending side sees delivery status and attempts, not the link.
        var status = await authority.GetFromJsonAsync<JsonElement>($"/api/notifications/{providerNotification}");
        Assert.Equal("delivered", status.GetProperty("delivery").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("link").ValueKind);
        var attempt = Assert.Single(status.GetProperty("attempts").EnumerateArray());
        Assert.Equal(("delivered", "email"), (attempt.GetProperty("outcome").GetString(), attempt.GetProperty("channels")[0].GetString()));

        // A used link answers 409 with problem details that do not echo the token; the host's log never held one.
        using var anonymous = new HttpClient();
        var usedPage = await anonymous.GetAsync(links[1]);
        var used = await anonymous.PostAsJsonAsync(links[1], new { decision = "reject", comment = "再次提交", scores = FullScores });
        var problem = await used.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, used.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, usedPage.StatusCode);
        Assert.Contains("/api/approvals/***", problem, StringComparison.Ordinal);
        var log = platform.Host.Output;
        Assert.Contains("/api/approvals/***", log, StringComparison.Ordinal);
        foreach (var link in links)
        {
            var token = link[(link.LastIndexOf('/') + 1)..];
            Assert.DoesNotContain(token, problem, StringComparison.Ordinal);
            Assert.DoesNotContain(token, log, StringComparison.Ordinal);
            Assert.DoesNotContain(token[..Math.Min(24, token.Length)], log, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Notification_NoContactForTheDuty_EndsFailedAndTheAuthorityIsTold()
    {
        var title = $"无联系人测试 {Guid.NewGuid():N}"[..18];
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var (operatorId, agreementId) = await CreateOperatorWithAgreementAsync(authority);
        var providerId = await CreateOrganizationAsync(authority, "provider", "湖北省交通运输厅");
        using var provider = platform.Client(Roles.Provider, providerId);
        using var owner = platform.Client(Roles.Operator, operatorId);
        // The scenario names a published resource of the provider (M4.2); its publication notices go out before any
        // contact or channel exists, so they never reach the addresses this test counts.
        var resourceId = await PublishResourceAsync(authority, provider);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var unique = Guid.NewGuid().ToString("N")[..8];
        var authorityDesk = $"desk-{unique}@authority.example.gov.cn";
        await AddContactAsync(authority, "/api/authority/contacts", "值班室", authorityDesk, ["general"]);
        // The provider has a contact, but not for reviews.
        await AddContactAsync(provider, $"/api/organizations/{providerId}/contacts", "赵安全", $"security-{unique}@transport.example.cn", ["security"]);

        var scenarioId = await SubmitAsync(owner, Body(agreementId, [resourceId], title: title));
        var failedId = $"{InstanceId(scenarioId, 1)}-provider-{providerId}";

        var failed = await EmailDeliveryEndToEndTests.WaitForDeliveryAsync(authority, failedId, "failed");
        Assert.Contains("review", failed.GetProperty("delivery").GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal("permanent", failed.GetProperty("attempts")[0].GetProperty("outcome").GetString());
        var notice = await MessageAsync(authority, scenarioId, $"{failedId}-delivery-failed", asRole: true);
        Assert.Equal(NotificationDuties.DeliveryFailedCategory, notice.GetProperty("category").GetString());
        Assert.Contains(title, notice.GetProperty("subject").GetString(), StringComparison.Ordinal);
        // Each failed message is reported once (the authority's own review request may fail too when it has no reviewer contact).
        var mailed = await platform.Sink.WaitForAsync(authorityDesk, title);
        var texts = new List<string>();
        foreach (var mail in mailed)
        {
            texts.Add(await platform.Sink.PlainTextAsync(mail));
        }

        Assert.Single(texts, t => t.Contains($"编号 {failedId}，", StringComparison.Ordinal));
        // The recipient itself sees its own message as failed, link included; a stranger learns nothing.
        var own = await provider.GetFromJsonAsync<JsonElement>($"/api/notifications/{failedId}");
        Assert.Equal("failed", own.GetProperty("delivery").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, own.GetProperty("link").ValueKind);
        using var stranger = platform.Client(Roles.Provider, "org-01jd8x3kq7m4r6t9v2w5y8z1ab");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/notifications/{failedId}")).StatusCode);
    }

    [Fact]
    public async Task Webhook_OrganisationWithRobot_ReceivesOneSignedPostAndMessageDelivered()
    {
        var title = $"机器人通知 {Guid.NewGuid():N}"[..16];
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var (operatorId, agreementId) = await CreateOperatorWithAgreementAsync(authority);
        var providerId = await CreateOrganizationAsync(authority, "provider", "湖北省气象局");
        using var provider = platform.Client(Roles.Provider, providerId);
        using var owner = platform.Client(Roles.Operator, operatorId);
        // The scenario names a published resource of the provider (M4.2); its publication notices go out before any
        // contact or channel exists, so they never reach the addresses this test counts.
        var resourceId = await PublishResourceAsync(authority, provider);
        await Task.Delay(TimeSpan.FromSeconds(5));
        await using var robot = new WebhookListener();
        var set = await provider.PutAsJsonAsync($"/api/organizations/{providerId}/webhook", new { url = robot.Url, secretName = MailPlatformFixture.WebhookSecretName });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var missingSecret = await provider.PutAsJsonAsync($"/api/organizations/{providerId}/webhook", new { url = robot.Url, secretName = "no-such-secret" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missingSecret.StatusCode);

        var scenarioId = await SubmitAsync(owner, Body(agreementId, [resourceId], title: title));
        var id = $"{InstanceId(scenarioId, 1)}-provider-{providerId}";

        var delivered = await EmailDeliveryEndToEndTests.WaitForDeliveryAsync(provider, id, "delivered");
        await Task.Delay(1000);
        var post = Assert.Single(robot.Received, r => r.Body.Contains(id, StringComparison.Ordinal));
        Assert.True(WebhookSignature.Verify(MailPlatformFixture.WebhookSecret, long.Parse(post.Timestamp!, System.Globalization.CultureInfo.InvariantCulture), post.Body, post.Signature));
        Assert.False(WebhookSignature.Verify("another-secret", long.Parse(post.Timestamp!, System.Globalization.CultureInfo.InvariantCulture), post.Body, post.Signature));
        using var json = JsonDocument.Parse(post.Body);
        Assert.Equal("text", json.RootElement.GetProperty("msgtype").GetString());
        Assert.Contains(title, json.RootElement.GetProperty("text").GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal("webhook", delivered.GetProperty("attempts")[0].GetProperty("channels")[0].GetString());
        var read = await provider.GetFromJsonAsync<JsonElement>($"/api/organizations/{providerId}/webhook");
        Assert.Equal(robot.Url, read.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await provider.DeleteAsync($"/api/organizations/{providerId}/webhook")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await provider.GetAsync($"/api/organizations/{providerId}/webhook")).StatusCode);
    }

    [Fact]
    public async Task Contacts_PersonalData_OnlyTheOrganisationAndTheAuthorityReadThem()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var providerId = await CreateOrganizationAsync(authority, "provider", "湖北省卫生健康委员会");
        using var provider = platform.Client(Roles.Provider, providerId);
        using var other = platform.Client(Roles.Provider, await CreateOrganizationAsync(authority, "provider", "湖北省教育厅"));
        using var supervisor = platform.Client(Roles.Supervisor, "org-supervisor-1");
        var location = await AddContactAsync(provider, $"/api/organizations/{providerId}/contacts", "张三", "zhang.san@health.example.gov.cn", ["review"], "13800138000");

        var ownRead = await provider.GetFromJsonAsync<JsonElement>(location);
        var byAuthority = await authority.GetFromJsonAsync<JsonElement>($"/api/organizations/{providerId}/contacts");
        var byOther = await other.GetAsync($"/api/organizations/{providerId}/contacts");
        var bySupervisor = await supervisor.GetAsync($"/api/organizations/{providerId}/contacts");
        var authorityOwnByProvider = await provider.GetAsync("/api/authority/contacts");
        var invalid = await provider.PostAsJsonAsync($"/api/organizations/{providerId}/contacts", new { name = "李四", email = "not-an-address", duties = new[] { "review", "gossip" } });
        var audit = await authority.GetStringAsync("/api/audit?pageSize=200");

        Assert.Equal("张三", ownRead.GetProperty("name").GetString());
        Assert.Equal("13800138000", ownRead.GetProperty("mobile").GetString());
        Assert.Contains(byAuthority.GetProperty("items").EnumerateArray(), c => c.GetProperty("email").GetString() == "zhang.san@health.example.gov.cn");
        Assert.Equal(HttpStatusCode.NotFound, byOther.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, bySupervisor.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, authorityOwnByProvider.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        var problem = await invalid.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("contact.invalid", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("duties", out _));
        Assert.Contains("contact.added", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("zhang.san@health.example.gov.cn", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("13800138000", audit, StringComparison.Ordinal);
    }

    /// <summary>Polls GET /api/notifications/{id} (404 until the message is stored) until its delivery status is <paramref name="status"/>.</summary>
    public static async Task<JsonElement> WaitForDeliveryAsync(HttpClient client, string id, string status, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var response = await client.GetAsync($"/api/notifications/{id}");
            last = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                var message = JsonDocument.Parse(last).RootElement.Clone();
                if (message.GetProperty("delivery").GetProperty("status").GetString() == status)
                {
                    return message;
                }
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"Notification {id} did not become {status}; last answer: {last}");
    }

    public static async Task<string> AddContactAsync(HttpClient client, string path, string name, string email, string[] duties, string? mobile = null)
    {
        var created = await client.PostAsJsonAsync(path, new { name, email, mobile, duties });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return created.Headers.Location!.ToString();
    }

    [GeneratedRegex(@"https?://\S+/api/approvals/[^\s]+")]
    private static partial Regex ApprovalLink();

    [GeneratedRegex(@"<a\s", RegexOptions.IgnoreCase)]
    private static partial Regex AnchorTag();
}

/// <summary>A real HTTP listener on a free loopback port standing in for a group robot: records each POST with its signature headers.</summary>
public sealed class WebhookListener : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<(string Body, string? Timestamp, string? Signature)> _received = [];
    private readonly Task _loop;

    public WebhookListener()
    {
        var port = HostProcess.FreePort();
        Url = $"http://127.0.0.1:{port}/robot/send";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public IReadOnlyList<(string Body, string? Timestamp, string? Signature)> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            lock (_received)
            {
                _received.Add((body, context.Request.Headers[WebhookSignature.TimestampHeader], context.Request.Headers[WebhookSignature.SignatureHeader]));
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
