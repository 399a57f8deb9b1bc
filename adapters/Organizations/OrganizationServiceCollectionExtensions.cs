using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Adapters.Organizations;

public static class OrganizationServiceCollectionExtensions
{
    /// <summary>Where organizations are kept; the storage clients come from the central registration.</summary>
    public static IServiceCollection AddOrganizationStores(this IServiceCollection services)
    {
        services.TryAddSingleton<Platform.Domain.Organizations.IOrganizationStore, TableOrganizationStore>();
        return services;
    }
}
