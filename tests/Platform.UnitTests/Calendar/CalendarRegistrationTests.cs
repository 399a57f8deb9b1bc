using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Adapters.Calendar;
using Platform.Domain.Calendar;
using Xunit;

namespace Platform.UnitTests.Calendar;

public sealed class CalendarRegistrationTests
{
    [Fact]
    public void AddCalendarStore_Defaults_ResolvesTableStoreOnCalendarsTable()
    {
        using var provider = Build([]);

        Assert.IsType<TableCalendarStore>(provider.GetRequiredService<ICalendarStore>());
        Assert.Equal("calendars", provider.GetRequiredService<IOptions<CalendarOptions>>().Value.TableName);
    }

    [Fact]
    public void AddCalendarStore_InvalidTableName_FailsNamingTheSetting()
    {
        using var provider = Build(new() { ["Calendar:TableName"] = "no_underscores" });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CalendarOptions>>().Value);

        Assert.Contains("Calendar:TableName", ex.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(new TableServiceClient("UseDevelopmentStorage=true"));
        services.AddCalendarStore(configuration);
        return services.BuildServiceProvider();
    }
}
