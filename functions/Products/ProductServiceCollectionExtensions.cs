using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Domain.Agreements;
using Platform.Domain.Products;

namespace Platform.Functions.Products;

public static class ProductServiceCollectionExtensions
{
    /// <summary>
    /// Data products (M4.5, M4.6): commands and queries, the record side of the compliance review, oversight's read model,
    /// calls, developer admission, price caps, and the revocation step that withdraws products in review.
    /// </summary>
    public static IServiceCollection AddProducts(this IServiceCollection services)
    {
        services.TryAddSingleton<ProductDrafting>();
        services.TryAddSingleton<ProductSourceResolver>();
        services.TryAddSingleton<ProductCommands>();
        services.TryAddSingleton<ProductQueries>();
        services.TryAddSingleton<ProductWithdrawal>();
        services.TryAddSingleton<IProductComplianceSubject, ProductComplianceRecord>();
        services.TryAddSingleton<IProductReadModel, ProductReadModel>();
        services.TryAddSingleton<ProductCallService>();
        services.TryAddSingleton<DeveloperAdmissionService>();
        services.TryAddSingleton<PriceCapService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgreementRevocationStep, ProductReviewRevocationStep>());
        return services;
    }
}
