using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Personnel;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Personnel;

/// <param name="IdNumber">Resident identity number (GB 11643); validated, then kept only as a keyed hash and a masked form.</param>
public sealed record CreateStaffMemberRequest(string Name, string IdNumber, string OrgId);

public sealed record FilingDecisionRequest(FilingDecision? Decision, string? Comment);

public sealed record NdaRequest(string DocumentRef, DateOnly? SignedOn);

public sealed record StaffMemberView(
    string Id,
    string OrgId,
    string Name,
    string IdNumberMasked,
    bool IdentityVerified,
    FilingState FilingState,
    StaffFilingDecision? Filing,
    NdaRecord? Nda,
    bool Cleared,
    IReadOnlyList<ClearanceRequirement> MissingClearance,
    DateTimeOffset CreatedAt)
{
    public static StaffMemberView From(StaffMember s)
        => new(s.Id, s.OrgId, s.Name, s.IdNumberMasked, s.IdentityVerified, s.FilingState, s.Filing, s.Nda, s.Cleared, s.MissingClearance, s.CreatedAt);
}

/// <summary>Processing staff 数据加工处理人员 and their clearance (M4.4).</summary>
public sealed class PersonnelFunctions(ApiHandler api, PersonnelService personnel, IdGenerator ids)
{
    public const string IdPrefix = "stf";

    [Function("CreateStaffMember")]
    [OpenApiOperation(Summary = "Register a processing staff member of the caller's organisation (M4.4)", Tags = ["personnel"])]
    [OpenApiRequestBody(typeof(CreateStaffMemberRequest))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(StaffMemberView), HasLocation = true)]
    [OpenApiResponse(StatusCodes.Status403Forbidden, typeof(ApiProblemDetails), Description = "personnel.foreign_organization: orgId is not the caller's organisation.")]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "personnel.duplicate: the ID number is already registered in this organisation.")]
    [OpenApiResponse(StatusCodes.Status422UnprocessableEntity, typeof(ApiProblemDetails), Description = "personnel.invalid: errors name the field, e.g. idNumber.")]
    public Task<IActionResult> Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "personnel")] HttpRequest request)
        => api.RunAsync<CreateStaffMemberRequest>(request, ApiAccess.RolesOf(Roles.Operator, Roles.Developer), async (call, body) =>
        {
            var created = await personnel.RegisterAsync(ids.New(IdPrefix), new NewStaffMember(body.Name, body.IdNumber, body.OrgId), call.Caller, call.CancellationToken);
            return ApiResults.Created(ApiRequestContext.LocationOf("personnel", created.Value.Id), StaffMemberView.From(created.Value), created.ETag);
        });

    [Function("GetStaffMember")]
    [OpenApiOperation(Summary = "Read a staff member and their clearance (the authority, the employing organisation, or the person themself)", Tags = ["personnel"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(StaffMemberView))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "personnel/{id}")] HttpRequest request, string id)
        => api.RunAsync(request, ApiAccess.RolesOf(Roles.Authority, Roles.Operator, Roles.Developer, Roles.Personnel), async call =>
        {
            var found = await personnel.GetAsync(call.RouteId(id, IdPrefix), call.Caller, call.CancellationToken);
            return ApiResults.Ok(StaffMemberView.From(found.Value), found.ETag);
        });

    [Function("ListStaffMembers")]
    [OpenApiOperation(Summary = "List staff: operators and developers see their own organisation's, the authority any organisation's", Tags = ["personnel"])]
    [OpenApiQueryParameter("orgId", typeof(string), Description = "Organisation whose staff to list (the authority may leave it out for all).")]
    [OpenApiPaging]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(Page<StaffMemberView>))]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "personnel")] HttpRequest request)
        => api.RunAsync(request, ApiAccess.RolesOf(Roles.Authority, Roles.Operator, Roles.Developer), async call =>
        {
            var paging = call.Paging();
            var (items, next) = await personnel.ListAsync(
                QueryValues.OptionalText(call.Request.Query, "orgId"), paging.PageSize, paging.ContinuationToken, call.Caller, call.CancellationToken);
            return ApiResults.Ok(new Page<StaffMemberView>(items.Select(StaffMemberView.From).ToList(), next));
        });

    [Function("DecideStaffFiling")]
    [OpenApiOperation(Summary = "The authority files (approve) or rejects a staff member (M4.4); If-Match guards concurrent updates", Tags = ["personnel"])]
    [OpenApiRequestBody(typeof(FilingDecisionRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(StaffMemberView))]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "personnel.already_filed")]
    public Task<IActionResult> DecideFiling([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "personnel/{id}/filing")] HttpRequest request, string id)
        => api.RunAsync<FilingDecisionRequest>(request, ApiAccess.RolesOf(Roles.Authority), async (call, body) =>
        {
            var updated = await personnel.DecideFilingAsync(call.RouteId(id, IdPrefix), body.Decision, body.Comment, call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(StaffMemberView.From(updated.Value), updated.ETag);
        });

    [Function("RecordStaffNda")]
    [OpenApiOperation(Summary = "Record the confidentiality agreement a staff member signed (M4.4); If-Match guards concurrent updates", Tags = ["personnel"])]
    [OpenApiRequestBody(typeof(NdaRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(StaffMemberView))]
    public Task<IActionResult> RecordNda([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "personnel/{id}/nda")] HttpRequest request, string id)
        => api.RunAsync<NdaRequest>(request, ApiAccess.RolesOf(Roles.Operator, Roles.Developer), async (call, body) =>
        {
            var updated = await personnel.RecordNdaAsync(call.RouteId(id, IdPrefix), new NdaEvidence(body.DocumentRef, body.SignedOn), call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(StaffMemberView.From(updated.Value), updated.ETag);
        });
}
