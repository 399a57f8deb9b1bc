using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Oversight;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Oversight;

public sealed record ReportIncidentRequest(IncidentKind Kind, string Description, DateTimeOffset OccurredAt, IReadOnlyList<string>? AffectedResources, string? MeasuresTaken);

public sealed record SuspendOperatorRequest(string Reason);

public sealed record SuspensionView(OperatorSuspension Suspension, IReadOnlyList<string> Stopped);

/// <summary>Security incidents (M5.5.3) and operator suspension (M5.5).</summary>
public sealed class OversightFunctions(ApiHandler api, IncidentService incidents, SuspensionService suspensions, IdGenerator ids)
{
    [Function("ReportIncident")]
    [OpenApiOperation(Summary = "Report a data security incident; the authority is notified at once (M5.5.3)", Tags = ["security"])]
    [OpenApiRequestBody(typeof(ReportIncidentRequest))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(SecurityIncident))]
    public Task<IActionResult> Report([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "incidents")] HttpRequest request)
        => api.RunAsync<ReportIncidentRequest>(request, ApiAccess.RolesOf(Roles.Operator, Roles.Provider, Roles.Developer), async (call, body) =>
        {
            var reported = await incidents.ReportAsync(ids.New("inc"), new NewIncident(body.Kind, body.Description, body.OccurredAt, body.AffectedResources, body.MeasuresTaken), call.Caller, call.CancellationToken);
            return ApiResults.Created(ApiRequestContext.LocationOf("incidents", reported.Value.Id), reported.Value, reported.ETag);
        });

    [Function("GetIncident")]
    [OpenApiOperation(Summary = "Read an incident report", Tags = ["security"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(SecurityIncident))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "incidents/{id}")] HttpRequest request, string id)
        => api.RunAsync(request, ApiAccess.SignedIn, async call =>
        {
            var found = await incidents.GetAsync(call.RouteId(id, "inc"), call.Caller, call.CancellationToken);
            return ApiResults.Ok(found.Value, found.ETag);
        });

    [Function("SuspendOperator")]
    [OpenApiOperation(Summary = "Suspend an operator: its jobs stop and its data access is refused at once", Tags = ["security"])]
    [OpenApiRequestBody(typeof(SuspendOperatorRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(SuspensionView))]
    public Task<IActionResult> Suspend([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "operators/{id}/suspension")] HttpRequest request, string id)
        => api.RunAsync<SuspendOperatorRequest>(request, ApiAccess.RolesOf(Roles.Authority), async (call, body) =>
        {
            var (suspension, stopped) = await suspensions.SuspendAsync(call.RouteId(id, "org"), body.Reason, call.Caller, call.CancellationToken);
            return ApiResults.Ok(new SuspensionView(suspension, stopped));
        });

    [Function("LiftOperatorSuspension")]
    [OpenApiOperation(Summary = "Lift an operator's suspension; access is restored", Tags = ["security"])]
    [OpenApiQueryParameter("note", typeof(string), Description = "Why the suspension is lifted.")]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(OperatorSuspension))]
    public Task<IActionResult> Lift([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "operators/{id}/suspension")] HttpRequest request, string id)
        => api.RunAsync(request, ApiAccess.RolesOf(Roles.Authority), async call =>
            ApiResults.Ok(await suspensions.LiftAsync(call.RouteId(id, "org"), QueryValues.OptionalText(call.Request.Query, "note"), call.Caller, call.CancellationToken)));

    [Function("GetOperatorSuspension")]
    [OpenApiOperation(Summary = "An operator's suspension state and history", Tags = ["security"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(OperatorSuspension))]
    public Task<IActionResult> GetSuspension([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "operators/{id}/suspension")] HttpRequest request, string id)
        => api.RunAsync(request, ApiAccess.SignedIn, async call =>
            ApiResults.Ok(await suspensions.GetAsync(call.RouteId(id, "org"), call.Caller, call.CancellationToken)));
}
