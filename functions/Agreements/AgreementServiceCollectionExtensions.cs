using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Agreements;
using Platform.Functions.Approvals;
using Platform.Orchestrations.Agreements;

namespace Platform.Functions.Agreements;

public static class AgreementServiceCollectionExtensions
{
    /// <summary>Agreements (M3.4–M3.6): options validated at start-up, the service, the plan-approval check it makes, the lifecycle and exit activities.</summary>
    public static IServiceCollection AddAgreements(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AgreementOptions>().Bind(configuration.GetSection(AgreementOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgreementOptions>, AgreementOptionsValidator>());
        services.TryAddSingleton(provider => new AgreementExitSettings(
            DurationSetting.TryParse(provider.GetRequiredService<IOptions<AgreementOptions>>().Value.ExitHold, out var hold) ? hold : AgreementExitSettings.DefaultHold));
        services.TryAddSingleton<AgreementService>();
        services.TryAddSingleton<AgreementOperatorCheck>();
        services.TryAddSingleton<AgreementExitService>();
        services.TryAddSingleton<IPlanApprovalCheck, PlanApprovalCheck>();
        services.TryAddTransient<RecordAgreementMilestoneActivity>();
        services.TryAddTransient<RevokeAgreementActivity>();
        services.TryAddTransient<BeginAgreementExitActivity>();
        services.TryAddTransient<ListAgreementExitGrantsActivity>();
        services.TryAddTransient<InventoryGrantCopiesActivity>();
        services.TryAddTransient<DeleteGrantCopiesActivity>();
        services.TryAddTransient<CertifyGrantDestructionActivity>();
        services.TryAddTransient<CompleteAgreementExitActivity>();
        // M3.3, M3.5: the authorisation binds every command that uses data; amendments re-scope live agreements.
        services.TryAddSingleton<Platform.Domain.Agreements.AgreementScopeGuard>();
        services.TryAddSingleton<Platform.Domain.Agreements.AuthorizationBinding>();
        services.TryAddSingleton<Platform.Domain.Agreements.PlanAmendmentApproval>();
        return services;
    }
}
