using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Disclosure;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Disclosure;

/// <summary>Public disclosure of authorisations (M4.7.4), as JSON or CSV (<c>?format=csv</c> or Accept: text/csv).</summary>
public sealed class DisclosureFunctions(ApiHandler api, DisclosureService disclosure)
{
    [Function("DiscloseAuthorizations")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "Every authorisation: object, content, scope and term (M4.7.4); JSON or CSV", Tags = ["disclosure"])]
    [OpenApiQueryParameter("format", typeof(string), Description = "'json' (default) or 'csv'.")]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(IReadOnlyList<AuthorizationDisclosure>))]
    public Task<IActionResult> Authorizations([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "disclosure/authorizations")] HttpRequest request)
        => api.RunAsync(request, ApiAccess.Anonymous, async call =>
        {
            var wantsCsv = DisclosureFormat.WantsCsv(call.Request);
            var items = await disclosure.AuthorizationsAsync(call.CancellationToken);
            return wantsCsv ? new CsvFileResult(ToCsv(items), "authorizations.csv") : ApiResults.Ok(items);
        });

    private static string ToCsv(IReadOnlyList<AuthorizationDisclosure> items)
        => DisclosureCsv.Write(
            ["agreementId", "operatorId", "operatorName", "operatorCreditCode", "planTitle", "planMode", "region", "selectionMethod", "startsOn", "endsOn", "status"],
            items.Select(i => new[]
            {
                i.AgreementId, i.OperatorId, i.OperatorName, i.OperatorCreditCode, i.PlanTitle, DisclosureCsv.Wire(i.PlanMode), i.Region, DisclosureCsv.Wire(i.SelectionMethod),
                i.StartsOn.ToString("yyyy-MM-dd"), i.EndsOn.ToString("yyyy-MM-dd"), DisclosureCsv.Wire(i.Status),
            }));
}
