using Microsoft.Extensions.Options;
using Platform.Domain.Oversight;

namespace Platform.Functions.Oversight;

/// <summary>Checks the <c>Oversight</c> timer settings at start-up; each message names the setting.</summary>
public sealed class DeadlineSweepOptionsValidator : IValidateOptions<DeadlineSweepOptions>
{
    public ValidateOptionsResult Validate(string? name, DeadlineSweepOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
