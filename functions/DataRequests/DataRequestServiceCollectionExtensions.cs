using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Agreements;
using Platform.Domain.Approvals;
using Platform.Domain.DataRequests;
using Platform.Functions.Grants;
using Platform.Orchestrations.DataRequests;

namespace Platform.Functions.DataRequests;

public static class DataRequestServiceCollectionExtensions
{
    /// <summary>
    /// Data requests, provisioning and grants (M4.3, M4.5): options validated at start-up, the use cases, the
    /// approval-page subject, the revocation steps (pending requests are cancelled before grants are revoked), activities.
    /// </summary>
    public static IServiceCollection AddDataRequests(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DataRequestOptions>().Bind(configuration.GetSection(DataRequestOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DataRequestOptions>, DataRequestOptionsValidator>());
        services.TryAddSingleton(provider => new DataRequestSettings(provider.GetRequiredService<IOptions<DataRequestOptions>>().Value.ReminderWorkingDaysBefore));
        services.TryAddSingleton<DataRequestRecords>();
        services.TryAddSingleton<DataRequestSubmission>();
        services.TryAddSingleton<DataRequestItemResolver>();
        services.TryAddSingleton<DataRequestReviewSubmission>();
        services.TryAddSingleton<DataRequestQueries>();
        services.TryAddSingleton<DataRequestReviewSchedule>();
        services.TryAddSingleton<DataRequestReviewTasks>();
        services.TryAddSingleton<DataRequestDecisions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApprovalSubjectSource, DataRequestApprovalSubject>());
        // The data-request step is registered before the grants' step: revocation runs the steps in this order.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgreementRevocationStep, DataRequestRevocationStep>());
        services.AddGrants();
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
