using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Domain.Contribution;
using Platform.Domain.Oversight;
using Platform.Domain.Quality;
using Platform.Functions;
using Platform.Functions.Quality;
using Platform.Orchestrations.Quality;
using Platform.UnitTests.Http;
using Xunit;

namespace Platform.UnitTests.Quality;

public sealed class QualityRegistrationTests
{
    [Fact]
    public async Task AddPlatform_Defaults_ServicesResolveSweepStepRegisteredAndDefaultsApplied()
    {
        using var host = Build([]);

        await host.StartAsync();

        Assert.NotNull(host.Services.GetRequiredService<QualityIssueService>());
        Assert.NotNull(host.Services.GetRequiredService<ContributionService>());
        Assert.NotNull(host.Services.GetRequiredService<EscalateQualityIssueActivity>());
        Assert.Equal(QualitySettings.Default, host.Services.GetRequiredService<QualitySettings>());
        Assert.Equal(ContributionWeights.Default, host.Services.GetRequiredService<ContributionWeights>());
        Assert.Contains(host.Services.GetServices<IDeadlineSweepStep>(), s => s.Name == "quality-issues");
        await host.StopAsync();
    }

    [Theory]
    [InlineData("Quality:CorrectionWorkingDays", "0")]
    [InlineData("Contribution:UsageWeight", "-1")]
    public async Task AddPlatform_InvalidSetting_StartFailsNamingIt(string setting, string value)
    {
        using var host = Build(new() { [setting] = value });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(setting, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddPlatform_ConfiguredWeights_Bound()
    {
        using var host = Build(new() { ["Contribution:DataQualityWeight"] = "1", ["Contribution:ReviewTimelinessWeight"] = "0", ["Contribution:UsageWeight"] = "0.5" });

        await host.StartAsync();

        Assert.Equal(new ContributionWeights(1, 0, 0.5), host.Services.GetRequiredService<ContributionWeights>());
        await host.StopAsync();
    }

    private static IHost Build(Dictionary<string, string?> extra)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Auth:Issuer"] = HttpTestKit.Issuer,
            ["Auth:Audience"] = HttpTestKit.Audience,
            ["Auth:SigningKey"] = HttpTestKit.SigningKey,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddPlatform(builder.Configuration, builder.Environment);
        return builder.Build();
    }
}
