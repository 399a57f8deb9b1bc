using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Reports;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Reports;

/// <summary>The sections of the authority's yearly report it writes (PUT body); absent sections are left empty.</summary>
public sealed record AuthorityReportNarrativeRequest(string? Summary, string? OperatorsOversight, string? DataSecurity, string? ProblemsAndMeasures, string? NextYearPlan)
{
    public AuthorityReportNarrative ToNarrative() => new(Summary, OperatorsOversight, DataSecurity, ProblemsAndMeasures, NextYearPlan);
}

/// <summary>The authority's own yearly report to its superior (M5.6): read by the authority and supervisors, written and submitted by the authority.</summary>
public sealed class AuthorityReportFunctions(ApiHandler api, AuthorityReportService reports)
{
    [Function("GetAuthorityReport")]
    [OpenApiOperation(Summary = "The authority's yearly report to its superior with its ETag (M5.6): computed figures, sections, due date and late flag (authority, supervisors)", Tags = ["reports"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(AuthorityAnnualReport))]
    [OpenApiResponse(StatusCodes.Status400BadRequest, typeof(ApiProblemDetails), Description = "report.invalid_year.")]
    [OpenApiResponse(StatusCodes.Status404NotFound, typeof(ApiProblemDetails), Description = "report.not_found: no report on the year was drafted.")]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "authority-reports/{year}")] HttpRequest request, string year)
        => api.RunAsync(request, ApiAccess.RolesOf(Roles.Authority, Roles.Supervisor), async call =>
        {
            var found = await reports.GetAsync(Year(year), call.Caller, call.CancellationToken);
            return ApiResults.Ok(found.Value, found.ETag);
        });

    [Function("EditAuthorityReport")]
    [OpenApiOperation(Summary = "The authority writes the sections of its draft yearly report (If-Match the ETag); the computed figures stay as counted", Tags = ["reports"])]
    [OpenApiRequestBody(typeof(AuthorityReportNarrativeRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(AuthorityAnnualReport))]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "report.already_submitted.")]
    [OpenApiResponse(StatusCodes.Status412PreconditionFailed, typeof(ApiProblemDetails), Description = "concurrency.etag_mismatch.")]
    [OpenApiResponse(StatusCodes.Status422UnprocessableEntity, typeof(ApiProblemDetails), Description = "report.invalid: a section is too long.")]
    public Task<IActionResult> Edit([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "authority-reports/{year}")] HttpRequest request, string year)
        => api.RunAsync<AuthorityReportNarrativeRequest>(request, ApiAccess.RolesOf(Roles.Authority), async (call, body) =>
        {
            var updated = await reports.EditAsync(Year(year), body.ToNarrative(), call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(updated.Value, updated.ETag);
        });

    [Function("SubmitAuthorityReport")]
    [OpenApiOperation(Summary = "The authority submits its yearly report to its superior, once (M5.6); at or after the due time it is marked late", Tags = ["reports"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(AuthorityAnnualReport))]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "report.already_submitted.")]
    [OpenApiResponse(StatusCodes.Status422UnprocessableEntity, typeof(ApiProblemDetails), Description = "report.incomplete: the summary or data-security section is missing.")]
    public Task<IActionResult> Submit([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "authority-reports/{year}/submission")] HttpRequest request, string year)
        => api.RunAsync(request, ApiAccess.RolesOf(Roles.Authority), async call =>
        {
            var submitted = await reports.SubmitAsync(Year(year), call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(submitted.Value, submitted.ETag);
        });

    private static int Year(string text) => AnnualReportCalendar.ParseYear(text) ?? throw AnnualReportService.InvalidYear(text.Length > 16 ? text[..16] : text);
}
