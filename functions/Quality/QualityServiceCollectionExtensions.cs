using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Oversight;
using Platform.Domain.Quality;
using Platform.Orchestrations.Quality;

namespace Platform.Functions.Quality;

public static class QualityServiceCollectionExtensions
{
    /// <summary>
    /// Quality tickets (M4.7.1): options validated at start-up, the service, the deadline sweep step and the
    /// orchestration's activity. The store comes from <c>AddPlatformAdapters</c>.
    /// </summary>
    public static IServiceCollection AddQuality(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<QualityOptions>().Bind(configuration.GetSection(QualityOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QualityOptions>, QualityOptionsValidator>());
        services.TryAddSingleton(provider => new QualitySettings(provider.GetRequiredService<IOptions<QualityOptions>>().Value.CorrectionWorkingDays));
        services.TryAddSingleton<QualityIssueService>();
        services.TryAddSingleton<QualityCorrectionDeadline>();
        services.TryAddSingleton<QualityIssueEscalation>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeadlineSweepStep, QualityIssueDeadlineSweepStep>());
        services.TryAddTransient<EscalateQualityIssueActivity>();
        return services;
    }
}
