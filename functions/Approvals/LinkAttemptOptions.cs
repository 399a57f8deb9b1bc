using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Domain.Audit;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Functions.Approvals;

/// <summary>
/// Settings section <c>LinkAttempts</c> (issue 20 item 3): how many attempts at signed links one client
/// (<c>PerClientPerMinute</c>) and one link (<c>PerLinkPerMinute</c>) may make per minute; <c>ClientAddressHeader</c>
/// names the header the front end writes the caller's address into (in Azure <c>X-Forwarded-For</c>, whose last entry the
/// front end appends; empty uses the connection's address, as locally); <c>FlushInterval</c> is how often the counts of
/// refused attempts are written as security events.
/// </summary>
public sealed class LinkAttemptOptions
{
    public const string SectionName = "LinkAttempts";

    public int PerClientPerMinute { get; set; } = LinkAttemptLimits.Default.PerClientPerMinute;

    public int PerLinkPerMinute { get; set; } = LinkAttemptLimits.Default.PerLinkPerMinute;

    public string? ClientAddressHeader { get; set; }

    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The caller's address: the last entry of the configured forwarding header, else the connection's address.</summary>
    public string ClientOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.IsNullOrWhiteSpace(ClientAddressHeader)
            && request.Headers[ClientAddressHeader].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() is { } last
            && ParseAddress(last) is { } address)
        {
            return address.ToString();
        }

        return request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }

    // "203.0.113.7", "203.0.113.7:51234", "2001:db8::1" or "[2001:db8::1]:51234".
    private static IPAddress? ParseAddress(string text)
    {
        if (IPAddress.TryParse(text, out var plain))
        {
            return plain;
        }

        var host = text.StartsWith('[') && text.IndexOf(']', StringComparison.Ordinal) is > 0 and var end
            ? text[1..end]
            : text.Count(c => c == ':') == 1 ? text[..text.IndexOf(':', StringComparison.Ordinal)] : text;
        return IPAddress.TryParse(host, out var address) ? address : null;
    }
}

public sealed class LinkAttemptOptionsValidator : IValidateOptions<LinkAttemptOptions>
{
    public ValidateOptionsResult Validate(string? name, LinkAttemptOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.PerClientPerMinute is < 1 or > 1_000_000)
        {
            failures.Add($"LinkAttempts:PerClientPerMinute must be between 1 and 1000000 (got {options.PerClientPerMinute}).");
        }

        if (options.PerLinkPerMinute is < 1 or > 1_000_000)
        {
            failures.Add($"LinkAttempts:PerLinkPerMinute must be between 1 and 1000000 (got {options.PerLinkPerMinute}).");
        }

        if (options.FlushInterval < TimeSpan.FromMilliseconds(100) || options.FlushInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"LinkAttempts:FlushInterval must be between 00:00:00.1 and 00:01:00 (got {options.FlushInterval}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Writes the counts of refused link attempts every <c>LinkAttempts:FlushInterval</c>, and once more at shutdown.</summary>
public sealed class LinkAttemptFlusher(LinkAttemptGuard guard, IOptions<LinkAttemptOptions> options, ILogger<LinkAttemptFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(everything: false, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the last flush follows.
        }

        using var last = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await FlushAsync(everything: true, last.Token);
    }

    private async Task FlushAsync(bool everything, CancellationToken cancellationToken)
    {
        try
        {
            await guard.FlushAsync(everything, cancellationToken);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // Counts of a failed flush are lost, not the platform: storage may be away for a moment.
            logger.LogWarning(failure, "Could not write the counts of refused link attempts.");
        }
    }
}

public static class LinkAttemptServiceCollectionExtensions
{
    /// <summary>The door in front of the signed-link pages: limits, counting of refused attempts and their flushing.</summary>
    public static IServiceCollection AddLinkAttemptGuard(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddOptions<LinkAttemptOptions>().Bind(configuration.GetSection(LinkAttemptOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LinkAttemptOptions>, LinkAttemptOptionsValidator>());
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LinkAttemptOptions>>().Value;
            return new LinkAttemptGuard(new LinkAttemptLimits(options.PerClientPerMinute, options.PerLinkPerMinute),
                sp.GetRequiredService<ISecurityEventStore>(), sp.GetRequiredService<IAuditTrail>(), sp.GetRequiredService<IClock>());
        });
        services.AddHostedService<LinkAttemptFlusher>();
        return services;
    }
}
