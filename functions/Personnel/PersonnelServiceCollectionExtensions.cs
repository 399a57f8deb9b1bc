using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Functions.Personnel;

public static class PersonnelServiceCollectionExtensions
{
    /// <summary>Processing staff (M5.3): the service and the keyed hash of identity numbers.</summary>
    public static IServiceCollection AddPersonnel(this IServiceCollection services)
    {
        services.TryAddSingleton<Platform.Domain.Personnel.IdNumberHasher>();
        services.TryAddSingleton<Platform.Domain.Personnel.PersonnelService>();
        return services;
    }
}
