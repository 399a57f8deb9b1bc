using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Oversight;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Oversight;

/// <summary>Filing records (M5.6) as the superior authority sees them: due dates in CST and overdue flags computed at read time.</summary>
public sealed class FilingOversightFunctions(ApiHandler api, FilingOversightService filings)
{
    [Function("ListFilings")]
    [OpenApiOperation(Summary = "Approved plans and signed agreements with filing due date (CST), filing date and overdue flag (M5.6); plans first, then agreements", Tags = ["oversight"])]
    [OpenApiQueryParameter("overdue", typeof(bool), Description = "true lists only unfiled items past their due date.")]
    [OpenApiPaging]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(Page<FilingStatus>))]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "oversight/filings")] HttpRequest request)
        => api.RunAsync(request, ApiAccess.RolesOf(Roles.Authority, Roles.Supervisor), async call =>
        {
            var overdueOnly = OverdueFilter(call.Request.Query);
            var paging = call.Paging();
            var (items, token) = await filings.ListAsync(overdueOnly, paging.PageSize, paging.ContinuationToken, call.CancellationToken);
            return ApiResults.Ok(new Page<FilingStatus>(items, token));
        });

    private static bool OverdueFilter(IQueryCollection query) => QueryValues.OptionalChoice(query, "overdue", "true", "false") == "true";
}
