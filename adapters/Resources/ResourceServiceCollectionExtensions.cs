using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Adapters.Resources;

public static class ResourceServiceCollectionExtensions
{
    /// <summary>Where the catalogue's resources are kept; the storage clients come from the central registration.</summary>
    public static IServiceCollection AddResourceStores(this IServiceCollection services)
    {
        services.TryAddSingleton<Platform.Domain.Resources.IResourceStore, TableResourceStore>();
        services.TryAddSingleton<Platform.Domain.Resources.IResourceDataStore, BlobResourceDataStore>();
        return services;
    }
}
