using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Domain.Quality;

namespace Platform.Adapters.Quality;

public static class QualityServiceCollectionExtensions
{
    /// <summary>The table store of the quality tickets (M4.7.1).</summary>
    public static IServiceCollection AddQualityAdapters(this IServiceCollection services)
    {
        services.TryAddSingleton<IQualityIssueStore, TableQualityIssueStore>();
        return services;
    }
}
