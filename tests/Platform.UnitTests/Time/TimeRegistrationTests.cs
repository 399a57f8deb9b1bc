using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Moq;
using Platform.Adapters;
using Platform.Domain.Time;
using Xunit;

namespace Platform.UnitTests.Time;

public sealed class TimeRegistrationTests
{
    internal static ServiceProvider Build(string environment, params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, s.Value)))
            .Build();
        var host = Mock.Of<IHostEnvironment>(h => h.EnvironmentName == environment);
        return new ServiceCollection().AddPlatformAdapters(configuration, host).BuildServiceProvider();
    }

    [Fact]
    public void AddPlatformAdapters_CompressionInDevelopment_RegistersThatFactor()
    {
        using var services = Build(Environments.Development, ("Platform:TimeCompression", "1440"));

        services.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(1440, services.GetRequiredService<TimeCompression>().Factor);
        Assert.IsType<SystemClock>(services.GetRequiredService<IClock>());
    }

    [Fact]
    public void AddPlatformAdapters_NoSetting_RunsInRealTime()
    {
        using var services = Build(Environments.Production);

        services.GetRequiredService<IStartupValidator>().Validate();

        Assert.False(services.GetRequiredService<TimeCompression>().IsCompressed);
    }

    [Fact]
    public void AddPlatformAdapters_CompressionInProduction_FailsAtStartNamingTheSetting()
    {
        using var services = Build(Environments.Production, ("Platform:TimeCompression", "60"));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Platform:TimeCompression", error.Message);
    }

    [Fact]
    public void AddPlatformAdapters_CompressionBelowOne_FailsAtStart()
    {
        using var services = Build(Environments.Development, ("Platform:TimeCompression", "0.5"));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Platform:TimeCompression", error.Message);
    }
}
