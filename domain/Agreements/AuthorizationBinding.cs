using Platform.Domain.Oversight;

namespace Platform.Domain.Agreements;

/// <summary>
/// What an operator's submission under an agreement must satisfy besides the agreement being live: the operator is still
/// qualified (M3.5, re-checked at each scenario and data request) and every resource is inside the authorised scope
/// (M3.3, M5.5.4).
/// </summary>
public sealed class AuthorizationBinding(AgreementScopeGuard scope, OperatorQualificationCheck qualification)
{
    /// <summary>422 <c>organization.not_qualified</c> naming the unmet condition, then 422 <c>scope.outside_authorization</c> naming the resource.</summary>
    public async Task EnsureBindsAsync(Agreement agreement, IEnumerable<ScopeItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        await qualification.EnsureQualifiedAsync(agreement.OperatorId, cancellationToken);
        await scope.EnsureCoversAsync(agreement, items, cancellationToken);
    }
}
