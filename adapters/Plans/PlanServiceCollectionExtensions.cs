using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Adapters.Plans;

public static class PlanServiceCollectionExtensions
{
    /// <summary>Where plans are kept; the storage clients come from the central registration.</summary>
    public static IServiceCollection AddPlanStores(this IServiceCollection services)
    {
        services.TryAddSingleton<Platform.Domain.Plans.IPlanStore, TablePlanStore>();
        return services;
    }
}
