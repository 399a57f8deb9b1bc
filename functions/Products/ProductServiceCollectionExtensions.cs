using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Domain.Agreements;
using Platform.Domain.Products;

namespace Platform.Functions.Products;

public static class ProductServiceCollectionExtensions
{
    /// <summary>
    /// Data products (M4.5, M4.6): the product service (also the compliance review's subject and oversight's read model),
    /// calls, developer admission, price caps, and the revocation step that withdraws products in review.
    /// </summary>
    public static IServiceCollection AddProducts(this IServiceCollection services)
    {
        services.TryAddSingleton<ProductDrafting>();
        services.TryAddSingleton<ProductService>();
        services.TryAddSingleton<IProductComplianceSubject>(sp => sp.GetRequiredService<ProductService>());
        services.TryAddSingleton<IProductReadModel>(sp => sp.GetRequiredService<ProductService>());
        services.TryAddSingleton<ProductCallService>();
        services.TryAddSingleton<DeveloperAdmissionService>();
        services.TryAddSingleton<PriceCapService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgreementRevocationStep, ProductReviewRevocationStep>());
        return services;
    }
}
