using System.Text.Json;
using Platform.Domain.Security;
using Platform.IntegrationTests.Infrastructure;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.ScenarioSteps;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// A relay that refuses once (421 at the greeting) and then accepts: the notification is retried after a backoff and
/// exactly one e-mail arrives; both attempts are on record. The relay is a real SMTP peer written for the test.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SmtpRetryEndToEndTests
{
    [Fact]
    public async Task Relay_RefusesOnceThenAccepts_ExactlyOneEmailAndBothAttemptsRecorded()
    {
        await using var relay = new ScriptedSmtpServer(refusals: 1);
        var settings = MailPlatformFixture.MailHostSettings("127.0.0.1", relay.Port);
        await using var host = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
        var auth = PlatformHostFixture.ReadSampleAuth();
        HttpClient Client(string role, string org) => MailPlatformFixture.ClientOf(host, auth, role, org);

        using var authority = Client(Roles.Authority, "org-authority");
        var (operatorId, agreementId) = await CreateOperatorWithAgreementAsync(authority);
        var providerId = await CreateOrganizationAsync(authority, "provider", "湖北省自然资源厅");
        using var provider = Client(Roles.Provider, providerId);
        using var owner = Client(Roles.Operator, operatorId);
        // The scenario names a published resource of the provider (M4.2); its publication notices go out before the
        // reviewer's contact exists, so the relay's one refusal is left for the scenario's link.
        var resourceId = await PublishResourceAsync(authority, provider);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var address = $"reviewer-{Guid.NewGuid():N}"[..20] + "@land.example.cn";
        await EmailDeliveryEndToEndTests.AddContactAsync(provider, $"/api/organizations/{providerId}/contacts", "刘评审", address, ["review"]);

        var scenarioId = await SubmitAsync(owner, Body(agreementId, [resourceId]));
        var id = $"{InstanceId(scenarioId, 1)}-provider-{providerId}";

        var delivered = await EmailDeliveryEndToEndTests.WaitForDeliveryAsync(provider, id, "delivered");
        await Task.Delay(2000);
        var toReviewer = relay.Messages.Where(m => m.Contains(address, StringComparison.OrdinalIgnoreCase)).ToList();
        var attempts = delivered.GetProperty("attempts").EnumerateArray().ToList();

        Assert.Single(toReviewer);
        Assert.Contains($"notification.{id}@platform.local", toReviewer[0], StringComparison.Ordinal);
        Assert.Equal(2, delivered.GetProperty("delivery").GetProperty("attempts").GetInt32());
        Assert.Equal(["transient", "delivered"], attempts.Select(a => a.GetProperty("outcome").GetString()));
        Assert.Contains("421", attempts[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
