using Platform.Domain.Agreements;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Oversight;
using Platform.Domain.Resources;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Masking;

/// <summary>
/// What a caller may mask (M4.4): the authority any resource, a provider its own, processing staff only published
/// resources their organisation holds a current grant on, and never while their operator is suspended (M5.5); and the
/// agreement a provisioning job runs under.
/// </summary>
public sealed class MaskingJobAccess(IResourceStore resources, IAgreementStore agreements, IGrantStore grants, IOperatorAccessGuard operatorAccess, IClock clock)
{
    private const int GrantPageSize = 200;

    /// <summary>The resource when the caller may mask it; 422 naming <c>resourceId</c> otherwise (existence is not revealed).</summary>
    public async Task<Versioned<Resource>> MaskableResourceAsync(string resourceId, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await operatorAccess.EnsureMayStartWorkAsync(caller, cancellationToken);
        var resource = await resources.GetAsync(resourceId, cancellationToken);
        if (resource is null || !MayMask(caller, resource.Value)
            || (caller.Role == Roles.Personnel && !await IsGrantedAsync(caller.Organization, resource.Value.Id, cancellationToken)))
        {
            throw MaskingJobRules.Invalid("resourceId", $"'{resourceId}' is not a resource you may mask.");
        }

        return resource;
    }

    // M4.4: staff process only data their organisation was granted; a revoked or expired grant no longer counts.
    private async Task<bool> IsGrantedAsync(string organization, string resourceId, CancellationToken cancellationToken)
    {
        if (organization.Length == 0)
        {
            return false;
        }

        var now = clock.UtcNow;
        string? token = null;
        do
        {
            var (items, next) = await grants.ListAsync(organization, GrantPageSize, token, cancellationToken);
            if (items.Any(g => g.OperatorId == organization && g.StatusAt(now) == GrantStatus.Active && g.Tables.Any(t => t.ResourceId == resourceId)))
            {
                return true;
            }

            token = next;
        }
        while (token is not null);

        return false;
    }

    private static bool MayMask(Caller caller, Resource resource) => caller.Role switch
    {
        Roles.Authority => true,
        Roles.Provider => caller.Organization == resource.ProviderId,
        // Processing staff work on what the catalogue offers, never on drafts.
        Roles.Personnel => resource.Status == ResourceStatus.Published,
        _ => false,
    };

    public async Task<string?> CheckAgreementAsync(MaskingPurpose purpose, string? agreementId, Caller caller, CancellationToken cancellationToken)
    {
        agreementId = string.IsNullOrWhiteSpace(agreementId) ? null : agreementId.Trim();
        if (purpose == MaskingPurpose.Sample)
        {
            return agreementId is null
                ? null
                : throw MaskingJobRules.Invalid("agreementId", "agreementId applies to provisioning only; a sample is never pseudonymised.");
        }

        if (agreementId is null)
        {
            // M4.4: provisioning is always under one agreement, whose key makes its pseudonyms unlinkable to others'.
            throw MaskingJobRules.Invalid("agreementId", "agreementId is required for provisioning: the pseudonymisation key is the agreement's.");
        }

        var agreement = await agreements.GetAsync(agreementId, cancellationToken);
        if (agreement is null || (caller.Role == Roles.Personnel && agreement.Value.OperatorId != caller.Organization))
        {
            throw MaskingJobRules.Invalid("agreementId", $"'{agreementId}' is not an agreement you may provision under.");
        }

        // M3.4, M3.6: data is provided only while the agreement is in force.
        AgreementRules.EnsureInForce(agreement.Value);

        return agreementId;
    }
}
