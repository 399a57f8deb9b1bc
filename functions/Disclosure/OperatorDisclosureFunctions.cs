using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Disclosure;
using Platform.Domain.Errors;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Disclosure;

/// <summary>
/// Public disclosure of each operator (M4.7.4): its authorisations, published products and services with prices, and
/// resource usage; and the yearly snapshots published by the end of March for the previous year. JSON or CSV.
/// </summary>
public sealed class OperatorDisclosureFunctions(ApiHandler api, OperatorDisclosureService operators, DisclosureSnapshotService snapshots)
{
    [Function("DiscloseOperator")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "An operator's authorisations, published products with prices and resource usage (M4.7.4); JSON or CSV", Tags = ["disclosure"])]
    [OpenApiQueryParameter("format", typeof(string), Description = "'json' (default) or 'csv'.")]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(OperatorDisclosure))]
    public Task<IActionResult> Operator([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "disclosure/operators/{id}")] HttpRequest request, string id)
        => api.RunAsync(request, ApiAccess.Anonymous, async call =>
        {
            var operatorId = call.RouteId(id, "org");
            var wantsCsv = DisclosureFormat.WantsCsv(call.Request);
            var disclosure = await operators.GetAsync(operatorId, call.CancellationToken);
            return wantsCsv ? new CsvFileResult(DisclosureCsv.ForOperator(disclosure), $"operator-{operatorId}.csv") : ApiResults.Ok(disclosure);
        });

    [Function("GetDisclosureSnapshot")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "The published disclosure snapshot of a past year (M4.7.4); 404 until it is published in March of the next year", Tags = ["disclosure"])]
    [OpenApiQueryParameter("format", typeof(string), Description = "'json' (default) or 'csv'.")]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(DisclosureSnapshot))]
    public Task<IActionResult> Snapshot([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "disclosure/snapshots/{year}")] HttpRequest request, string year)
        => api.RunAsync(request, ApiAccess.Anonymous, async call =>
        {
            var snapshotYear = ParseYear(year);
            var wantsCsv = DisclosureFormat.WantsCsv(call.Request);
            return wantsCsv
                ? new CsvFileResult(await snapshots.GetCsvAsync(snapshotYear, call.CancellationToken), $"disclosure-{snapshotYear}.csv")
                : ApiResults.Ok(await snapshots.GetAsync(snapshotYear, call.CancellationToken));
        });

    private static int ParseYear(string text)
        => text.Length == 4 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year >= DisclosureSnapshotService.EarliestYear
            ? year
            : throw new DomainException(FailureKind.BadRequest, "request.invalid_year", $"'{text}' is not a year such as 2026.",
                new Dictionary<string, string[]> { ["year"] = [$"A four-digit year from {DisclosureSnapshotService.EarliestYear}."] });
}
