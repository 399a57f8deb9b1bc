using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Organizations;

public sealed record NewOrganization(string Name, OrganizationKind Kind, string CreditCode, string Region);

public sealed record QualificationFacts(bool NoSecurityIncidentsLast3Years, bool CreditRecordClean, bool ExecutivesRecordClean, bool PersonnelCompliant, string Evidence);

public sealed class OrganizationService(IOrganizationStore store, IAuditTrail audit, IClock clock)
{
    public async Task<Versioned<Organization>> RegisterAsync(string id, NewOrganization request, Caller caller, CancellationToken cancellationToken = default)
    {
        var creditCode = OrganizationRules.ValidateNew(request.Name, request.CreditCode, request.Region);
        var organization = new Organization(id, request.Name.Trim(), request.Kind, creditCode, request.Region, clock.UtcNow, caller.Subject, null);
        var etag = await store.AddAsync(organization, cancellationToken);
        await audit.RecordAsync(caller, "organization.created", $"organizations/{id}", organization, cancellationToken);
        return new Versioned<Organization>(organization, etag);
    }

    public async Task<Versioned<Organization>> GetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        // Object-level authorisation: the authority sees all, members see their own organisation; others learn nothing.
        if (found is null || (caller.Role != Roles.Authority && caller.Organization != id))
        {
            throw new DomainException(FailureKind.NotFound, "organization.not_found", $"Organisation '{id}' does not exist.");
        }

        return found;
    }

    /// <summary>Records the qualification facts of an operator (M3.5) under optimistic concurrency.</summary>
    public async Task<Versioned<Organization>> RecordQualificationAsync(string id, QualificationFacts facts, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(id, caller, cancellationToken);
        if (current.Value.Kind != OrganizationKind.Operator)
        {
            throw new DomainException(FailureKind.Conflict, "organization.not_operator", "Qualification facts apply to operators only (M3.5).");
        }

        if (string.IsNullOrWhiteSpace(facts.Evidence))
        {
            throw new DomainException(FailureKind.Unprocessable, "organization.invalid", "Evidence is required.", new Dictionary<string, string[]> { ["evidence"] = ["Describe or reference the evidence."] });
        }

        if (ifMatch is not null && ifMatch != current.ETag)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The organisation changed since you read it; read it again and retry.");
        }

        var qualification = new OrganizationQualification(
            facts.NoSecurityIncidentsLast3Years, facts.CreditRecordClean, facts.ExecutivesRecordClean, facts.PersonnelCompliant, facts.Evidence.Trim(), clock.UtcNow, caller.Subject);
        var updated = current.Value with { Qualification = qualification };
        var etag = await store.ReplaceAsync(updated, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, "organization.qualification_recorded", $"organizations/{id}", qualification, cancellationToken);
        return new Versioned<Organization>(updated, etag);
    }
}
