using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Adapters.DataRequests;

public static class DataRequestServiceCollectionExtensions
{
    /// <summary>Where data requests are kept; the storage clients come from the central registration.</summary>
    public static IServiceCollection AddDataRequestStores(this IServiceCollection services)
    {
        services.TryAddSingleton<Platform.Domain.DataRequests.IDataRequestStore, TableDataRequestStore>();
        services.TryAddSingleton<Platform.Domain.DataRequests.IReviewTimelinessStore, TableReviewTimelinessStore>();
        return services;
    }
}
