using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Functions.Agreements;

public static class AgreementServiceCollectionExtensions
{
    /// <summary>Agreements (M3.4–M3.6): the service, the plan-approval check it makes, and the lifecycle activities.</summary>
    public static IServiceCollection AddAgreements(this IServiceCollection services)
    {
        services.TryAddSingleton<Platform.Domain.Agreements.AgreementService>();
        services.TryAddSingleton<Platform.Domain.Agreements.IPlanApprovalCheck, PlanApprovalCheck>();
        // M3.3, M3.5: the authorisation binds every command that uses data; amendments re-scope live agreements.
        services.TryAddSingleton<Platform.Domain.Agreements.AgreementScopeGuard>();
        services.TryAddSingleton<Platform.Domain.Agreements.AuthorizationBinding>();
        services.TryAddSingleton<Platform.Domain.Agreements.PlanAmendmentApproval>();
        services.TryAddTransient<Platform.Orchestrations.Agreements.RecordAgreementMilestoneActivity>();
        services.TryAddTransient<Platform.Orchestrations.Agreements.RevokeAgreementActivity>();
        return services;
    }
}
