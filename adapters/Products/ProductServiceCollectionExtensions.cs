using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Domain.Products;

namespace Platform.Adapters.Products;

public static class ProductServiceCollectionExtensions
{
    /// <summary>The product records, developer admissions, price caps, call meters and the approval slot directory (Table storage).</summary>
    public static IServiceCollection AddProductAdapters(this IServiceCollection services)
    {
        services.TryAddSingleton<IProductStore, TableProductStore>();
        services.TryAddSingleton<IDeveloperAdmissionStore, TableDeveloperAdmissionStore>();
        services.TryAddSingleton<IPriceCapStore, TablePriceCapStore>();
        services.TryAddSingleton<IProductUsageStore, TableProductUsageStore>();
        services.TryAddSingleton<IApprovalSlotDirectory, TableApprovalSlotDirectory>();
        return services;
    }
}
