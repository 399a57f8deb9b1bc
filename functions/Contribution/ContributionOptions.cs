using Microsoft.Extensions.Options;
using Platform.Domain.Contribution;

namespace Platform.Functions.Contribution;

/// <summary>
/// Settings section <c>Contribution</c>: the weights of the contribution score's components (M4.7.2,
/// <c>domain/Contribution/README.md</c>). Each must be a finite number ≥ 0 and together more than 0.
/// </summary>
public sealed class ContributionOptions
{
    public const string SectionName = "Contribution";

    public double DataQualityWeight { get; set; } = ContributionWeights.Default.DataQuality;

    public double ReviewTimelinessWeight { get; set; } = ContributionWeights.Default.ReviewTimeliness;

    public double UsageWeight { get; set; } = ContributionWeights.Default.Usage;

    public ContributionWeights ToWeights() => new(DataQualityWeight, ReviewTimelinessWeight, UsageWeight);
}

public sealed class ContributionOptionsValidator : IValidateOptions<ContributionOptions>
{
    public ValidateOptionsResult Validate(string? name, ContributionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (setting, value) in new[]
                 {
                     ("Contribution:DataQualityWeight", options.DataQualityWeight),
                     ("Contribution:ReviewTimelinessWeight", options.ReviewTimelinessWeight),
                     ("Contribution:UsageWeight", options.UsageWeight),
                 })
        {
            if (!double.IsFinite(value) || value < 0)
            {
                failures.Add($"{setting} '{value}' must be a number of at least 0.");
            }
        }

        if (failures.Count == 0 && options.DataQualityWeight + options.ReviewTimelinessWeight + options.UsageWeight <= 0)
        {
            failures.Add("Contribution:DataQualityWeight, Contribution:ReviewTimelinessWeight and Contribution:UsageWeight must not all be 0.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
