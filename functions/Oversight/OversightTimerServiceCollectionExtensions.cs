using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Disclosure;
using Platform.Domain.Oversight;

namespace Platform.Functions.Oversight;

/// <summary>Checks the <c>Oversight</c> timer settings at start-up; each message names the setting.</summary>
public sealed class DeadlineSweepOptionsValidator : IValidateOptions<DeadlineSweepOptions>
{
    public ValidateOptionsResult Validate(string? name, DeadlineSweepOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Checks the <c>Disclosure</c> snapshot settings at start-up; each message names the setting.</summary>
public sealed class DisclosureSnapshotOptionsValidator : IValidateOptions<DisclosureSnapshotOptions>
{
    public ValidateOptionsResult Validate(string? name, DisclosureSnapshotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class OversightTimerServiceCollectionExtensions
{
    /// <summary>
    /// The daily deadline sweep with its filing (M5.6) and evaluation (M5.7) steps, the filing overview, yearly operator
    /// evaluations, operator disclosure and the yearly disclosure snapshots (M4.7.4), with their settings validated at
    /// start-up. Stores come from <c>AddPlatformAdapters</c>. Other features add their own <see cref="IDeadlineSweepStep"/>.
    /// </summary>
    public static IServiceCollection AddOversightTimers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeadlineSweepOptions>().Bind(configuration.GetSection(DeadlineSweepOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeadlineSweepOptions>, DeadlineSweepOptionsValidator>());
        services.AddOptions<DisclosureSnapshotOptions>().Bind(configuration.GetSection(DisclosureSnapshotOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DisclosureSnapshotOptions>, DisclosureSnapshotOptionsValidator>());
        services.TryAddSingleton(sp => new EvaluationDeadline(MonthDay.Parse(sp.GetRequiredService<IOptions<DeadlineSweepOptions>>().Value.EvaluationDueMonthDay)));

        services.TryAddSingleton<SweepFlags>();
        services.TryAddSingleton<DeadlineSweep>();
        services.TryAddSingleton<FilingOversightService>();
        services.TryAddSingleton<EvaluationService>();
        services.TryAddSingleton<OperatorDisclosureService>();
        services.TryAddSingleton<DisclosureSnapshotService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeadlineSweepStep, FilingOverdueSweepStep>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeadlineSweepStep, EvaluationOverdueSweepStep>());
        return services;
    }
}
