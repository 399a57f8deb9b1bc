using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Calendar;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Calendar;

/// <summary>The working-day calendar (statutory holidays and 调休 working days) per year (M4.3).</summary>
public sealed class CalendarFunctions(ApiHandler api, CalendarService calendars)
{
    [Function("GetCalendar")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "A year's working-day calendar; says so when only the weekends fallback applies", Tags = ["calendar"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(CalendarYearView))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "calendar/{year:int}")] HttpRequest request, int year)
        => api.RunAsync(request, ApiAccess.Anonymous, async call =>
        {
            var (view, etag) = await calendars.GetAsync(year, call.CancellationToken);
            return etag is null ? ApiResults.Ok(view) : ApiResults.Ok(view, etag);
        });

    [Function("PutCalendar")]
    [OpenApiOperation(Summary = "Publish or replace a year's calendar (If-Match the ETag to replace a stored year)", Tags = ["calendar"])]
    [OpenApiRequestBody(typeof(CalendarYearDocument))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(CalendarYearView))]
    public Task<IActionResult> Put([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "calendar/{year:int}")] HttpRequest request, int year)
        => api.RunAsync<CalendarYearDocument>(request, ApiAccess.RolesOf(Roles.Authority), async (call, body) =>
        {
            var (view, etag) = await calendars.PutAsync(year, body, call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(view, etag);
        });
}
