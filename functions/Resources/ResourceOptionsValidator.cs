using Microsoft.Extensions.Options;
using Platform.Domain.Masking;
using Platform.Domain.Resources;

namespace Platform.Functions.Resources;

/// <summary>Checks the <c>Resources</c> settings at start-up; each message names the setting.</summary>
public sealed class ResourceOptionsValidator : IValidateOptions<ResourceOptions>
{
    public const int MaxCatalogSampleRows = 100;

    public ValidateOptionsResult Validate(string? name, ResourceOptions options)
    {
        var failures = new List<string>();
        if (options.MaxUploadBytes < 1)
        {
            failures.Add($"Resources:MaxUploadBytes must be a positive number of bytes; it is {options.MaxUploadBytes}.");
        }

        if (options.SampleRows is < 1 or > SamplingPlan.MaxRowCount)
        {
            failures.Add($"Resources:SampleRows must be from 1 to {SamplingPlan.MaxRowCount}; it is {options.SampleRows}.");
        }

        if (options.CatalogSampleRows is < 1 or > MaxCatalogSampleRows)
        {
            failures.Add($"Resources:CatalogSampleRows must be from 1 to {MaxCatalogSampleRows}; it is {options.CatalogSampleRows}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
