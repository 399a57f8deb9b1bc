using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Platform.Domain.Security;
using Platform.IntegrationTests.Infrastructure;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.ScenarioSteps;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>The notification outbox (docs/api.md#signed-links): stored, queued on <c>notifications</c>, delivered by the worker, status recorded.</summary>
[Collection(PlatformCollection.Name)]
public sealed class NotificationEndToEndTests(PlatformHostFixture platform)
{
    [Fact]
    public async Task Outbox_ReviewRequest_StoredWithLinkAndDeliveredOnce()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var (operatorId, agreementId) = await CreateOperatorWithAgreementAsync(authority);
        var providerId = await CreateOrganizationAsync(authority, "provider", "湖北省电力公司");
        using var owner = platform.Client(Roles.Operator, operatorId);
        using var provider = platform.Client(Roles.Provider, providerId);
        var scenarioId = await SubmitAsync(owner, Body(agreementId, [await PublishResourceAsync(authority, provider)]));
        var id = $"{InstanceId(scenarioId, 1)}-provider-{providerId}";

        var delivered = await PollMessageAsync(provider, scenarioId, id, m => m.GetProperty("delivery").GetProperty("status").GetString() == "delivered");

        Assert.Equal(1, delivered.GetProperty("delivery").GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.String, delivered.GetProperty("delivery").GetProperty("deliveredAt").ValueKind);
        Assert.Equal("scenario-review", delivered.GetProperty("category").GetString());
        Assert.Equal($"org:{providerId}", $"{delivered.GetProperty("recipient").GetProperty("kind").GetString()}:{delivered.GetProperty("recipient").GetProperty("value").GetString()}");
        Assert.Contains("/api/approvals/", delivered.GetProperty("link").GetString(), StringComparison.Ordinal);
        Assert.Contains(Title, delivered.GetProperty("subject").GetString(), StringComparison.Ordinal);
        var everything = await provider.GetFromJsonAsync<JsonElement>("/api/notifications?pageSize=200");
        Assert.Contains(everything.GetProperty("items").EnumerateArray(), m => m.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Outbox_OtherOrganisation_DoesNotSeeTheMessage()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var (operatorId, agreementId) = await CreateOperatorWithAgreementAsync(authority);
        var providerId = await CreateOrganizationAsync(authority, "provider", "湖北省电力公司");
        using var owner = platform.Client(Roles.Operator, operatorId);
        using var provider = platform.Client(Roles.Provider, providerId);
        using var stranger = platform.Client(Roles.Provider, "org-01jd8x3kq7m4r6t9v2w5y8z1ab");
        var scenarioId = await SubmitAsync(owner, Body(agreementId, [await PublishResourceAsync(authority, provider)]));
        await MessageAsync(provider, scenarioId, $"{InstanceId(scenarioId, 1)}-provider-{providerId}");

        Assert.Empty(await MessagesAsync(stranger, scenarioId));
        Assert.Empty(await MessagesAsync(owner, scenarioId));
    }

    [Fact]
    public async Task DeliveryQueue_UndeliverableMessage_RetriedThenMovedToPoisonQueue()
    {
        var marker = $"poison-{Guid.NewGuid():N}";
        var queues = new QueueServiceClient(platform.StorageConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var queue = queues.GetQueueClient("notifications");
        await queue.CreateIfNotExistsAsync();

        await queue.SendMessageAsync(JsonSerializer.Serialize(new { recipient = "nobody", id = marker }));

        var poison = queues.GetQueueClient("notifications-poison");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (await poison.ExistsAsync())
            {
                var peeked = await poison.PeekMessagesAsync(32);
                if (peeked.Value.Any(m => m.Body.ToString().Contains(marker, StringComparison.Ordinal)))
                {
                    break;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "The undeliverable message did not reach notifications-poison.");
            await Task.Delay(500);
        }

        var left = await queue.PeekMessagesAsync(32);
        Assert.DoesNotContain(left.Value, m => m.Body.ToString().Contains(marker, StringComparison.Ordinal));
    }

    private static async Task<JsonElement> PollMessageAsync(HttpClient reader, string scenarioId, string id, Func<JsonElement, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var message = (await MessagesAsync(reader, scenarioId)).FirstOrDefault(m => m.GetProperty("id").GetString() == id);
            if (message.ValueKind == JsonValueKind.Object && until(message))
            {
                return message;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Message {id} did not reach the expected state; last: {message}");
            await Task.Delay(300);
        }
    }
}
