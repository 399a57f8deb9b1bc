using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Domain.Masking;

namespace Platform.Adapters.Masking;

public static class MaskingServiceCollectionExtensions
{
    /// <summary>The masking jobs' table, queue and artifact blobs (the storage service clients come from the central registration).</summary>
    public static IServiceCollection AddMaskingAdapters(this IServiceCollection services)
    {
        services.TryAddSingleton<IMaskingJobStore, TableMaskingJobStore>();
        services.TryAddSingleton<IMaskingArtifactStore, BlobMaskingArtifactStore>();
        services.TryAddSingleton<IMaskingJobQueue, QueueMaskingJobQueue>();
        return services;
    }
}
