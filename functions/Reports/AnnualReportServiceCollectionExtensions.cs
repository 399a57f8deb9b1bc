using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Adapters.Reports;
using Platform.Domain.Oversight;
using Platform.Domain.Reports;

namespace Platform.Functions.Reports;

/// <summary>Validates section <c>Reports</c> (each problem names its setting).</summary>
public sealed class AnnualReportOptionsValidator : IValidateOptions<AnnualReportOptions>
{
    public ValidateOptionsResult Validate(string? name, AnnualReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

public static class AnnualReportServiceCollectionExtensions
{
    /// <summary>The annual reports (M5.6): settings validated at start-up, store, counter, service and the overdue step of the daily sweep.</summary>
    public static IServiceCollection AddAnnualReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AnnualReportOptions>().Bind(configuration.GetSection(AnnualReportOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AnnualReportOptions>, AnnualReportOptionsValidator>());
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<AnnualReportOptions>>().Value);
        services.TryAddSingleton<IAnnualReportStore>(provider => new TableAnnualReportStore(
            provider.GetRequiredService<TableServiceClient>(), provider.GetRequiredService<AnnualReportOptions>().TableName));
        services.TryAddSingleton<OperatorActivityCounter>();
        services.TryAddSingleton<AnnualReportService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeadlineSweepStep, AnnualReportDeadlineStep>());
        return services;
    }
}
