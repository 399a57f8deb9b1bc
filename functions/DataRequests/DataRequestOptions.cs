using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Agreements;
using Platform.Domain.Approvals;
using Platform.Domain.DataRequests;
using Platform.Domain.Grants;
using Platform.Orchestrations.DataRequests;

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

public static class DataRequestServiceCollectionExtensions
{
    /// <summary>
    /// Data requests, provisioning and grants (SPEC §2.5, §2.7): options validated at start-up, services, the approval-page
    /// subject, the revocation steps (pending requests are cancelled before grants are revoked), activities.
    /// </summary>
    public static IServiceCollection AddDataRequests(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DataRequestOptions>().Bind(configuration.GetSection(DataRequestOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DataRequestOptions>, DataRequestOptionsValidator>());
        services.TryAddSingleton(provider => new DataRequestSettings(provider.GetRequiredService<IOptions<DataRequestOptions>>().Value.ReminderWorkingDaysBefore));
        services.TryAddSingleton<DataRequestService>();
        services.TryAddSingleton<GrantService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApprovalSubjectSource, DataRequestApprovalSubject>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgreementRevocationStep, DataRequestRevocationStep>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgreementRevocationStep, GrantRevocationStep>());
        services.TryAddTransient<ScheduleDataRequestReviewActivity>();
        services.TryAddTransient<IssueDataRequestReviewTaskActivity>();
        services.TryAddTransient<RemindDataRequestReviewActivity>();
        services.TryAddTransient<RecordDataRequestDecisionActivity>();
        services.TryAddTransient<EscalateDataRequestReviewActivity>();
        services.TryAddTransient<ProvisionDataRequestActivity>();
        services.TryAddTransient<ReportDataRequestProvisioningFailureActivity>();
        services.TryAddTransient<CompleteDataRequestActivity>();
        return services;
    }
}
