using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Masking;

namespace Platform.Functions.Masking;

public static class MaskingServiceCollectionExtensions
{
    /// <summary>
    /// Masking jobs (M4.4): settings validated at start-up, the job service and the worker's executor. The store,
    /// queue and artifact blobs come from <c>AddPlatformAdapters</c>.
    /// </summary>
    public static IServiceCollection AddMaskingJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MaskingJobOptions>().Bind(configuration.GetSection(MaskingJobOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MaskingJobOptions>, MaskingJobOptionsValidator>());
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<MaskingJobOptions>>().Value);
        services.TryAddSingleton<MaskingJobAccess>();
        services.TryAddSingleton<MaskingJobService>();
        services.TryAddSingleton<MaskingJobExecutor>();
        services.TryAddSingleton<MaskingJobResource>();
        services.TryAddSingleton<PseudonymisationRootKey>();
        return services;
    }
}
