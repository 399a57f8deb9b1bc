using Microsoft.Extensions.Options;
using Platform.Functions.Approvals;

namespace Platform.Functions.Scenarios;

/// <summary>
/// Settings section <c>Scenarios</c>. <c>Scenarios:ReviewDeadline</c>: how long reviewers have before an unanswered
/// review escalates to the authority (ISO 8601 duration, default P5D; compressed by Platform:TimeCompression). The
/// working-day deadline of M4.3 applies to data requests; scenario review uses this duration.
/// </summary>
public sealed class ScenarioOptions
{
    public const string SectionName = "Scenarios";

    public string ReviewDeadline { get; set; } = "P5D";
}

public sealed class ScenarioOptionsValidator : IValidateOptions<ScenarioOptions>
{
    public ValidateOptionsResult Validate(string? name, ScenarioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return DurationSetting.TryParse(options.ReviewDeadline, out var deadline) && deadline >= TimeSpan.FromSeconds(1) && deadline <= TimeSpan.FromDays(366)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Scenarios:ReviewDeadline '{options.ReviewDeadline}' must be a duration between 1 second and 366 days, e.g. P5D or PT30S.");
    }
}
