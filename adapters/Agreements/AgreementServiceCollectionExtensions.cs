using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Adapters.Agreements;

public static class AgreementServiceCollectionExtensions
{
    /// <summary>Where agreements are kept and where their exit finds the copies to destroy; the storage clients come from the central registration.</summary>
    public static IServiceCollection AddAgreementStores(this IServiceCollection services)
    {
        services.TryAddSingleton<Platform.Domain.Agreements.IAgreementStore, TableAgreementStore>();
        services.TryAddSingleton<Platform.Domain.Agreements.IAgreementExitStorage, BlobAgreementExitStorage>();
        return services;
    }
}
