using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Domain.Disclosure;
using Platform.Domain.Oversight;
using Platform.Functions;
using Platform.UnitTests.Http;
using Xunit;

namespace Platform.UnitTests.Oversight;

public sealed class OversightRegistrationTests
{
    [Fact]
    public async Task AddPlatform_Defaults_SweepHasFilingAndEvaluationStepsAndDisclosureResolvesWithoutProducts()
    {
        using var host = Build([]);

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
        using var host = Build(new() { [setting] = value });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(setting, failure.Message, StringComparison.Ordinal);
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
