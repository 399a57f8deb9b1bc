using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Identifiers;
using Platform.Domain.Organizations;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Personnel;

/// <summary>What an operator or developer submits to register a staff member; the ID number is only held in memory.</summary>
public sealed record NewStaffMember(string? Name, string? IdNumber, string? OrgId);

public sealed record NdaEvidence(string? DocumentRef, DateOnly? SignedOn);

/// <summary>Processing staff 数据加工处理人员 and their clearance (M4.4): identity verification, filing, NDA.</summary>
public sealed class PersonnelService(IPersonnelStore store, IOrganizationStore organizations, IdNumberHasher hasher, IAuditTrail audit, IClock clock)
{
    public async Task<Versioned<StaffMember>> RegisterAsync(string id, NewStaffMember request, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.OrgId))
        {
            throw PersonnelRules.Invalid("orgId", "orgId is required: the organisation that employs the staff member.");
        }

        // Object-level authorisation: an organisation registers only its own staff.
        if (request.OrgId != caller.Organization)
        {
            throw new DomainException(FailureKind.Forbidden, "personnel.foreign_organization",
                $"You may register staff only for your own organisation '{caller.Organization}', not '{request.OrgId}'.");
        }

        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > PersonnelRules.MaxNameLength)
        {
            errors["name"] = [$"Name is required and at most {PersonnelRules.MaxNameLength} characters."];
        }

        // M4.4 identity verification: GB 11643 structure, birth date and check character.
        var idNumber = ResidentIdNumber.Validate(request.IdNumber, ChinaTime.Today(clock));
        if (!idNumber.IsValid)
        {
            errors["idNumber"] = [idNumber.Message];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "personnel.invalid", "The staff member has invalid fields.", errors);
        }

        var organization = await organizations.GetAsync(request.OrgId, cancellationToken);
        if (organization is null || !PersonnelRules.MayEmployStaff(organization.Value.Kind))
        {
            throw PersonnelRules.Invalid("orgId", $"Organisation '{request.OrgId}' is not a registered operator or developer.");
        }

        var canonical = idNumber.Normalized!;
        var staff = new StaffMember(
            id,
            request.OrgId,
            name!,
            await hasher.HashAsync(canonical, cancellationToken),
            PersonnelRules.Mask(canonical),
            IdentityVerified: true,
            FilingState.Pending,
            Filing: null,
            Nda: null,
            clock.UtcNow,
            caller.Subject);
        var etag = await store.AddAsync(staff, cancellationToken);
        await audit.RecordAsync(caller, "personnel.registered", Target(id), staff, cancellationToken);
        return new Versioned<StaffMember>(staff, etag);
    }

    /// <summary>The record for the authority, the staff member's own organisation, or the person themself; 404 for anyone else.</summary>
    public async Task<Versioned<StaffMember>> GetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        if (found is null || !MayRead(caller, found.Value))
        {
            throw PersonnelRules.NotFound(id);
        }

        return found;
    }

    /// <summary>A page of staff: the authority may list any organisation (or all), operators and developers only their own.</summary>
    public Task<(IReadOnlyList<StaffMember> Items, string? ContinuationToken)> ListAsync(
        string? orgId, int pageSize, string? continuationToken, Caller caller, CancellationToken cancellationToken = default)
    {
        if (caller.Role != Roles.Authority)
        {
            if (orgId is not null && orgId != caller.Organization)
            {
                throw new DomainException(FailureKind.Forbidden, "personnel.foreign_organization", "You may list only your own organisation's staff.");
            }

            orgId = caller.Organization;
        }

        return store.QueryAsync(orgId, pageSize, continuationToken, cancellationToken);
    }

    /// <summary>The authority's filing review (M4.4 备案审查): approve files the person, reject (with a reason) sends it back.</summary>
    public async Task<Versioned<StaffMember>> DecideFilingAsync(
        string id, FilingDecision? decision, string? comment, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        if (decision is null)
        {
            throw PersonnelRules.Invalid("decision", "decision is required: approve or reject.");
        }

        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (decision == FilingDecision.Reject && comment is null)
        {
            throw PersonnelRules.Invalid("comment", "A rejection needs a comment saying what to correct.");
        }

        if (comment?.Length > PersonnelRules.MaxCommentLength)
        {
            throw PersonnelRules.Invalid("comment", $"comment is at most {PersonnelRules.MaxCommentLength} characters.");
        }

        var current = await GetAsync(id, caller, cancellationToken);
        // A filed person stays filed; a rejected filing may be reviewed again once corrected.
        if (current.Value.FilingState == FilingState.Filed)
        {
            throw new DomainException(FailureKind.Conflict, "personnel.already_filed", $"Staff member '{id}' is already filed.");
        }

        EnsureFresh(current, ifMatch);
        var filing = new StaffFilingDecision(decision.Value, comment, clock.UtcNow, caller.Subject);
        var updated = current.Value with
        {
            FilingState = decision == FilingDecision.Approve ? FilingState.Filed : FilingState.Rejected,
            Filing = filing,
        };
        var etag = await store.ReplaceAsync(updated, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, decision == FilingDecision.Approve ? "personnel.filed" : "personnel.filing_rejected", Target(id), filing, cancellationToken);
        return new Versioned<StaffMember>(updated, etag);
    }

    /// <summary>Records the confidentiality agreement (M4.4 保密协议); a renewed agreement replaces the earlier evidence.</summary>
    public async Task<Versioned<StaffMember>> RecordNdaAsync(string id, NdaEvidence evidence, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var errors = new Dictionary<string, string[]>();
        var documentRef = evidence.DocumentRef?.Trim();
        if (string.IsNullOrEmpty(documentRef) || documentRef.Length > PersonnelRules.MaxDocumentRefLength)
        {
            errors["documentRef"] = [$"documentRef is required and at most {PersonnelRules.MaxDocumentRefLength} characters."];
        }

        var today = ChinaTime.Today(clock);
        if (evidence.SignedOn is null)
        {
            errors["signedOn"] = ["signedOn is required: the date the agreement was signed (China Standard Time)."];
        }
        else if (evidence.SignedOn > today)
        {
            errors["signedOn"] = [$"signedOn {evidence.SignedOn:yyyy-MM-dd} is in the future (today is {today:yyyy-MM-dd} in China)."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "personnel.invalid", "The NDA evidence has invalid fields.", errors);
        }

        var current = await GetAsync(id, caller, cancellationToken);
        // Only the employing organisation holds the signed agreement; others see nothing (404 rather than 403).
        if (caller.Organization != current.Value.OrgId || caller.Role is not (Roles.Operator or Roles.Developer))
        {
            throw PersonnelRules.NotFound(id);
        }

        EnsureFresh(current, ifMatch);
        var nda = new NdaRecord(documentRef!, evidence.SignedOn!.Value, clock.UtcNow, caller.Subject);
        var updated = current.Value with { Nda = nda };
        var etag = await store.ReplaceAsync(updated, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, "personnel.nda_recorded", Target(id), nda, cancellationToken);
        return new Versioned<StaffMember>(updated, etag);
    }

    /// <summary>
    /// For work only cleared staff may do (sandbox and masking-sample jobs, M4.4): returns the record, or throws
    /// 403 <c>personnel.not_cleared</c> listing what is missing. An unknown id is not cleared either.
    /// </summary>
    public async Task<StaffMember> EnsureClearedAsync(string staffId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(staffId);
        var found = await store.GetAsync(staffId, cancellationToken)
            ?? throw new DomainException(FailureKind.Forbidden, "personnel.not_cleared", $"'{staffId}' is not a registered staff member, so is not cleared (M4.4).");
        var missing = found.Value.MissingClearance;
        if (missing.Count > 0)
        {
            throw NotCleared(found.Value, missing);
        }

        return found.Value;
    }

    /// <summary>
    /// <see cref="EnsureClearedAsync(string, CancellationToken)"/> for the signed-in caller: a <c>personnel</c> token whose
    /// <c>sub</c> is the staff record id and whose <c>org</c> is the employing organisation.
    /// </summary>
    public async Task<StaffMember> EnsureClearedAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.Role != Roles.Personnel)
        {
            throw new DomainException(FailureKind.Forbidden, "personnel.not_cleared", "Only processing staff (role personnel) may do this (M4.4).");
        }

        var staff = await EnsureClearedAsync(caller.Subject, cancellationToken);
        if (staff.OrgId != caller.Organization)
        {
            throw new DomainException(FailureKind.Forbidden, "personnel.not_cleared", $"Staff member '{staff.Id}' does not belong to organisation '{caller.Organization}'.");
        }

        return staff;
    }

    private static DomainException NotCleared(StaffMember staff, IReadOnlyList<ClearanceRequirement> missing)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var requirement in missing)
        {
            var (field, message) = requirement switch
            {
                ClearanceRequirement.IdentityVerification => ("identityVerified", "The identity has not been verified."),
                ClearanceRequirement.Filing => ("filing", staff.FilingState == FilingState.Rejected
                    ? "The filing was rejected by the authority."
                    : "The authority has not yet filed this staff member."),
                _ => ("nda", "No signed confidentiality agreement is recorded."),
            };
            errors[field] = [message];
        }

        return new DomainException(FailureKind.Forbidden, "personnel.not_cleared",
            $"Staff member '{staff.Id}' is not cleared (M4.4); missing: {string.Join(", ", missing.Select(PersonnelRules.WireName))}.", errors);
    }

    private static bool MayRead(Caller caller, StaffMember staff) => caller.Role switch
    {
        Roles.Authority => true,
        Roles.Operator or Roles.Developer => caller.Organization == staff.OrgId,
        Roles.Personnel => caller.Subject == staff.Id,
        _ => false,
    };

    private static void EnsureFresh(Versioned<StaffMember> current, string? ifMatch)
    {
        if (ifMatch is not null && ifMatch != current.ETag)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The staff record changed since you read it; read it again and retry.");
        }
    }

    private static string Target(string id) => $"personnel/{id}";
}
