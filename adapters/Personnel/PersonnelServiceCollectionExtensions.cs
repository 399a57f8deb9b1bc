using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Adapters.Personnel;

public static class PersonnelServiceCollectionExtensions
{
    /// <summary>Where personnel are kept; the storage clients come from the central registration.</summary>
    public static IServiceCollection AddPersonnelStores(this IServiceCollection services)
    {
        services.TryAddSingleton<Platform.Domain.Personnel.IPersonnelStore, TablePersonnelStore>();
        return services;
    }
}
