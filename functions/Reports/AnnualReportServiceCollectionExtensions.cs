using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Oversight;
using Platform.Domain.Reports;

namespace Platform.Functions.Reports;

public static class AnnualReportServiceCollectionExtensions
{
    /// <summary>The annual reports (M5.6): settings validated at start-up, counter, service and the overdue step of the daily sweep. The store comes from <c>AddPlatformAdapters</c>.</summary>
    public static IServiceCollection AddAnnualReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AnnualReportOptions>().Bind(configuration.GetSection(AnnualReportOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AnnualReportOptions>, AnnualReportOptionsValidator>());
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<AnnualReportOptions>>().Value);
        services.TryAddSingleton<OperatorActivityCounter>();
        services.TryAddSingleton<AnnualReportService>();
        services.TryAddSingleton<AnnualReportRequests>();
        services.TryAddSingleton<PlatformFiguresCounter>();
        services.TryAddSingleton<AnnualReportCounters>();
        services.TryAddSingleton<AuthorityReportService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeadlineSweepStep, AnnualReportDeadlineStep>());
        return services;
    }
}
