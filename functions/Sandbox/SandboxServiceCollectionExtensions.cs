using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Agreements;
using Platform.Domain.Approvals;
using Platform.Domain.Oversight;
using Platform.Domain.Sandbox;

namespace Platform.Functions.Sandbox;

/// <summary>Checks the <c>Sandbox</c> settings at start-up; each message names the setting.</summary>
public sealed class SandboxJobOptionsValidator : IValidateOptions<SandboxJobOptions>
{
    public ValidateOptionsResult Validate(string? name, SandboxJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class SandboxServiceCollectionExtensions
{
    /// <summary>
    /// Sandbox jobs (M5.1): settings validated at start-up, the job service, the worker, and the steps that stop
    /// jobs when an operator is suspended (M5.5) or an agreement ends (M3.6). Stores, queue, result blobs and the
    /// engine come from <c>AddPlatformAdapters</c>.
    /// </summary>
    public static IServiceCollection AddSandboxJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SandboxJobOptions>().Bind(configuration.GetSection(SandboxJobOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SandboxJobOptions>, SandboxJobOptionsValidator>());
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<SandboxJobOptions>>().Value);
        services.TryAddSingleton<SandboxJobService>();
        services.TryAddSingleton<SandboxJobCanceller>();
        services.TryAddSingleton<SandboxStatementRunner>();
        services.TryAddSingleton<SandboxRunPreconditions>();
        services.TryAddSingleton<ResultFingerprintKeys>();
        services.TryAddSingleton<SandboxReleaseGuard>();
        services.TryAddSingleton<SandboxFingerprintService>();
        services.TryAddSingleton<SandboxReleaseControlService>();
        services.TryAddSingleton<SandboxBudget>();
        services.TryAddSingleton<SandboxNoiseBudget>();
        services.TryAddSingleton<SandboxFullJobBudgets>();
        services.TryAddSingleton<SandboxReleaseReview>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApprovalDecisionHandler, SandboxReleaseReview>(provider => provider.GetRequiredService<SandboxReleaseReview>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApprovalSubjectSource, SandboxReleaseApprovalSubject>());
        services.TryAddSingleton<SandboxJobOutcomeRecorder>();
        services.TryAddSingleton<SandboxJobExecutor>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISuspensionStep, SandboxSuspensionStep>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgreementRevocationStep, SandboxAgreementRevocationStep>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IScopeRevocationStep, SandboxAgreementRevocationStep>());
        return services;
    }
}
