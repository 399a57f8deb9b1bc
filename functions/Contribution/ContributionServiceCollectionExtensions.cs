using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Contribution;

namespace Platform.Functions.Contribution;

public static class ContributionServiceCollectionExtensions
{
    /// <summary>The contribution score (M4.7.2): its weights validated at start-up and the service.</summary>
    public static IServiceCollection AddContribution(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ContributionOptions>().Bind(configuration.GetSection(ContributionOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ContributionOptions>, ContributionOptionsValidator>());
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<ContributionOptions>>().Value.ToWeights());
        services.TryAddSingleton<ProviderQualityFacts>();
        services.TryAddSingleton<ProviderTimelinessFacts>();
        services.TryAddSingleton<ProviderUsageFacts>();
        services.TryAddSingleton<ContributionService>();
        return services;
    }
}
