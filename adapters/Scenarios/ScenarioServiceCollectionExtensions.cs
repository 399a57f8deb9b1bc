using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Adapters.Scenarios;

public static class ScenarioServiceCollectionExtensions
{
    /// <summary>Where scenarios are kept; the storage clients come from the central registration.</summary>
    public static IServiceCollection AddScenarioStores(this IServiceCollection services)
    {
        services.TryAddSingleton<Platform.Domain.Scenarios.IScenarioStore, TableScenarioStore>();
        return services;
    }
}
