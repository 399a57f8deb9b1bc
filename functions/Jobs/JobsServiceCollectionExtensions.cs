using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Jobs;
using Platform.Domain.Masking;
using Platform.Domain.Sandbox;

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
    /// <summary>
    /// The queued-job reconciler, the workers' job heartbeat and their settings (validated at start-up); stores, queues and
    /// the heartbeat table come from <c>AddPlatformAdapters</c>. Each kind of queued job is one <see cref="ReconciledJobKind"/>.
    /// </summary>
    public static IServiceCollection AddJobReconciliation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobReconciliationOptions>().Bind(configuration.GetSection(JobReconciliationOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobReconciliationOptions>, JobReconciliationOptionsValidator>());
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<JobReconciliationOptions>>().Value);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ReconciledJobKind, MaskingReconciledJobs>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ReconciledJobKind, SandboxReconciledJobs>());
        services.TryAddSingleton<JobHeartbeat>();
        services.TryAddSingleton<QueuedJobReconciler>();
        return services;
    }
}
