using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Domain.Contribution;
using Platform.Domain.Oversight;
using Platform.Domain.Quality;
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
        using var host = PlatformHostKit.Build();

        await host.StartAsync();

        Assert.NotNull(host.Services.GetRequiredService<QualityIssueService>());
        Assert.NotNull(host.Services.GetRequiredService<ContributionService>());
        Assert.NotNull(host.Services.GetRequiredService<EscalateQualityIssueActivity>());
        Assert.Equal(QualitySettings.Default, host.Services.GetRequiredService<QualitySettings>());
        Assert.Equal(ContributionWeights.Default, host.Services.GetRequiredService<ContributionWeights>());
        Assert.Contains(host.Services.GetServices<IDeadlineSweepStep>(), s => s.Name == QualityIssueDeadlineSweepStep.StepName);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("Quality:CorrectionWorkingDays", "0")]
    [InlineData("Contribution:UsageWeight", "-1")]
    public async Task AddPlatform_InvalidSetting_StartFailsNamingIt(string setting, string value)
    {
        using var host = PlatformHostKit.Build(new() { [setting] = value });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(setting, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddPlatform_ConfiguredWeights_Bound()
    {
        using var host = PlatformHostKit.Build(new() { ["Contribution:DataQualityWeight"] = "1", ["Contribution:ReviewTimelinessWeight"] = "0", ["Contribution:UsageWeight"] = "0.5" });

        await host.StartAsync();

        Assert.Equal(new ContributionWeights(1, 0, 0.5), host.Services.GetRequiredService<ContributionWeights>());
        await host.StopAsync();
    }
}
