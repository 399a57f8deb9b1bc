using Microsoft.Extensions.Options;
using Platform.Domain.DataRequests;

namespace Platform.Functions.DataRequests;

/// <summary>
/// Settings section <c>DataRequests</c>. <c>DataRequests:ReminderWorkingDaysBefore</c>: the provider is reminded at
/// 09:00 CST this many working days before its review is due (default 1; 0 reminds on the due date itself; at most 4,
/// since the review lasts 5 working days). The deadline itself is fixed by M4.3 (5 working days) and not a setting.
/// </summary>
public sealed class DataRequestOptions
{
    public const string SectionName = "DataRequests";

    public int ReminderWorkingDaysBefore { get; set; } = DataRequestSettings.DefaultReminderWorkingDaysBefore;
}

public sealed class DataRequestOptionsValidator : IValidateOptions<DataRequestOptions>
{
    public const int MaxReminderWorkingDaysBefore = ReviewDeadlineDays - 1;
    private const int ReviewDeadlineDays = Platform.Domain.Calendar.ReviewDeadline.DataRequestReviewWorkingDays;

    public ValidateOptionsResult Validate(string? name, DataRequestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ReminderWorkingDaysBefore is >= 0 and <= MaxReminderWorkingDaysBefore
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"DataRequests:ReminderWorkingDaysBefore '{options.ReminderWorkingDaysBefore}' must be a whole number from 0 to {MaxReminderWorkingDaysBefore} (the review lasts {ReviewDeadlineDays} working days).");
    }
}
