using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Calendar;

namespace Platform.Adapters.Calendar;

public static class CalendarServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ICalendarStore"/> on Table storage with the <c>Calendar</c> settings, validated at start-up.
    /// Needs a <c>TableServiceClient</c> (registered by <c>AddPlatformAdapters</c>).
    /// </summary>
    public static IServiceCollection AddCalendarStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<CalendarOptions>()
            .Bind(configuration.GetSection(CalendarOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CalendarOptions>, CalendarOptionsValidator>());
        services.TryAddSingleton<ICalendarStore, TableCalendarStore>();
        return services;
    }
}
