using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Domain.Oversight;
using Platform.Domain.Reports;
using Platform.UnitTests.Http;
using Xunit;

namespace Platform.UnitTests.Reports;

public sealed class AnnualReportRegistrationTests
{
    [Fact]
    public async Task AddPlatform_Defaults_ServiceResolvesAndSweepHasTheOverdueStep()
    {
        using var host = PlatformHostKit.Build();

        await host.StartAsync();

        Assert.NotNull(host.Services.GetRequiredService<AnnualReportService>());
        Assert.Equal(new ReportDueDay(1, 31), host.Services.GetRequiredService<AnnualReportOptions>().DueDay);
        Assert.Contains(host.Services.GetServices<IDeadlineSweepStep>(), s => s is AnnualReportDeadlineStep);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("Reports:AnnualReportSchedule", "yearly")]
    [InlineData("Reports:OperatorReportDueMonthDay", "02-29")]
    [InlineData("Reports:TableName", "annual_reports")]
    public async Task AddPlatform_BadReportSetting_StartFailsNamingTheSetting(string setting, string value)
    {
        using var host = PlatformHostKit.Build(new() { [setting] = value });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(setting, failure.Message, StringComparison.Ordinal);
    }
}
