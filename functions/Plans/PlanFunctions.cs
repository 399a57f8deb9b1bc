using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Plans;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Plans;

public sealed record CreatePlanRequest(
    string Title, PlanMode? Mode, string Region, string? Description, IReadOnlyList<string>? ResourceCatalog, IReadOnlyList<string>? ProductList);

public sealed record EditPlanRequest(string Title, PlanMode? Mode, string Region, string? Description);

public sealed record PlanApprovalRequest(string ApprovedBy, string DocumentRef, DateOnly? ApprovedOn);

public sealed record PlanCatalogRequest(IReadOnlyList<string>? ResourceCatalog);

public sealed record PlanProductsRequest(IReadOnlyList<string>? ProductList);

public sealed record PlanFilingRequest(string DocumentRef, DateOnly? FiledOn);

/// <param name="FilingDueOn">Approval date plus one calendar month (M5.6), CST.</param>
/// <param name="FilingOverdue">Today (CST) is past <paramref name="FilingDueOn"/> and no filing is recorded.</param>
public sealed record PlanView(
    string Id,
    string Title,
    PlanMode Mode,
    string Region,
    string? Description,
    IReadOnlyList<string> ResourceCatalog,
    IReadOnlyList<string> ProductList,
    PlanStatus Status,
    PlanApproval? Approval,
    DateOnly? FilingDueOn,
    bool FilingOverdue,
    PlanFiling? Filing,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static PlanView From(Plan p, DateOnly today)
        => new(p.Id, p.Title, p.Mode, p.Region, p.Description, p.ResourceCatalog, p.ProductList, p.Status, p.Approval, p.FilingDueOn, p.IsFilingOverdue(today), p.Filing, p.CreatedAt, p.UpdatedAt);
}

/// <summary>Implementation plans 实施方案 (M3.3, M5.6).</summary>
public sealed class PlanFunctions(ApiHandler api, PlanService plans, IdGenerator ids, IClock clock)
{
    public const string IdPrefix = "pln";

    private static readonly ApiAccess Writers = ApiAccess.RolesOf(Roles.Authority);
    private static readonly ApiAccess Readers = ApiAccess.RolesOf(Roles.Authority, Roles.Supervisor);

    [Function("CreatePlan")]
    [OpenApiOperation(Summary = "Draft an implementation plan (M3.3)", Tags = ["plans"])]
    [OpenApiRequestBody(typeof(CreatePlanRequest))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(PlanView), HasLocation = true)]
    [OpenApiResponse(StatusCodes.Status422UnprocessableEntity, typeof(ApiProblemDetails), Description = "plan.invalid: errors name the field.")]
    public Task<IActionResult> Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "plans")] HttpRequest request)
        => api.RunAsync<CreatePlanRequest>(request, Writers, async (call, body) =>
        {
            var created = await plans.CreateAsync(
                ids.New(IdPrefix),
                new NewPlan(body.Title, body.Mode, body.Region, body.Description, body.ResourceCatalog, body.ProductList),
                call.Caller,
                call.CancellationToken);
            return ApiResults.Created(ApiRequestContext.LocationOf("plans", created.Value.Id), View(created.Value), created.ETag);
        });

    [Function("GetPlan")]
    [OpenApiOperation(Summary = "Read a plan with its approval, filing deadline and filing", Tags = ["plans"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(PlanView))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "plans/{id}")] HttpRequest request, string id)
        => api.RunAsync(request, Readers, async call =>
        {
            var found = await plans.GetAsync(call.RouteId(id, IdPrefix), call.CancellationToken);
            return ApiResults.Ok(View(found.Value), found.ETag);
        });

    [Function("ListPlans")]
    [OpenApiOperation(Summary = "List plans in creation order", Tags = ["plans"])]
    [OpenApiQueryParameter("status", typeof(PlanStatus), Description = "Only plans in this state: draft or approved.")]
    [OpenApiPaging]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(Page<PlanView>))]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "plans")] HttpRequest request)
        => api.RunAsync(request, Readers, async call =>
        {
            var paging = call.Paging();
            var (items, next) = await plans.ListAsync(StatusFilter(call.Request.Query), paging.PageSize, paging.ContinuationToken, call.CancellationToken);
            var today = ChinaTime.Today(clock);
            return ApiResults.Ok(new Page<PlanView>(items.Select(plan => PlanView.From(plan, today)).ToList(), next));
        });

    [Function("EditPlan")]
    [OpenApiOperation(Summary = "Change a draft plan's title, mode, region or description; an approved plan answers 409 plan.immutable", Tags = ["plans"])]
    [OpenApiRequestBody(typeof(EditPlanRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(PlanView))]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "plan.immutable")]
    public Task<IActionResult> Edit([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "plans/{id}")] HttpRequest request, string id)
        => api.RunAsync<EditPlanRequest>(request, Writers, async (call, body) =>
            Answer(await plans.EditAsync(call.RouteId(id, IdPrefix), new PlanEdit(body.Title, body.Mode, body.Region, body.Description), call.IfMatch(), call.Caller, call.CancellationToken)));

    [Function("ApprovePlan")]
    [OpenApiOperation(Summary = "Record the government's approval: draft → approved (M3.3); starts the one-month filing deadline (M5.6)", Tags = ["plans"])]
    [OpenApiRequestBody(typeof(PlanApprovalRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(PlanView))]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "plan.immutable: already approved.")]
    public Task<IActionResult> Approve([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "plans/{id}/approval")] HttpRequest request, string id)
        => api.RunAsync<PlanApprovalRequest>(request, Writers, async (call, body) =>
            Answer(await plans.ApproveAsync(call.RouteId(id, IdPrefix), new PlanApprovalFacts(body.ApprovedBy, body.DocumentRef, body.ApprovedOn), call.IfMatch(), call.Caller, call.CancellationToken)));

    [Function("ReplacePlanCatalog")]
    [OpenApiOperation(Summary = "Replace the plan's resource catalogue (editable after approval too); If-Match guards concurrent updates", Tags = ["plans"])]
    [OpenApiRequestBody(typeof(PlanCatalogRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(PlanView))]
    public Task<IActionResult> ReplaceCatalog([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "plans/{id}/catalog")] HttpRequest request, string id)
        => api.RunAsync<PlanCatalogRequest>(request, Writers, async (call, body) =>
            Answer(await plans.ReplaceCatalogAsync(call.RouteId(id, IdPrefix), body.ResourceCatalog, call.IfMatch(), call.Caller, call.CancellationToken)));

    [Function("ReplacePlanProducts")]
    [OpenApiOperation(Summary = "Replace the plan's product list (editable after approval too); If-Match guards concurrent updates", Tags = ["plans"])]
    [OpenApiRequestBody(typeof(PlanProductsRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(PlanView))]
    public Task<IActionResult> ReplaceProducts([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "plans/{id}/products")] HttpRequest request, string id)
        => api.RunAsync<PlanProductsRequest>(request, Writers, async (call, body) =>
            Answer(await plans.ReplaceProductsAsync(call.RouteId(id, IdPrefix), body.ProductList, call.IfMatch(), call.Caller, call.CancellationToken)));

    [Function("FilePlan")]
    [OpenApiOperation(Summary = "Record the filing of the approved plan (M5.6)", Tags = ["plans"])]
    [OpenApiRequestBody(typeof(PlanFilingRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(PlanView))]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "plan.not_approved or plan.already_filed")]
    public Task<IActionResult> File([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "plans/{id}/filing")] HttpRequest request, string id)
        => api.RunAsync<PlanFilingRequest>(request, Writers, async (call, body) =>
            Answer(await plans.RecordFilingAsync(call.RouteId(id, IdPrefix), new PlanFilingFacts(body.DocumentRef, body.FiledOn), call.IfMatch(), call.Caller, call.CancellationToken)));

    private PlanView View(Plan plan) => PlanView.From(plan, ChinaTime.Today(clock));

    private IActionResult Answer(Versioned<Plan> updated) => ApiResults.Ok(View(updated.Value), updated.ETag);

    private static PlanStatus? StatusFilter(IQueryCollection query)
    {
        var text = QueryValues.OptionalText(query, "status");
        return text switch
        {
            null => null,
            "draft" => PlanStatus.Draft,
            "approved" => PlanStatus.Approved,
            _ => throw new DomainException(FailureKind.BadRequest, "request.invalid_query", $"status must be draft or approved; got '{text}'.",
                new Dictionary<string, string[]> { ["status"] = ["Use draft or approved."] }),
        };
    }
}
