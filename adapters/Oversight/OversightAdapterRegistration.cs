using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Adapters.Disclosure;
using Platform.Domain.Disclosure;
using Platform.Domain.Oversight;

namespace Platform.Adapters.Oversight;

public static class OversightAdapterRegistration
{
    /// <summary>Stores of the oversight timers: sweep marks, operator evaluations and the disclosure snapshot blobs.</summary>
    public static IServiceCollection AddOversightTimerStores(this IServiceCollection services)
    {
        services.TryAddSingleton<ISweepMarkStore, TableSweepMarkStore>();
        services.TryAddSingleton<IEvaluationStore, TableEvaluationStore>();
        services.TryAddSingleton<IDisclosureSnapshotStore>(sp => new BlobDisclosureSnapshotStore(
            sp.GetRequiredService<Azure.Storage.Blobs.BlobServiceClient>(), sp.GetRequiredService<IOptions<DisclosureSnapshotOptions>>().Value));
        return services;
    }
}
