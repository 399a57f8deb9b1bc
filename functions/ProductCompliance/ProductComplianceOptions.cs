using Microsoft.Extensions.Options;
using Platform.Domain.Calendar;
using Platform.Domain.ProductCompliance;

namespace Platform.Functions.ProductCompliance;

/// <summary>
/// Settings section <c>ProductCompliance</c> (M4.5.1). <c>FastTrackWorkingDays</c> (default 3) and
/// <c>FullTrackWorkingDays</c> (default 10): how many working days reviewers have on each track before a late review
/// escalates to the authority (CST, 17:00 cut-off; compressed by Platform:TimeCompression). <c>ThirdPartyReviewerId</c>
/// (default empty): a reviewer organisation that reviews full-track products in the data providers' place.
/// </summary>
public sealed class ProductComplianceOptions
{
    public const string SectionName = "ProductCompliance";

    public int FastTrackWorkingDays { get; set; } = ProductComplianceSettings.DefaultFastTrackWorkingDays;

    public int FullTrackWorkingDays { get; set; } = ProductComplianceSettings.DefaultFullTrackWorkingDays;

    public string? ThirdPartyReviewerId { get; set; }

    public ProductComplianceSettings ToSettings() => new(
        FastTrackWorkingDays,
        FullTrackWorkingDays,
        string.IsNullOrWhiteSpace(ThirdPartyReviewerId) ? null : ThirdPartyReviewerId.Trim());
}

public sealed class ProductComplianceOptionsValidator : IValidateOptions<ProductComplianceOptions>
{
    public const int MaxReviewerIdLength = 128;

    public ValidateOptionsResult Validate(string? name, ProductComplianceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.FastTrackWorkingDays is < 1 or > ReviewDeadline.MaxWorkingDays)
        {
            failures.Add($"ProductCompliance:FastTrackWorkingDays '{options.FastTrackWorkingDays}' must be a whole number of working days from 1 to {ReviewDeadline.MaxWorkingDays}.");
        }

        if (options.FullTrackWorkingDays is < 1 or > ReviewDeadline.MaxWorkingDays)
        {
            failures.Add($"ProductCompliance:FullTrackWorkingDays '{options.FullTrackWorkingDays}' must be a whole number of working days from 1 to {ReviewDeadline.MaxWorkingDays}.");
        }
        else if (options.FastTrackWorkingDays > options.FullTrackWorkingDays)
        {
            // The fast track exists to be faster (M4.5.1); a longer fast track is a configuration mistake.
            failures.Add($"ProductCompliance:FastTrackWorkingDays ({options.FastTrackWorkingDays}) must not exceed ProductCompliance:FullTrackWorkingDays ({options.FullTrackWorkingDays}).");
        }

        var reviewer = options.ThirdPartyReviewerId?.Trim();
        if (!string.IsNullOrEmpty(reviewer) && (reviewer.Length > MaxReviewerIdLength || reviewer.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) || char.IsWhiteSpace(c))))
        {
            failures.Add($"ProductCompliance:ThirdPartyReviewerId '{reviewer}' must be an organisation id of at most {MaxReviewerIdLength} characters without '/', '\\', '#', '?', spaces or control characters, or empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
