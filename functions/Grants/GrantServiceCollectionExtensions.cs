using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Domain.Agreements;
using Platform.Domain.Grants;

namespace Platform.Functions.Grants;

public static class GrantServiceCollectionExtensions
{
    /// <summary>Grants (M4.5): provisioning into the authorised data library, reading, and revocation with the agreement.</summary>
    public static IServiceCollection AddGrants(this IServiceCollection services)
    {
        services.TryAddSingleton<GrantService>();
        services.TryAddSingleton<GrantTableProvisioner>();
        services.TryAddSingleton<LibrarySampleJobs>();
        services.TryAddSingleton<Platform.Domain.Masking.PseudonymisationRootKey>();
        services.TryAddSingleton<GrantProvisioning>();
        services.TryAddSingleton<GrantLibraryConversion>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgreementRevocationStep, GrantRevocationStep>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IScopeRevocationStep, GrantRevocationStep>());
        return services;
    }
}
