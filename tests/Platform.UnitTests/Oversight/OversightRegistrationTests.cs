using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Domain.Disclosure;
using Platform.Domain.Oversight;
using Platform.UnitTests.Http;
using Xunit;

namespace Platform.UnitTests.Oversight;

public sealed class OversightRegistrationTests
{
    [Fact]
    public async Task AddPlatform_Defaults_SweepHasFilingAndEvaluationStepsAndDisclosureResolvesWithoutProducts()
    {
        using var host = PlatformHostKit.Build();

        await host.StartAsync();

        Assert.NotNull(host.Services.GetRequiredService<DeadlineSweep>());
        Assert.NotNull(host.Services.GetRequiredService<OperatorDisclosureService>());
        Assert.NotNull(host.Services.GetRequiredService<DisclosureSnapshotService>());
        Assert.Equal(new MonthDay(3, 31), host.Services.GetRequiredService<EvaluationDeadline>().DueOn);
        var steps = host.Services.GetServices<IDeadlineSweepStep>().Select(s => s.Name).ToList();
        Assert.Contains(FilingOverdueSweepStep.StepName, steps);
        Assert.Contains(EvaluationOverdueSweepStep.StepName, steps);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("Oversight:EvaluationDueMonthDay", "02-30")]
    [InlineData("Oversight:DeadlineSweepSchedule", "daily")]
    [InlineData("Disclosure:SnapshotSchedule", "0 0 1 1 3")]
    [InlineData("Disclosure:SnapshotContainer", "Snapshots")]
    public async Task AddPlatform_BadOversightSetting_StartFailsNamingTheSetting(string setting, string value)
    {
        using var host = PlatformHostKit.Build(new() { [setting] = value });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(setting, failure.Message, StringComparison.Ordinal);
    }
}
