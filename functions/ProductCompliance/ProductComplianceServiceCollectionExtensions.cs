using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Approvals;
using Platform.Domain.ProductCompliance;
using Platform.Orchestrations.ProductCompliance;

namespace Platform.Functions.ProductCompliance;

public static class ProductComplianceServiceCollectionExtensions
{
    /// <summary>
    /// The product-compliance review (M4.5.1): options validated at start-up, the review steps, the approval-page
    /// subject for product slots, and the activities. <see cref="Platform.Domain.Products.IProductComplianceSubject"/>
    /// is registered by the product records.
    /// </summary>
    public static IServiceCollection AddProductCompliance(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProductComplianceOptions>().Bind(configuration.GetSection(ProductComplianceOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProductComplianceOptions>, ProductComplianceOptionsValidator>());
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<ProductComplianceOptions>>().Value.ToSettings());
        services.TryAddSingleton<ProductReviewChecksStep>();
        services.TryAddSingleton<ProductReviewLinkStep>();
        services.TryAddSingleton<ProductReviewEscalationStep>();
        services.TryAddSingleton<ProductReviewCompletionStep>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApprovalSubjectSource, ProductApprovalSubject>());
        services.TryAddTransient<RunProductChecksActivity>();
        services.TryAddTransient<IssueProductReviewLinkActivity>();
        services.TryAddTransient<RecordProductReviewDecisionActivity>();
        services.TryAddTransient<EscalateProductReviewActivity>();
        services.TryAddTransient<CompleteProductReviewActivity>();
        return services;
    }
}
