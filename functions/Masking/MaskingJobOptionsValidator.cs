using Microsoft.Extensions.Options;
using Platform.Domain.Masking;
using Platform.Domain.Resources;

namespace Platform.Functions.Masking;

/// <summary>Checks the <c>Masking</c> settings at start-up; each message names the setting.</summary>
public sealed class MaskingJobOptionsValidator : IValidateOptions<MaskingJobOptions>
{
    public ValidateOptionsResult Validate(string? name, MaskingJobOptions options)
    {
        var failures = new List<string>();
        if (options.ProgressRows < 1)
        {
            failures.Add($"Masking:ProgressRows must be a positive number of rows; it is {options.ProgressRows}.");
        }

        if (!(options.ProgressSeconds is > 0 and <= 3600))
        {
            failures.Add($"Masking:ProgressSeconds must be more than 0 and at most 3600 seconds; it is {options.ProgressSeconds}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
