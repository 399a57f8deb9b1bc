using Microsoft.Extensions.Options;
using Platform.Domain.Quality;

namespace Platform.Functions.Quality;

/// <summary>
/// Settings section <c>Quality</c>. <c>Quality:CorrectionWorkingDays</c>: working days a provider has to verify and
/// correct a quality ticket (M4.7.1; default 5, from 1 to 60), counted like the data-request review (17:00 CST cut-off).
/// </summary>
public sealed class QualityOptions
{
    public const string SectionName = "Quality";
    public const int MaxCorrectionWorkingDays = 60;

    public int CorrectionWorkingDays { get; set; } = QualitySettings.DefaultCorrectionWorkingDays;
}

public sealed class QualityOptionsValidator : IValidateOptions<QualityOptions>
{
    public ValidateOptionsResult Validate(string? name, QualityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.CorrectionWorkingDays is >= 1 and <= QualityOptions.MaxCorrectionWorkingDays
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Quality:CorrectionWorkingDays '{options.CorrectionWorkingDays}' must be a whole number of working days from 1 to {QualityOptions.MaxCorrectionWorkingDays}.");
    }
}
