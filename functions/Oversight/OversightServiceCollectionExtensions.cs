using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Calendar;
using Platform.Domain.Oversight;

namespace Platform.Functions.Oversight;

public static class OversightServiceCollectionExtensions
{
    /// <summary>
    /// Oversight: incidents (M5.5.3), suspensions and the operator access guard (M5.5), and the timers below.
    /// Stores come from <c>AddPlatformAdapters</c>.
    /// </summary>
    public static IServiceCollection AddOversight(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<IncidentService>();
        services.TryAddSingleton<OperatorQualificationCheck>();
        services.TryAddSingleton<SuspensionService>();
        // M5.8: the breach watch and its activities.
        services.TryAddSingleton<BreachWatchService>();
        services.TryAddTransient<Platform.Orchestrations.Oversight.RemindBreachActivity>();
        services.TryAddTransient<Platform.Orchestrations.Oversight.EscalateBreachActivity>();
        services.TryAddSingleton<IOperatorAccessGuard>(sp => sp.GetRequiredService<SuspensionService>());
        return services.AddOversightTimers(configuration);
    }

    /// <summary>
    /// The daily deadline sweep with its filing (M5.6) and evaluation (M5.7) steps, the filing overview and yearly
    /// operator evaluations, with their settings validated at start-up. Other features add their own
    /// <see cref="IDeadlineSweepStep"/>.
    /// </summary>
    public static IServiceCollection AddOversightTimers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeadlineSweepOptions>().Bind(configuration.GetSection(DeadlineSweepOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeadlineSweepOptions>, DeadlineSweepOptionsValidator>());
        services.TryAddSingleton(sp => new EvaluationDeadline(MonthDay.Parse(sp.GetRequiredService<IOptions<DeadlineSweepOptions>>().Value.EvaluationDueMonthDay)));

        services.TryAddSingleton<SweepFlags>();
        services.TryAddSingleton<DeadlineSweep>();
        services.TryAddSingleton<FilingOversightService>();
        services.TryAddSingleton<EvaluationService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeadlineSweepStep, FilingOverdueSweepStep>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeadlineSweepStep, EvaluationOverdueSweepStep>());
        return services;
    }
}
