using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Organizations;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Organizations;

public sealed record CreateOrganizationRequest(string Name, OrganizationKind Kind, string CreditCode, string Region);

public sealed record QualificationRequest(bool NoSecurityIncidentsLast3Years, bool CreditRecordClean, bool ExecutivesRecordClean, bool PersonnelCompliant, string Evidence);

public sealed record OrganizationView(
    string Id, string Name, OrganizationKind Kind, string CreditCode, string Region, bool Qualified, OrganizationQualification? Qualification, DateTimeOffset CreatedAt,
    Platform.Domain.Oversight.Reexamination? Reexamination = null)
{
    /// <param name="reexamination">M5.7: the fail evaluation that keeps an operator under re-examination (shown with its qualification).</param>
    public static OrganizationView From(Organization o, Platform.Domain.Oversight.Reexamination? reexamination = null)
        => new(o.Id, o.Name, o.Kind, o.CreditCode, o.Region, o.Qualified, o.Qualification, o.CreatedAt, reexamination);
}

/// <summary>Organisations registered by the authority and operator qualification facts (M3.5).</summary>
public sealed class OrganizationFunctions(ApiHandler api, OrganizationService organizations, IdGenerator ids, Platform.Domain.Oversight.OperatorQualificationCheck qualification)
{
    public const string IdPrefix = "org";

    [Function("CreateOrganization")]
    [OpenApiOperation(Summary = "Register an organisation (provider, operator, developer or reviewer)", Tags = ["organizations"])]
    [OpenApiRequestBody(typeof(CreateOrganizationRequest))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(OrganizationView))]
    public Task<IActionResult> Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "organizations")] HttpRequest request)
        => api.RunAsync<CreateOrganizationRequest>(request, ApiAccess.RolesOf(Roles.Authority), async (call, body) =>
        {
            var created = await organizations.RegisterAsync(ids.New(IdPrefix), new NewOrganization(body.Name, body.Kind, body.CreditCode, body.Region), call.Caller, call.CancellationToken);
            return ApiResults.Created(ApiRequestContext.LocationOf("organizations", created.Value.Id), OrganizationView.From(created.Value), created.ETag);
        });

    [Function("GetOrganization")]
    [OpenApiOperation(Summary = "Read an organisation", Tags = ["organizations"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(OrganizationView))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "organizations/{id}")] HttpRequest request, string id)
        => api.RunAsync(request, ApiAccess.SignedIn, async call =>
        {
            var found = await organizations.GetAsync(call.RouteId(id, IdPrefix), call.Caller, call.CancellationToken);
            var reexamination = found.Value.Kind == OrganizationKind.Operator ? await qualification.ReexaminationAsync(found.Value.Id, call.CancellationToken) : null;
            return ApiResults.Ok(OrganizationView.From(found.Value, reexamination), found.ETag);
        });

    [Function("RecordQualification")]
    [OpenApiOperation(Summary = "Record an operator's qualification facts (M3.5); If-Match guards concurrent updates", Tags = ["organizations"])]
    [OpenApiRequestBody(typeof(QualificationRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(OrganizationView))]
    public Task<IActionResult> Qualify([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "organizations/{id}/qualification")] HttpRequest request, string id)
        => api.RunAsync<QualificationRequest>(request, ApiAccess.RolesOf(Roles.Authority), async (call, body) =>
        {
            var updated = await organizations.RecordQualificationAsync(
                call.RouteId(id, IdPrefix),
                new QualificationFacts(body.NoSecurityIncidentsLast3Years, body.CreditRecordClean, body.ExecutivesRecordClean, body.PersonnelCompliant, body.Evidence),
                call.IfMatch(),
                call.Caller,
                call.CancellationToken);
            return ApiResults.Ok(OrganizationView.From(updated.Value), updated.ETag);
        });
}
