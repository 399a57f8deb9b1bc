using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Approvals;
using Platform.Domain.Products;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Products;

/// <summary>
/// An operator's application to admit a product developer under its admission rules (M4.6.2). <c>relationship</c>
/// declares how the developer relates to operators; <c>controlledBy</c> names the operator that controls it, if any.
/// </summary>
public sealed record ApplyDeveloperAdmissionRequest(string? DeveloperId, string? RulesRef, string? Relationship, string? ControlledBy);

public sealed record DeveloperAdmissionDecisionRequest(string? Decision, string? Comment);

/// <summary>The authority's government-guided price cap for a product kind (M4.5.3), in yuan.</summary>
public sealed record PutPriceCapRequest(decimal? Amount, string? Currency, string? Basis);

public sealed record PriceCapList(IReadOnlyList<PriceCap> Items);

/// <summary>Product developer admission (M4.6.2, M4.6.5) and government-guided price caps (M4.5.3).</summary>
public sealed class DeveloperAndPriceCapFunctions(ApiHandler api, DeveloperAdmissionService admissions, PriceCapService priceCaps, IdGenerator ids)
{
    public const string AdmissionIdPrefix = "dva";
    private static readonly ApiAccess Operator = ApiAccess.RolesOf(Roles.Operator);
    private static readonly ApiAccess Authority = ApiAccess.RolesOf(Roles.Authority);
    private static readonly ApiAccess AdmissionReaders = ApiAccess.RolesOf(Roles.Operator, Roles.Developer, Roles.Authority, Roles.Supervisor);

    [Function("ApplyDeveloperAdmission")]
    [OpenApiOperation(Summary = "Apply, as an operator and under its admission rules, for a product developer's admission; the authority decides", Tags = ["products"])]
    [OpenApiRequestBody(typeof(ApplyDeveloperAdmissionRequest))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(DeveloperAdmission), HasLocation = true)]
    [OpenApiResponse(StatusCodes.Status422UnprocessableEntity, typeof(ApiProblemDetails), Description = "developer_admission.invalid")]
    public Task<IActionResult> Apply([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "developers/admissions")] HttpRequest request)
        => api.RunAsync<ApplyDeveloperAdmissionRequest>(request, Operator, async (call, body) =>
        {
            var created = await admissions.ApplyAsync(ids.New(AdmissionIdPrefix), new DeveloperAdmissionDraft(body.DeveloperId, body.RulesRef, body.Relationship, body.ControlledBy), call.Caller, call.CancellationToken);
            return ApiResults.Created(ApiRequestContext.LocationOf("developers", "admissions", created.Value.Id), created.Value, created.ETag);
        });

    [Function("GetDeveloperAdmission")]
    [OpenApiOperation(Summary = "Read an admission (the applying operator, the developer, the authority)", Tags = ["products"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(DeveloperAdmission))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "developers/admissions/{id}")] HttpRequest request, string id)
        => api.RunAsync(request, AdmissionReaders, async call =>
        {
            var found = await admissions.GetAsync(call.RouteId(id, AdmissionIdPrefix), call.Caller, call.CancellationToken);
            return ApiResults.Ok(found.Value, found.ETag);
        });

    [Function("DecideDeveloperAdmission")]
    [OpenApiOperation(Summary = "Approve or reject a developer's admission (authority; a rejection says why)", Tags = ["products"])]
    [OpenApiRequestBody(typeof(DeveloperAdmissionDecisionRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(DeveloperAdmission))]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "developer_admission.already_decided")]
    public Task<IActionResult> Decide([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "developers/admissions/{id}/decision")] HttpRequest request, string id)
        => api.RunAsync<DeveloperAdmissionDecisionRequest>(request, Authority, async (call, body) =>
        {
            bool? approve = body.Decision switch
            {
                "approve" => true,
                "reject" => false,
                _ => null,
            };
            var decided = await admissions.DecideAsync(call.RouteId(id, AdmissionIdPrefix), approve, body.Comment, call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(decided.Value, decided.ETag);
        });

    [Function("PutPriceCap")]
    [OpenApiOperation(Summary = "Set the government-guided price cap (CNY) of a product kind (authority); changing an existing cap needs If-Match", Tags = ["products"])]
    [OpenApiRequestBody(typeof(PutPriceCapRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(PriceCap))]
    [OpenApiResponse(StatusCodes.Status412PreconditionFailed, typeof(ApiProblemDetails), Description = "price_cap.if_match_required, concurrency.etag_mismatch")]
    public Task<IActionResult> PutCap([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "price-caps/{kind}")] HttpRequest request, string kind)
        => api.RunAsync<PutPriceCapRequest>(request, Authority, async (call, body) =>
        {
            var cap = await priceCaps.SetAsync(kind, body.Amount, body.Currency, body.Basis, call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(cap.Value, cap.ETag);
        });

    [Function("GetPriceCap")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "The government-guided price cap of one product kind, with the ETag to change it (anyone)", Tags = ["products"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(PriceCap))]
    [OpenApiResponse(StatusCodes.Status404NotFound, typeof(ApiProblemDetails), Description = "price_cap.not_set, price_cap.unknown_kind")]
    public Task<IActionResult> GetCap([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "price-caps/{kind}")] HttpRequest request, string kind)
        => api.RunAsync(request, ApiAccess.Anonymous, async call =>
        {
            var cap = await priceCaps.GetAsync(kind, call.CancellationToken);
            return ApiResults.Ok(cap.Value, cap.ETag);
        });

    [Function("ListPriceCaps")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "The government-guided price caps per product kind (anyone)", Tags = ["products"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(PriceCapList))]
    public Task<IActionResult> ListCaps([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "price-caps")] HttpRequest request)
        => api.RunAsync(request, ApiAccess.Anonymous, async call => ApiResults.Ok(new PriceCapList(await priceCaps.ListAsync(call.CancellationToken))));
}
