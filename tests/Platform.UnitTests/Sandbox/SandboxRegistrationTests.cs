using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Domain.Agreements;
using Platform.Domain.Grants;
using Platform.Domain.Oversight;
using Platform.Domain.Sandbox;
using Platform.Functions.Sandbox;
using Platform.UnitTests.Http;
using Xunit;

namespace Platform.UnitTests.Sandbox;

public sealed class SandboxRegistrationTests
{
    [Fact]
    public async Task AddPlatform_Defaults_SandboxServicesAndTheServicesTheirStopStepsJoinResolveWithoutACycle()
    {
        using var host = PlatformHostKit.Build();
        await host.StartAsync();

        // The stop steps are built into the suspension and agreement services, which the grant check depends on: a
        // dependency back from the steps would deadlock the first request that needs any of them.
        var resolved = await Task.Run(() => new object[]
        {
            host.Services.GetRequiredService<AgreementService>(),
            host.Services.GetRequiredService<SuspensionService>(),
            host.Services.GetRequiredService<IOperatorAccessGuard>(),
            host.Services.GetRequiredService<GrantService>(),
            host.Services.GetRequiredService<SandboxJobService>(),
            host.Services.GetRequiredService<SandboxJobExecutor>(),
            host.Services.GetRequiredService<ISandboxEngine>(),
        }).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.All(resolved, Assert.NotNull);
        Assert.Contains("sandbox-jobs", host.Services.GetServices<ISuspensionStep>().Select(s => s.Name));
        var revocation = host.Services.GetServices<IAgreementRevocationStep>().Select(s => s.Name).ToList();
        Assert.True(revocation.IndexOf("sandbox-jobs") > revocation.IndexOf("grants"), string.Join(", ", revocation));
        Assert.Equal(10, host.Services.GetRequiredService<SandboxJobOptions>().MinRecordsPerRow);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("Sandbox:MinRecordsPerRow", "0")]
    [InlineData("Sandbox:MemoryLimitMb", "16")]
    [InlineData("Sandbox:TimeoutSeconds", "7200")]
    public async Task AddPlatform_BadSandboxSetting_StartFailsNamingTheSetting(string setting, string value)
    {
        using var host = PlatformHostKit.Build(new() { [setting] = value });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(setting, failure.Message, StringComparison.Ordinal);
    }
}
