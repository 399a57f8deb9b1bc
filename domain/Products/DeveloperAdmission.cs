using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Products;

/// <summary>Admission states; wire names <c>pending</c>, <c>approved</c>, <c>rejected</c>.</summary>
public enum DeveloperAdmissionStatus
{
    Pending,
    Approved,
    Rejected,
}

public sealed record DeveloperAdmissionDecision(bool Approved, string? Comment, string DecidedBy, DateTimeOffset DecidedAt);

/// <summary>
/// A product developer's admission to the platform (M4.6.2, M4.6.5): applied for by an operator under its admission
/// rules, with the developer's declared relationship to operators, and approved or refused by the authority.
/// <see cref="ControlledBy"/> names the operator that controls the developer, if any (M4.6.1: that operator may not
/// re-develop its own delivered products through it).
/// </summary>
public sealed record DeveloperAdmission(
    string Id,
    string DeveloperId,
    string OperatorId,
    string RulesRef,
    string Relationship,
    string? ControlledBy,
    DeveloperAdmissionStatus Status,
    DeveloperAdmissionDecision? Decision,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt);

public sealed record DeveloperAdmissionDraft(string? DeveloperId, string? RulesRef, string? Relationship, string? ControlledBy);

public interface IDeveloperAdmissionStore
{
    Task<string> AddAsync(DeveloperAdmission admission, CancellationToken cancellationToken = default);

    Task<Versioned<DeveloperAdmission>?> GetAsync(string id, CancellationToken cancellationToken = default);

    Task<string> ReplaceAsync(DeveloperAdmission admission, string ifMatch, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DeveloperAdmission>> ListByDeveloperAsync(string developerId, CancellationToken cancellationToken = default);
}

/// <summary>What the product rules need to know about a developer: admitted or not, and which operators control it.</summary>
public sealed record DeveloperStanding(bool Admitted, IReadOnlySet<string> ControllingOperators);

public sealed class DeveloperAdmissionService(IDeveloperAdmissionStore store, IOrganizationStore organizations, IAuditTrail audit, IClock clock)
{
    public const int MaxTextLength = 1000;

    public static string TargetOf(string id) => $"developers/admissions/{id}";

    public async Task<Versioned<DeveloperAdmission>> ApplyAsync(string id, DeveloperAdmissionDraft draft, Caller caller, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        var developerId = draft.DeveloperId?.Trim();
        if (string.IsNullOrEmpty(developerId) || !await IsKindAsync(developerId, OrganizationKind.Developer, cancellationToken))
        {
            errors["developerId"] = ["A registered organisation of kind developer is required."];
        }

        if (string.IsNullOrWhiteSpace(draft.RulesRef) || draft.RulesRef.Trim().Length > MaxTextLength)
        {
            errors["rulesRef"] = [$"The operator's admission rules the application follows are required (at most {MaxTextLength} characters)."];
        }

        if (string.IsNullOrWhiteSpace(draft.Relationship) || draft.Relationship.Trim().Length > MaxTextLength)
        {
            errors["relationship"] = [$"Declare the developer's relationship to operators (e.g. 无关联关系; at most {MaxTextLength} characters)."];
        }

        var controlledBy = string.IsNullOrWhiteSpace(draft.ControlledBy) ? null : draft.ControlledBy.Trim();
        if (controlledBy is not null && !await IsKindAsync(controlledBy, OrganizationKind.Operator, cancellationToken))
        {
            errors["controlledBy"] = ["When given, the controlling organisation must be a registered operator."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "developer_admission.invalid", "The admission application has invalid fields.", errors);
        }

        var now = clock.UtcNow;
        var admission = new DeveloperAdmission(id, developerId!, caller.Organization, draft.RulesRef!.Trim(), draft.Relationship!.Trim(), controlledBy,
            DeveloperAdmissionStatus.Pending, null, now, caller.Subject, now);
        var etag = await store.AddAsync(admission, cancellationToken);
        await audit.RecordAsync(caller, "developer_admission.applied", TargetOf(id), admission, cancellationToken);
        return new Versioned<DeveloperAdmission>(admission, etag);
    }

    /// <summary>The authority's decision (M4.6.5); decided once.</summary>
    public async Task<Versioned<DeveloperAdmission>> DecideAsync(string id, bool? approve, string? comment, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        if (approve is null || (approve == false && string.IsNullOrWhiteSpace(comment)) || comment?.Length > MaxTextLength)
        {
            throw new DomainException(FailureKind.Unprocessable, "developer_admission.invalid", "Choose approve or reject; a rejection says why.",
                new Dictionary<string, string[]> { [approve is null ? "decision" : "comment"] = ["Required."] });
        }

        var current = await GetAsync(id, caller, cancellationToken);
        if (ifMatch is not null && ifMatch != current.ETag)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The admission changed since you read it; read it again and retry.");
        }

        if (current.Value.Status != DeveloperAdmissionStatus.Pending)
        {
            throw new DomainException(FailureKind.Conflict, "developer_admission.already_decided", "The admission has already been decided.");
        }

        var now = clock.UtcNow;
        var decided = current.Value with
        {
            Status = approve.Value ? DeveloperAdmissionStatus.Approved : DeveloperAdmissionStatus.Rejected,
            Decision = new DeveloperAdmissionDecision(approve.Value, comment?.Trim(), caller.Subject, now),
            UpdatedAt = now,
        };
        var etag = await store.ReplaceAsync(decided, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, approve.Value ? "developer_admission.approved" : "developer_admission.rejected", TargetOf(id), decided.Decision, cancellationToken);
        return new Versioned<DeveloperAdmission>(decided, etag);
    }

    public async Task<Versioned<DeveloperAdmission>> GetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        if (found is null || !(caller.Role is Roles.Authority or Roles.Supervisor || caller.Organization == found.Value.OperatorId || caller.Organization == found.Value.DeveloperId))
        {
            throw new DomainException(FailureKind.NotFound, "developer_admission.not_found", $"Admission '{id}' does not exist.");
        }

        return found;
    }

    /// <summary>
    /// A developer is admitted once any admission of it is approved (M4.6.2). Control declared in any of its applications
    /// counts, approved or not: a declaration of control cannot be shed by applying again (M4.6.1).
    /// </summary>
    public async Task<DeveloperStanding> StandingAsync(string developerId, CancellationToken cancellationToken = default)
    {
        var admissions = await store.ListByDeveloperAsync(developerId, cancellationToken);
        return new DeveloperStanding(
            admissions.Any(a => a.Status == DeveloperAdmissionStatus.Approved),
            admissions.Where(a => a.ControlledBy is not null).Select(a => a.ControlledBy!).ToHashSet(StringComparer.Ordinal));
    }

    private async Task<bool> IsKindAsync(string id, OrganizationKind kind, CancellationToken cancellationToken)
        => ResourceId.IsLookupKey(id) && (await organizations.GetAsync(id, cancellationToken))?.Value.Kind == kind;
}
