using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Audit;

/// <summary>
/// The audit log for supervisors and the authority (M5.3 supervision): filtered reading and verification of
/// the tamper-evident hash chain.
/// </summary>
public sealed class AuditFunctions(ApiHandler api, IAuditLog auditLog)
{
    private static readonly ApiAccess Readers = ApiAccess.RolesOf(Roles.Supervisor, Roles.Authority);

    [Function("QueryAudit")]
    [OpenApiOperation(Summary = "Read the audit log, filtered and paged", Tags = ["audit"])]
    [OpenApiQueryParameter("actor", typeof(string), Description = "Subject (sub) of the acting person.")]
    [OpenApiQueryParameter("action", typeof(string), Description = "Action name, e.g. agreement.terminated.")]
    [OpenApiQueryParameter("target", typeof(string), Description = "Id of the record acted on.")]
    [OpenApiQueryParameter("org", typeof(string), Description = "Organisation of the actor.")]
    [OpenApiQueryParameter("from", typeof(DateTimeOffset), Description = "Earliest time, ISO 8601 UTC.")]
    [OpenApiQueryParameter("to", typeof(DateTimeOffset), Description = "Latest time, ISO 8601 UTC.")]
    [OpenApiPaging]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(AuditPage))]
    public Task<IActionResult> Query([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit")] HttpRequest request)
        => api.RunAsync(request, Readers, async call =>
        {
            var query = call.Request.Query;
            var from = QueryValues.OptionalInstant(query, "from");
            var to = QueryValues.OptionalInstant(query, "to");
            if (from > to)
            {
                throw new DomainException(FailureKind.BadRequest, "request.invalid_query", "'from' must not be later than 'to'.",
                    new Dictionary<string, string[]> { ["from"] = ["Must not be later than 'to'."] });
            }

            var paging = call.Paging();
            var page = await auditLog.QueryAsync(
                new AuditQuery(
                    Actor: QueryValues.OptionalText(query, "actor"),
                    Action: QueryValues.OptionalText(query, "action"),
                    Target: QueryValues.OptionalText(query, "target"),
                    Organization: QueryValues.OptionalText(query, "org"),
                    From: from,
                    To: to,
                    PageSize: paging.PageSize,
                    ContinuationToken: paging.ContinuationToken),
                call.CancellationToken);
            return ApiResults.Ok(page);
        });

    [Function("VerifyAudit")]
    [OpenApiOperation(Summary = "Recompute the audit hash chain and report the first broken link", Tags = ["audit"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(AuditVerification))]
    public Task<IActionResult> Verify([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit/verification")] HttpRequest request)
        => api.RunAsync(request, Readers, async call => ApiResults.Ok(await auditLog.VerifyAsync(call.CancellationToken)));
}
