using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Functions.Organizations;

public static class OrganizationServiceCollectionExtensions
{
    /// <summary>Organisations: registration and reading (roles: docs/api.md), qualification (M3.5).</summary>
    public static IServiceCollection AddOrganizations(this IServiceCollection services)
    {
        services.TryAddSingleton<Platform.Domain.Organizations.OrganizationService>();
        return services;
    }
}
