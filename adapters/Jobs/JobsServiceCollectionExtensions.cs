using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Domain.Jobs;

namespace Platform.Adapters.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>What every kind of queued job shares in storage: the heartbeat table.</summary>
    public static IServiceCollection AddJobAdapters(this IServiceCollection services)
    {
        services.TryAddSingleton<IJobHeartbeatStore, TableJobHeartbeatStore>();
        return services;
    }
}
