using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Platform.Adapters.Time;

/// <summary>The time settings of section <c>Platform</c> (docs/lifecycles.md).</summary>
public sealed class PlatformTimeOptions
{
    public const string SectionName = "Platform";

    /// <summary>
    /// <c>Platform:TimeCompression</c>: lifecycle durations run this many times faster (1 = real time). For end-to-end
    /// runs only; refused in Production, where the Measures' deadlines must run in real time.
    /// </summary>
    public double TimeCompression { get; set; } = 1;
}

public sealed class PlatformTimeOptionsValidator(string environmentName) : IValidateOptions<PlatformTimeOptions>
{
    public PlatformTimeOptionsValidator(IHostEnvironment environment)
        : this(environment.EnvironmentName)
    {
    }

    public ValidateOptionsResult Validate(string? name, PlatformTimeOptions options)
    {
        var factor = options.TimeCompression;
        var shown = factor.ToString(CultureInfo.InvariantCulture);
        if (double.IsNaN(factor) || double.IsInfinity(factor) || factor < 1)
        {
            return ValidateOptionsResult.Fail($"Platform:TimeCompression must be a number of at least 1 (got {shown}); 1 means real time.");
        }

        if (factor != 1 && string.Equals(environmentName, Environments.Production, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail($"Platform:TimeCompression must be 1 in Production (got {shown}): legal deadlines run in real time there; compression is for test runs.");
        }

        return ValidateOptionsResult.Success;
    }
}
