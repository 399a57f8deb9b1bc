using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using Moq;
using Platform.Adapters.Notifications;
using Platform.Domain.Notifications;
using Platform.Domain.Secrets;
using Platform.Domain.Time;
using Platform.Functions.Contacts;
using Platform.Functions.Notifications;
using Xunit;

namespace Platform.UnitTests.Notifications;

public sealed class NotificationRegistrationTests
{
    [Fact]
    public void AddNotificationDelivery_SmtpHostSet_EmailSenderOverTheSmtpTransport()
    {
        using var provider = Build(new() { ["Smtp:Host"] = "relay.example.gov.cn", ["Smtp:FromAddress"] = "noreply@example.gov.cn" }, "Production");

        Assert.IsType<EmailNotificationSender>(provider.GetRequiredService<INotificationSender>());
        Assert.IsType<SmtpEmailTransport>(provider.GetRequiredService<IEmailTransport>());
    }

    [Fact]
    public void AddNotificationDelivery_NoSmtpHost_LoggingSender()
    {
        using var provider = Build(new() { ["Smtp:Host"] = "" }, "Development");

        Assert.IsType<LoggingNotificationSender>(provider.GetRequiredService<INotificationSender>());
    }

    [Theory]
    [InlineData("Smtp:Security", "None")]
    [InlineData("Smtp:FromAddress", "not-an-address")]
    [InlineData("Smtp:Port", "70000")]
    public void AddNotificationDelivery_BadSmtpSetting_StartUpFailsNamingIt(string setting, string value)
    {
        var settings = new Dictionary<string, string?> { ["Smtp:Host"] = "relay.example.gov.cn", ["Smtp:FromAddress"] = "noreply@example.gov.cn", [setting] = value };
        using var provider = Build(settings, "Production");

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SmtpOptions>>().Value);

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Notifications:MaxAttempts", "0")]
    [InlineData("Notifications:RetryBaseDelay", "00:00:00")]
    [InlineData("Notifications:DeliveryQueue", "Not_A_Queue")]
    public void AddNotificationDelivery_BadRetrySetting_StartUpFailsNamingIt(string setting, string value)
    {
        using var provider = Build(new() { [setting] = value }, "Development");

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<NotificationDeliveryOptions>>().Value);

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, string environment)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(Mock.Of<ISecretStore>());
        services.AddSingleton(Mock.Of<IClock>());
        services.AddSingleton(Mock.Of<INotificationOutbox>());
        services.AddSingleton(new TableServiceClient("UseDevelopmentStorage=true"));
        services.AddSingleton(new QueueServiceClient("UseDevelopmentStorage=true"));
        services.AddContacts(configuration);
        services.AddNotificationDelivery(configuration, new HostingEnvironment { EnvironmentName = environment });
        return services.BuildServiceProvider();
    }
}
