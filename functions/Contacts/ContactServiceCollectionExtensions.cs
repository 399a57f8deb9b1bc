using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Adapters.Contacts;
using Platform.Domain.Contacts;
using Platform.Domain.Notifications;

namespace Platform.Functions.Contacts;

public static class ContactServiceCollectionExtensions
{
    /// <summary>The address book: the contact and webhook store, the service behind the routes, and the directory notifications resolve through.</summary>
    public static IServiceCollection AddContacts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ContactStoreOptions>().Bind(configuration.GetSection(ContactStoreOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ContactStoreOptions>, ContactStoreOptionsValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ContactStoreOptions>>().Value);
        services.TryAddSingleton<IContactStore, TableContactStore>();
        services.TryAddSingleton<ContactService>();
        services.TryAddSingleton<IRecipientAddressBook, ContactDirectory>();
        return services;
    }
}
