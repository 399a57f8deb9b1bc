using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Functions;

namespace Platform.UnitTests.Http;

/// <summary>
/// Builds the Functions app's service graph (<c>AddPlatform</c>) on an empty host with the development settings, so the
/// registration tests can start it, resolve services and see options validation fail at start-up.
/// </summary>
public static class PlatformHostKit
{
    /// <summary>The settings every host needs: storage and a development token issuer.</summary>
    public static Dictionary<string, string?> BaseSettings() => new()
    {
        ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        ["Auth:Issuer"] = HttpTestKit.Issuer,
        ["Auth:Audience"] = HttpTestKit.Audience,
        ["Auth:SigningKey"] = HttpTestKit.SigningKey,
    };

    /// <summary>
    /// A host over <see cref="BaseSettings"/> with <paramref name="extra"/> laid on top (same key wins);
    /// <paramref name="more"/> registers services before the platform's own.
    /// </summary>
    public static IHost Build(
        Dictionary<string, string?>? extra = null,
        Action<IServiceCollection>? more = null,
        string environment = "Development")
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment });
        var settings = BaseSettings();
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        more?.Invoke(builder.Services);
        builder.Services.AddPlatform(builder.Configuration, builder.Environment);
        return builder.Build();
    }
}
