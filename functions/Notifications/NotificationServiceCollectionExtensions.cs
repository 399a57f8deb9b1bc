using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Adapters.Notifications;
using Platform.Domain.Notifications;

namespace Platform.Functions.Notifications;

public static class NotificationServiceCollectionExtensions
{
    /// <summary>
    /// Delivery of outbox messages: retry settings, the address book (contacts and webhooks) and the sender — e-mail over
    /// SMTP (plus webhooks) when <c>Smtp:Host</c> is set, otherwise the logging sender. Settings are validated at start-up.
    /// </summary>
    public static IServiceCollection AddNotificationDelivery(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        services.AddOptions<NotificationDeliveryOptions>().Bind(configuration.GetSection(NotificationDeliveryOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationDeliveryOptions>, NotificationDeliveryOptionsValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<NotificationDeliveryOptions>>().Value);
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpOptions>>(new SmtpOptionsValidator(environment.EnvironmentName)));

        if (!string.IsNullOrWhiteSpace(configuration[$"{SmtpOptions.SectionName}:{nameof(SmtpOptions.Host)}"]))
        {
            services.TryAddSingleton<IEmailTransport, SmtpEmailTransport>();
            services.TryAddSingleton<IWebhookTransport, HttpWebhookTransport>();
            services.TryAddSingleton<INotificationSender>(sp => new EmailNotificationSender(
                sp.GetRequiredService<IRecipientAddressBook>(), sp.GetRequiredService<IEmailTransport>(), sp.GetRequiredService<IWebhookTransport>()));
        }

        services.TryAddSingleton<INotificationSender, LoggingNotificationSender>();
        services.TryAddSingleton<NotificationDispatcher>();
        return services;
    }
}

public sealed class NotificationDeliveryOptionsValidator : IValidateOptions<NotificationDeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationDeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxAttempts is < 1 or > 50)
        {
            failures.Add($"Notifications:MaxAttempts must be between 1 and 50 (got {options.MaxAttempts}).");
        }

        if (options.RetryBaseDelay <= TimeSpan.Zero || options.RetryBaseDelay > TimeSpan.FromHours(1))
        {
            failures.Add($"Notifications:RetryBaseDelay must be more than 00:00:00 and at most 01:00:00 (got {options.RetryBaseDelay}).");
        }

        if (options.RetryMaxDelay < options.RetryBaseDelay || options.RetryMaxDelay > TimeSpan.FromDays(7))
        {
            failures.Add($"Notifications:RetryMaxDelay must be at least Notifications:RetryBaseDelay and at most 7.00:00:00 (got {options.RetryMaxDelay}).");
        }

        // Azure queue names: 3-63 lower-case letters, digits and single hyphens; the poison queue adds "-poison".
        if (options.DeliveryQueue is not { Length: >= 3 and <= 56 } queue || !queue.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            || !char.IsAsciiLetterOrDigit(queue[0]) || queue.EndsWith('-') || queue.Contains("--", StringComparison.Ordinal))
        {
            failures.Add($"Notifications:DeliveryQueue must be a queue name of 3-56 lower-case letters, digits and single hyphens (got '{options.DeliveryQueue}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
