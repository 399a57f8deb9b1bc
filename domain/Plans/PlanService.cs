using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Plans;

/// <param name="ResourceCatalog">Catalogue references: resource ids (free text that is no resource id covers nothing).</param>
/// <param name="Domains">For <c>domain</c> mode: the domains and their providers.</param>
public sealed record NewPlan(
    string? Title, PlanMode? Mode, string? Region, string? Description, IReadOnlyList<string?>? ResourceCatalog, IReadOnlyList<string?>? ProductList,
    IReadOnlyList<DomainScope?>? Domains = null, string? CoImplementingDepartment = null);

/// <summary>The content of a draft that may change until approval.</summary>
public sealed record PlanEdit(string? Title, PlanMode? Mode, string? Region, string? Description, IReadOnlyList<DomainScope?>? Domains = null, string? CoImplementingDepartment = null);

/// <summary>
/// A proposed amendment of an approved plan (M3.3): the reason, and the next version's scope. A field left out keeps the
/// value of the version in force.
/// </summary>
public sealed record PlanAmendmentDraft(
    string? Reason, PlanMode? Mode, string? Region, IReadOnlyList<string?>? ResourceCatalog, IReadOnlyList<DomainScope?>? Domains, string? CoImplementingDepartment);

public sealed record PlanApprovalFacts(string? ApprovedBy, string? DocumentRef, DateOnly? ApprovedOn);

public sealed record PlanFilingFacts(string? DocumentRef, DateOnly? FiledOn);

/// <summary>Implementation plans 实施方案 (M3.3): <c>draft → approved</c>, then immutable except catalogue and products.</summary>
public sealed class PlanService(IPlanStore store, IAuditTrail audit, IClock clock)
{
    public async Task<Versioned<Plan>> CreateAsync(string id, NewPlan request, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (title, description) = PlanRules.ValidateContent(request.Title, request.Mode, request.Region, request.Description);
        var catalog = PlanRules.ValidateList("resourceCatalog", request.ResourceCatalog);
        var products = PlanRules.ValidateList("productList", request.ProductList);
        var domains = PlanRules.ValidateDomains(request.Domains);
        var errors = new Dictionary<string, string[]>();
        var department = PlanRules.OptionalText(errors, "coImplementingDepartment", request.CoImplementingDepartment);
        PlanRules.ThrowIfAny(errors);
        var now = clock.UtcNow;
        var plan = new Plan(id, title, request.Mode!.Value, request.Region!, description, catalog, products, PlanStatus.Draft, null, null, now, caller.Subject, now, caller.Subject,
            domains, department);
        var etag = await store.AddAsync(plan, cancellationToken);
        await audit.RecordAsync(caller, "plan.created", Target(id), plan, cancellationToken);
        return new Versioned<Plan>(plan, etag);
    }

    public async Task<Versioned<Plan>> GetAsync(string id, CancellationToken cancellationToken = default)
        => await store.GetAsync(id, cancellationToken) ?? throw PlanRules.NotFound(id);

    public Task<(IReadOnlyList<Plan> Items, string? ContinuationToken)> ListAsync(PlanStatus? status, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => store.QueryAsync(status, pageSize, continuationToken, cancellationToken);

    /// <summary>
    /// The approved plan an agreement is signed under (M3.4 follows M3.3): 404 <c>plan.not_found</c> when missing,
    /// 409 <c>plan.not_approved</c> while still a draft.
    /// </summary>
    public async Task<Plan> GetApprovedAsync(string planId, CancellationToken cancellationToken = default)
    {
        var plan = (await GetAsync(planId, cancellationToken)).Value;
        return plan.Status == PlanStatus.Approved
            ? plan
            : throw new DomainException(FailureKind.Conflict, "plan.not_approved", $"Plan '{planId}' is still a draft; it must be approved first (M3.3).");
    }

    /// <summary>Changes a draft's title, mode, region or description; an approved plan is immutable (M3.3).</summary>
    public async Task<Versioned<Plan>> EditAsync(string id, PlanEdit edit, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var current = await GetDraftAsync(id, cancellationToken);
        var (title, description) = PlanRules.ValidateContent(edit.Title, edit.Mode, edit.Region, edit.Description);
        var errors = new Dictionary<string, string[]>();
        var department = PlanRules.OptionalText(errors, "coImplementingDepartment", edit.CoImplementingDepartment) ?? current.Value.CoImplementingDepartment;
        PlanRules.ThrowIfAny(errors);
        var domains = edit.Domains is null ? current.Value.Domains : PlanRules.ValidateDomains(edit.Domains);
        EnsureFresh(current, ifMatch);
        var updated = Touch(current.Value with
        {
            Title = title, Mode = edit.Mode!.Value, Region = edit.Region!, Description = description, Domains = domains, CoImplementingDepartment = department,
        }, caller);
        return await SaveAsync(current, updated, "plan.updated", updated, caller, cancellationToken);
    }

    /// <summary>Records the government's approval (M3.3); from then on only the catalogue and product list may change.</summary>
    public async Task<Versioned<Plan>> ApproveAsync(string id, PlanApprovalFacts facts, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var current = await GetDraftAsync(id, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        PlanRules.RequireCoImplementingDepartment(errors, current.Value.Mode, current.Value.CoImplementingDepartment);
        var approval = ValidateApproval(errors, facts, caller);
        EnsureFresh(current, ifMatch);
        // M3.3: the approved scope is kept as version 1; later dynamic catalogue edits do not widen it.
        var version = new PlanVersionRecord(1, current.Value.Scope, current.Value.CoImplementingDepartment, approval, null);
        var updated = Touch(current.Value with { Status = PlanStatus.Approved, Approval = approval, Version = 1, Versions = [version] }, caller);
        return await SaveAsync(current, updated, "plan.approved", approval, caller, cancellationToken);
    }

    /// <summary>
    /// M3.3 "确需变更的，应当报请本级人民政府批准": proposes the next version of an approved plan, with its reason. Fields left
    /// out keep the version in force. One amendment waits at a time (409 <c>plan.amendment_pending</c>).
    /// </summary>
    public async Task<Versioned<Plan>> ProposeAmendmentAsync(string id, PlanAmendmentDraft draft, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var current = await GetAsync(id, cancellationToken);
        var plan = current.Value;
        var inForce = plan.ApprovedScope
            ?? throw new DomainException(FailureKind.Conflict, "plan.not_approved", $"Plan '{id}' is still a draft; change the draft itself (M3.3).");
        if (plan.Amendment is { } pending)
        {
            throw new DomainException(FailureKind.Conflict, "plan.amendment_pending", $"Amendment {pending.Version} of plan '{id}' is waiting for approval; approve it first.");
        }

        var errors = new Dictionary<string, string[]>();
        var reason = PlanRules.RequiredText(errors, "reason", draft.Reason, "why the change is necessary, M3.3");
        var region = draft.Region?.Trim() ?? inForce.Region;
        if (!OrganizationRules.IsRegionCode(region))
        {
            errors["region"] = ["region must be a 6-digit administrative division code (GB/T 2260), e.g. 420000 for Hubei."];
        }

        var department = PlanRules.OptionalText(errors, "coImplementingDepartment", draft.CoImplementingDepartment) ?? plan.VersionRecord(plan.Version)?.CoImplementingDepartment;
        var mode = draft.Mode ?? inForce.Mode;
        PlanRules.RequireCoImplementingDepartment(errors, mode, department);
        PlanRules.ThrowIfAny(errors);
        var catalog = draft.ResourceCatalog is null ? inForce.ResourceIds : PlanRules.ValidateList("resourceCatalog", draft.ResourceCatalog);
        var domains = draft.Domains is null ? inForce.Domains : PlanRules.ValidateDomains(draft.Domains);
        EnsureFresh(current, ifMatch);
        var amendment = new PlanAmendment(plan.Version + 1, reason!, mode, region, catalog, domains, department, clock.UtcNow, caller.Subject);
        var updated = Touch(plan with { Amendment = amendment }, caller);
        return await SaveAsync(current, updated, "plan.amendment_proposed", amendment, caller, cancellationToken);
    }

    /// <summary>
    /// Records the government's approval of the pending amendment (M3.3): it becomes the version in force, with its own
    /// approval and a new one-month filing deadline (M5.6); earlier versions stay on record with their approvals.
    /// </summary>
    public async Task<Versioned<Plan>> ApproveAmendmentAsync(string id, int version, PlanApprovalFacts facts, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var current = await GetAsync(id, cancellationToken);
        var plan = current.Value;
        if (plan.Amendment is not { } amendment || amendment.Version != version)
        {
            throw new DomainException(FailureKind.NotFound, "plan.amendment_not_found", $"Plan '{id}' has no amendment {version} waiting for approval.");
        }

        var errors = new Dictionary<string, string[]>();
        var approval = ValidateApproval(errors, facts, caller);
        EnsureFresh(current, ifMatch);
        var history = (plan.Versions ?? [plan.VersionRecord(plan.Version)!]).Select(v => v.Version == plan.Version ? v with { Filing = plan.Filing } : v);
        var record = new PlanVersionRecord(amendment.Version, amendment.Scope, amendment.CoImplementingDepartment, approval, amendment.Reason);
        var updated = Touch(plan with
        {
            Mode = amendment.Mode,
            Region = amendment.Region,
            ResourceCatalog = amendment.ResourceCatalog,
            Domains = amendment.Domains,
            CoImplementingDepartment = amendment.CoImplementingDepartment,
            Approval = approval,
            Filing = null,
            Version = amendment.Version,
            Versions = [.. history, record],
            Amendment = null,
        }, caller);
        return await SaveAsync(current, updated, "plan.amendment_approved", new { amendment.Version, amendment.Reason, approval, scope = amendment.Scope }, caller, cancellationToken);
    }

    /// <summary>Replaces the resource catalogue; allowed in every state because it is updated dynamically (M3.3).</summary>
    public Task<Versioned<Plan>> ReplaceCatalogAsync(string id, IReadOnlyList<string?>? resourceCatalog, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
        => ReplaceListAsync(id, "resourceCatalog", resourceCatalog, (plan, list) => plan with { ResourceCatalog = list }, "plan.catalog_updated", ifMatch, caller, cancellationToken);

    /// <summary>Replaces the product list; allowed in every state because it is updated dynamically (M3.3).</summary>
    public Task<Versioned<Plan>> ReplaceProductsAsync(string id, IReadOnlyList<string?>? productList, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
        => ReplaceListAsync(id, "productList", productList, (plan, list) => plan with { ProductList = list }, "plan.products_updated", ifMatch, caller, cancellationToken);

    /// <summary>Records the filing of the approved plan (M5.6); once only, and a late filing is still recorded.</summary>
    public async Task<Versioned<Plan>> RecordFilingAsync(string id, PlanFilingFacts facts, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var current = await GetAsync(id, cancellationToken);
        var approval = current.Value.Approval;
        if (current.Value.Status != PlanStatus.Approved || approval is null)
        {
            throw new DomainException(FailureKind.Conflict, "plan.not_approved", $"Plan '{id}' is still a draft; only an approved plan is filed (M5.6).");
        }

        if (current.Value.Filing is not null)
        {
            throw new DomainException(FailureKind.Conflict, "plan.already_filed", $"Plan '{id}' was already filed on {current.Value.Filing.FiledOn:yyyy-MM-dd}.");
        }

        var errors = new Dictionary<string, string[]>();
        var documentRef = PlanRules.RequiredText(errors, "documentRef", facts.DocumentRef, "the filing document number");
        var today = ChinaTime.Today(clock);
        if (facts.FiledOn is null)
        {
            errors["filedOn"] = ["filedOn is required: the filing date in China Standard Time."];
        }
        else if (facts.FiledOn < approval.ApprovedOn || facts.FiledOn > today)
        {
            errors["filedOn"] = [$"filedOn must lie between the approval date {approval.ApprovedOn:yyyy-MM-dd} and today {today:yyyy-MM-dd} (China)."];
        }

        PlanRules.ThrowIfAny(errors);
        EnsureFresh(current, ifMatch);
        var filing = new PlanFiling(documentRef!, facts.FiledOn!.Value, clock.UtcNow, caller.Subject);
        var updated = Touch(current.Value with { Filing = filing }, caller);
        return await SaveAsync(current, updated, "plan.filed", filing, caller, cancellationToken);
    }

    // M3.3: the government body, its document and a legal date (CST) not in the future.
    private PlanApproval ValidateApproval(Dictionary<string, string[]> errors, PlanApprovalFacts facts, Caller caller)
    {
        var approvedBy = PlanRules.RequiredText(errors, "approvedBy", facts.ApprovedBy, "the approving government body");
        var documentRef = PlanRules.RequiredText(errors, "documentRef", facts.DocumentRef, "the approval document number");
        var today = ChinaTime.Today(clock);
        if (facts.ApprovedOn is null)
        {
            errors["approvedOn"] = ["approvedOn is required: the approval date in China Standard Time."];
        }
        else if (facts.ApprovedOn > today)
        {
            errors["approvedOn"] = [$"approvedOn {facts.ApprovedOn:yyyy-MM-dd} is in the future (today is {today:yyyy-MM-dd} in China)."];
        }

        PlanRules.ThrowIfAny(errors);
        return new PlanApproval(approvedBy!, documentRef!, facts.ApprovedOn!.Value, clock.UtcNow, caller.Subject);
    }

    private async Task<Versioned<Plan>> ReplaceListAsync(
        string id,
        string field,
        IReadOnlyList<string?>? entries,
        Func<Plan, IReadOnlyList<string>, Plan> apply,
        string action,
        string? ifMatch,
        Caller caller,
        CancellationToken cancellationToken)
    {
        if (entries is null)
        {
            throw new DomainException(FailureKind.Unprocessable, "plan.invalid", $"{field} is required (an empty list clears it).",
                new Dictionary<string, string[]> { [field] = ["Give the complete new list."] });
        }

        var list = PlanRules.ValidateList(field, entries);
        var current = await GetAsync(id, cancellationToken);
        EnsureFresh(current, ifMatch);
        var updated = Touch(apply(current.Value, list), caller);
        return await SaveAsync(current, updated, action, list, caller, cancellationToken);
    }

    private async Task<Versioned<Plan>> GetDraftAsync(string id, CancellationToken cancellationToken)
    {
        var current = await GetAsync(id, cancellationToken);
        // M3.3: the approved plan is the basis of the authorisation and stays as approved.
        return current.Value.Status == PlanStatus.Draft ? current : throw PlanRules.Immutable(id);
    }

    private async Task<Versioned<Plan>> SaveAsync(Versioned<Plan> current, Plan updated, string action, object payload, Caller caller, CancellationToken cancellationToken)
    {
        var etag = await store.ReplaceAsync(updated, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, action, Target(updated.Id), payload, cancellationToken);
        return new Versioned<Plan>(updated, etag);
    }

    private Plan Touch(Plan plan, Caller caller) => plan with { UpdatedAt = clock.UtcNow, UpdatedBy = caller.Subject };

    private static void EnsureFresh(Versioned<Plan> current, string? ifMatch)
    {
        if (ifMatch is not null && ifMatch != current.ETag)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The plan changed since you read it; read it again and retry.");
        }
    }

    private static string Target(string id) => $"plans/{id}";
}
