using Platform.Domain.Errors;
using Platform.Domain.Organizations;

namespace Platform.Domain.Agreements;

/// <summary>
/// Whom the authority may sign with (M3.5, M5.7): a registered, qualified operator without a security incident confirmed
/// in the last three years; one under re-examination after a <c>fail</c> evaluation only with the authority's explicit
/// override and its reason.
/// </summary>
public sealed class AgreementOperatorCheck(IOrganizationStore organizations, Oversight.OperatorQualificationCheck qualification)
{
    /// <summary>The override reason to record (null when none was needed); throws the refusal otherwise.</summary>
    public async Task<string?> EnsureMaySignAsync(NewAgreement request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var operatorOrganization = await organizations.GetAsync(request.OperatorId, cancellationToken);
        if (operatorOrganization is null || operatorOrganization.Value.Kind != OrganizationKind.Operator)
        {
            throw new DomainException(FailureKind.Unprocessable, "agreement.invalid", $"'{request.OperatorId}' is not a registered operator.",
                new Dictionary<string, string[]> { ["operatorId"] = ["Must name an organisation of kind operator."] });
        }

        if (!operatorOrganization.Value.Qualified)
        {
            // M3.5: only a qualified operator may be authorised.
            throw new DomainException(FailureKind.Unprocessable, "agreement.operator_not_qualified",
                "The operator does not meet the qualification conditions of M3.5 (security incidents, credit, executives, personnel).",
                new Dictionary<string, string[]> { ["operatorId"] = ["Operator is not qualified."] });
        }

        // M3.5: a security incident the authority confirmed within the last 3 years disqualifies, whatever the recorded facts say.
        var unmet = await qualification.UnmetAsync(request.OperatorId, cancellationToken);
        if (unmet.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "agreement.operator_not_qualified",
                $"The operator does not meet the qualification conditions of M3.5: {string.Join(", ", unmet)}.",
                new Dictionary<string, string[]> { ["operatorId"] = [$"Unmet: {string.Join(", ", unmet)}."] });
        }

        // M5.7: a fail evaluation puts the operator under re-examination; only the authority's explicit override signs anyway.
        return Oversight.ReexaminationRules.EnsureMaySign(await qualification.ReexaminationAsync(request.OperatorId, cancellationToken), request.ReexaminationOverrideReason);
    }
}
