using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Domain.Oversight;

namespace Platform.Adapters.Oversight;

public static class OversightServiceCollectionExtensions
{
    /// <summary>Stores of oversight: incidents, suspensions, the sweep marks of the timers and operator evaluations.</summary>
    public static IServiceCollection AddOversightAdapters(this IServiceCollection services)
    {
        services.TryAddSingleton<IIncidentStore, TableIncidentStore>();
        services.TryAddSingleton<ISuspensionStore, TableSuspensionStore>();
        services.TryAddSingleton<ISweepMarkStore, TableSweepMarkStore>();
        services.TryAddSingleton<IEvaluationStore, TableEvaluationStore>();
        return services;
    }
}
