using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Domain.Reports;

namespace Platform.Adapters.Reports;

public static class AnnualReportServiceCollectionExtensions
{
    /// <summary>The table store of the annual reports (M5.6); its table name comes from the bound <see cref="AnnualReportOptions"/>.</summary>
    public static IServiceCollection AddAnnualReportAdapters(this IServiceCollection services)
    {
        services.TryAddSingleton<IAnnualReportStore>(provider => new TableAnnualReportStore(
            provider.GetRequiredService<TableServiceClient>(), provider.GetRequiredService<AnnualReportOptions>().TableName));
        return services;
    }
}
