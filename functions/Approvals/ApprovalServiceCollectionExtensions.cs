using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Approvals;

namespace Platform.Functions.Approvals;

public static class ApprovalServiceCollectionExtensions
{
    /// <summary>Signed links and decisions through them (docs/api.md#signed-links): options validated at start-up, signer, approval service.</summary>
    public static IServiceCollection AddApprovals(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LinkOptions>()
            .Bind(configuration.GetSection(LinkOptions.SectionName))
            .Configure(options => options.PublicBaseUrl = configuration[LinkOptions.PublicBaseUrlSetting])
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LinkOptions>, LinkOptionsValidator>());
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<LinkOptions>>().Value.ToSettings());
        services.TryAddSingleton<ApprovalLinkSigner>();
        services.TryAddSingleton<ApprovalService>();
        return services;
    }
}
