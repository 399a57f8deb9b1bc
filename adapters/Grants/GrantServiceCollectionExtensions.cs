using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Adapters.Grants;

public static class GrantServiceCollectionExtensions
{
    /// <summary>Where grants are kept (and the authorised data library); the storage clients come from the central registration.</summary>
    public static IServiceCollection AddGrantStores(this IServiceCollection services)
    {
        services.TryAddSingleton<Platform.Domain.Grants.IGrantStore, TableGrantStore>();
        services.TryAddSingleton<Platform.Domain.Grants.IAuthorizedDataLibrary, BlobAuthorizedDataLibrary>();
        return services;
    }
}
