using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Domain.Portal;

namespace Platform.Functions.Portal;

public static class PortalServiceCollectionExtensions
{
    /// <summary>The public portal's read services (it has no settings of its own; it reads what catalogue, products and disclosure publish).</summary>
    public static IServiceCollection AddPortal(this IServiceCollection services)
    {
        services.TryAddSingleton<PortalCatalog>();
        services.TryAddSingleton<PortalProducts>();
        return services;
    }
}
