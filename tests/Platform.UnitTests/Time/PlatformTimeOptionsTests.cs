using Microsoft.Extensions.Hosting;
using Platform.Adapters.Time;
using Xunit;

namespace Platform.UnitTests.Time;

public sealed class PlatformTimeOptionsTests
{
    [Theory]
    [InlineData(1, "Production")]
    [InlineData(1, "Development")]
    [InlineData(1440, "Development")]
    [InlineData(60, "Staging")]
    public void Validate_AllowedFactor_Succeeds(double factor, string environment)
    {
        var result = new PlatformTimeOptionsValidator(environment).Validate(null, new PlatformTimeOptions { TimeCompression = factor });

        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData(0.5, "Development")]
    [InlineData(0, "Development")]
    [InlineData(double.NaN, "Development")]
    [InlineData(2, "Production")]
    [InlineData(1.5, "production")]
    public void Validate_RefusedFactor_FailsNamingTheSetting(double factor, string environment)
    {
        var result = new PlatformTimeOptionsValidator(environment).Validate(null, new PlatformTimeOptions { TimeCompression = factor });

        Assert.True(result.Failed);
        Assert.Contains("Platform:TimeCompression", result.FailureMessage);
    }

    [Fact]
    public void Validate_ProductionWithCompression_SaysProduction()
    {
        var result = new PlatformTimeOptionsValidator(Environments.Production).Validate(null, new PlatformTimeOptions { TimeCompression = 10 });

        Assert.Contains("Production", result.FailureMessage);
    }
}
