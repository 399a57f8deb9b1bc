using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Disclosure;

namespace Platform.Adapters.Disclosure;

public static class DisclosureServiceCollectionExtensions
{
    /// <summary>The blob store of the yearly disclosure snapshots (M4.7.4).</summary>
    public static IServiceCollection AddDisclosureAdapters(this IServiceCollection services)
    {
        services.TryAddSingleton<IDisclosureSnapshotStore>(sp => new BlobDisclosureSnapshotStore(
            sp.GetRequiredService<BlobServiceClient>(), sp.GetRequiredService<IOptions<DisclosureSnapshotOptions>>().Value));
        return services;
    }
}
