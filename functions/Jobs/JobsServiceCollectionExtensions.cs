using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Jobs;

namespace Platform.Functions.Jobs;

/// <summary>Checks the <c>Jobs</c> settings at start-up; each message names the setting.</summary>
public sealed class JobReconciliationOptionsValidator : IValidateOptions<JobReconciliationOptions>
{
    public ValidateOptionsResult Validate(string? name, JobReconciliationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class JobReconciliationServiceCollectionExtensions
{
    /// <summary>The queued-job reconciler and its settings (validated at start-up); stores and queues come from <c>AddPlatformAdapters</c>.</summary>
    public static IServiceCollection AddJobReconciliation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobReconciliationOptions>().Bind(configuration.GetSection(JobReconciliationOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobReconciliationOptions>, JobReconciliationOptionsValidator>());
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<JobReconciliationOptions>>().Value);
        services.TryAddSingleton<QueuedJobReconciler>();
        return services;
    }
}
