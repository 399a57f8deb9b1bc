using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Disclosure;

namespace Platform.Functions.Disclosure;

public static class DisclosureServiceCollectionExtensions
{
    /// <summary>
    /// Public disclosure (M4.7.4): the disclosure service, operator disclosure and the yearly disclosure snapshots, with
    /// the snapshot settings validated at start-up. The snapshot store comes from <c>AddPlatformAdapters</c>.
    /// </summary>
    public static IServiceCollection AddDisclosure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DisclosureSnapshotOptions>().Bind(configuration.GetSection(DisclosureSnapshotOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DisclosureSnapshotOptions>, DisclosureSnapshotOptionsValidator>());
        services.TryAddSingleton<DisclosureService>();
        services.TryAddSingleton<OperatorDisclosureService>();
        services.TryAddSingleton<DisclosureSnapshotService>();
        return services;
    }
}
