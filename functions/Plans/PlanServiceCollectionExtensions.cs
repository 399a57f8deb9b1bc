using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Functions.Plans;

public static class PlanServiceCollectionExtensions
{
    /// <summary>Operation plans (M3.3).</summary>
    public static IServiceCollection AddPlans(this IServiceCollection services)
    {
        services.TryAddSingleton<Platform.Domain.Plans.PlanService>();
        return services;
    }
}
