using Microsoft.Extensions.Options;
using Platform.Functions.Approvals;

namespace Platform.Functions.Agreements;

/// <summary>
/// Settings section <c>Agreements</c>. <c>Agreements:ExitHold</c>: how long the copies of an expired or terminated
/// agreement are held for the authority's inspection before the exit destroys them (ISO 8601 duration, default P30D;
/// compressed by Platform:TimeCompression).
/// </summary>
public sealed class AgreementOptions
{
    public const string SectionName = "Agreements";

    public string ExitHold { get; set; } = "P30D";
}

public sealed class AgreementOptionsValidator : IValidateOptions<AgreementOptions>
{
    public ValidateOptionsResult Validate(string? name, AgreementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return DurationSetting.TryParse(options.ExitHold, out var hold) && hold >= TimeSpan.Zero && hold <= TimeSpan.FromDays(366)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Agreements:ExitHold '{options.ExitHold}' must be a duration between 0 and 366 days, e.g. P30D or PT30S.");
    }
}
