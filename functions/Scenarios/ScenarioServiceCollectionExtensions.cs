using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Agreements;
using Platform.Domain.Approvals;
using Platform.Domain.Scenarios;
using Platform.Functions.Approvals;
using Platform.Orchestrations.Scenarios;

namespace Platform.Functions.Scenarios;

public static class ScenarioServiceCollectionExtensions
{
    /// <summary>Scenario review (M4.2): options validated at start-up, commands and queries, review steps, approval-page subject, revocation step, activities.</summary>
    public static IServiceCollection AddScenarios(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ScenarioOptions>().Bind(configuration.GetSection(ScenarioOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScenarioOptions>, ScenarioOptionsValidator>());
        services.TryAddSingleton(provider => new ScenarioReviewSettings(
            DurationSetting.TryParse(provider.GetRequiredService<IOptions<ScenarioOptions>>().Value.ReviewDeadline, out var deadline) ? deadline : ScenarioReviewSettings.DefaultReviewDeadline));
        services.TryAddSingleton<ScenarioService>();
        services.TryAddSingleton<ScenarioSubmissionCheck>();
        services.TryAddSingleton<ScenarioExperts>();
        services.TryAddSingleton<ScenarioRecords>();
        services.TryAddSingleton<ScenarioReviewSteps>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApprovalSubjectSource, ScenarioApprovalSubject>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgreementRevocationStep, ScenarioReviewRevocationStep>());
        services.TryAddTransient<IssueScenarioReviewLinkActivity>();
        services.TryAddTransient<RecordScenarioReviewDecisionActivity>();
        services.TryAddTransient<EscalateScenarioReviewActivity>();
        services.TryAddTransient<CompleteScenarioReviewActivity>();
        return services;
    }
}
