using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Adapters.Approvals;

public static class ApprovalServiceCollectionExtensions
{
    /// <summary>Where approvals are kept; the storage clients come from the central registration.</summary>
    public static IServiceCollection AddApprovalStores(this IServiceCollection services)
    {
        services.TryAddSingleton<Platform.Domain.Approvals.IApprovalStore, TableApprovalStore>();
        return services;
    }
}
