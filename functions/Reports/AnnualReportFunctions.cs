using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Platform.Domain.Reports;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Reports;

/// <summary>The sections of an annual report the operator writes (PUT body); absent sections are left empty.</summary>
public sealed record AnnualReportNarrativeRequest(string? Summary, string? DataSecurity, string? ProductsAndServices, string? ProblemsAndRectification, string? NextYearPlan)
{
    public OperatorReportNarrative ToNarrative() => new(Summary, DataSecurity, ProductsAndServices, ProblemsAndRectification, NextYearPlan);
}

/// <summary>
/// The annual reports (M5.6): the timer that requests them at the start of each year, the route that shows
/// them (JSON, or a printable page in Chinese), and the operator's routes to complete and submit its own.
/// </summary>
public sealed class AnnualReportFunctions(ApiHandler api, AnnualReportService reports, AnnualReportRequests requests, IClock clock, ILogger<AnnualReportFunctions> logger)
{
    /// <summary>
    /// Default schedule <c>0 0 16 31 12 *</c> (UTC) = 00:00 CST on 1 January: requests the reports on the year just ended
    /// (the reporting year is the CST year of the firing time minus one day).
    /// </summary>
    [Function("RequestAnnualReports")]
    public async Task RequestAnnualReports([TimerTrigger("%Reports:AnnualReportSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var outcome = await requests.RequestAsync(clock.UtcNow, cancellationToken);
        logger.LogInformation(
            "Annual reports on {Year} requested: {Created} operator drafts created, {Existing} already there; authority draft created: {AuthorityCreated}.",
            outcome.Year, outcome.OperatorReportsCreated, outcome.OperatorReportsExisting, outcome.AuthorityReportCreated);
    }

    [Function("GetAnnualReports")]
    [OpenApiOperation(Summary = "The annual reports on a year (M5.6): the authority and supervisors see the authority's report and every operator's; an operator sees its own. JSON, or a printable page in Chinese with Accept: text/html or ?format=html", Tags = ["reports"])]
    [OpenApiQueryParameter("format", typeof(string), Description = "'json' (default) or 'html'.")]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(AnnualReportsView), Description = "The reports as JSON; with Accept: text/html or ?format=html, the printable page (text/html, UTF-8) instead.")]
    [OpenApiResponse(StatusCodes.Status400BadRequest, typeof(ApiProblemDetails), Description = "report.invalid_year or request.invalid_query.")]
    [OpenApiResponse(StatusCodes.Status404NotFound, typeof(ApiProblemDetails), Description = "report.not_found: no report on the year exists (for you).")]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/annual/{year}")] HttpRequest request, string year)
        => api.RunAsync(request, ApiAccess.RolesOf(Roles.Authority, Roles.Supervisor, Roles.Operator), async call =>
        {
            var wantsHtml = WantsHtml(call.Request);
            var view = await reports.GetAsync(Year(year), call.Caller, call.CancellationToken);
            return wantsHtml ? AnnualReportPage.Result(AnnualReportPage.Render(view, clock.UtcNow)) : ApiResults.Ok(view);
        });

    [Function("GetOperatorAnnualReport")]
    [OpenApiOperation(Summary = "One operator's annual report with its ETag (the operator itself, the authority, supervisors)", Tags = ["reports"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(OperatorAnnualReport))]
    public Task<IActionResult> GetOperatorReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/annual/{year}/operators/{operatorId}")] HttpRequest request, string year, string operatorId)
        => api.RunAsync(request, ApiAccess.RolesOf(Roles.Authority, Roles.Supervisor, Roles.Operator), async call =>
        {
            var found = await reports.GetOperatorReportAsync(Year(year), call.RouteId(operatorId, "org", "operatorId"), call.Caller, call.CancellationToken);
            return ApiResults.Ok(found.Value, found.ETag);
        });

    [Function("EditOperatorAnnualReport")]
    [OpenApiOperation(Summary = "The operator writes the sections of its own draft report (If-Match the ETag); the pre-filled counts stay as counted", Tags = ["reports"])]
    [OpenApiRequestBody(typeof(AnnualReportNarrativeRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(OperatorAnnualReport))]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "report.already_submitted.")]
    [OpenApiResponse(StatusCodes.Status412PreconditionFailed, typeof(ApiProblemDetails), Description = "concurrency.etag_mismatch.")]
    public Task<IActionResult> Edit([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "reports/annual/{year}/operators/{operatorId}")] HttpRequest request, string year, string operatorId)
        => api.RunAsync<AnnualReportNarrativeRequest>(request, ApiAccess.RolesOf(Roles.Operator), async (call, body) =>
        {
            var updated = await reports.EditAsync(Year(year), call.RouteId(operatorId, "org", "operatorId"), body.ToNarrative(), call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(updated.Value, updated.ETag);
        });

    [Function("SubmitOperatorAnnualReport")]
    [OpenApiOperation(Summary = "The operator submits its report (M5.6); after the due date it is marked late; the authority is told", Tags = ["reports"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(OperatorAnnualReport))]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "report.already_submitted.")]
    [OpenApiResponse(StatusCodes.Status422UnprocessableEntity, typeof(ApiProblemDetails), Description = "report.incomplete: the summary or data-security section is missing.")]
    public Task<IActionResult> Submit([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reports/annual/{year}/operators/{operatorId}/submission")] HttpRequest request, string year, string operatorId)
        => api.RunAsync(request, ApiAccess.RolesOf(Roles.Operator), async call =>
        {
            var submitted = await reports.SubmitAsync(Year(year), call.RouteId(operatorId, "org", "operatorId"), call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(submitted.Value, submitted.ETag);
        });

    private static int Year(string text) => AnnualReportCalendar.ParseYear(text) ?? throw AnnualReportService.InvalidYear(text.Length > 16 ? text[..16] : text);

    /// <summary><c>?format=html</c>, or no format and an Accept header asking for HTML (as a browser's does).</summary>
    private static bool WantsHtml(HttpRequest request)
    {
        var format = QueryValues.OptionalChoice(request.Query, "format", "json", "html");
        return format == "html" || (format is null && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase));
    }
}
