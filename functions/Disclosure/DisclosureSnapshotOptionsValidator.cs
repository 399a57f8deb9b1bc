using Microsoft.Extensions.Options;
using Platform.Domain.Disclosure;

namespace Platform.Functions.Disclosure;

/// <summary>Checks the <c>Disclosure</c> snapshot settings at start-up; each message names the setting.</summary>
public sealed class DisclosureSnapshotOptionsValidator : IValidateOptions<DisclosureSnapshotOptions>
{
    public ValidateOptionsResult Validate(string? name, DisclosureSnapshotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
