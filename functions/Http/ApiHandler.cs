using Microsoft.AspNetCore.Http;
using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Domain.Errors;
using Platform.Functions.Auth;

namespace Platform.Functions.Http;

/// <summary>
/// The request pipeline every HTTP function runs through in one call: authenticate, authorise by role, run the body,
/// and turn any failure into problem details in one place.
/// <code>
/// [Function("GetAgreement")]
/// public Task&lt;IActionResult&gt; Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agreements/{id}")] HttpRequest request, string id)
///     => api.RunAsync(request, ApiAccess.RolesOf(Roles.Authority, Roles.Operator), async call =>
///         ApiResults.Ok(await agreements.GetAsync(call.RouteId(id, "agr"), call.Caller, call.CancellationToken)));
/// </code>
/// </summary>
public sealed partial class ApiHandler(ICallerAuthenticator authenticator, RequestBodyReader bodyReader, ProblemDetailsMapper problems, ILogger<ApiHandler>? logger = null)
{
    private readonly ILogger _log = logger ?? (ILogger)NullLogger.Instance;

    public async Task<IActionResult> RunAsync(HttpRequest request, ApiAccess access, Func<ApiRequestContext, Task<IActionResult>> body)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await RunCoreAsync(request, access, body);
        // The request log: method, path (link tokens masked), status and time; never bodies or headers.
        LogRequest(_log, request.Method, LinkTokenMask.Mask(request.Path.Value), StatusOf(result), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    private async Task<IActionResult> RunCoreAsync(HttpRequest request, ApiAccess access, Func<ApiRequestContext, Task<IActionResult>> body)
    {
        try
        {
            var caller = await authenticator.AuthenticateAsync(request, request.HttpContext.RequestAborted);
            if (caller.IsAnonymous && !access.AllowsAnonymous)
            {
                throw JwtBearerAuthenticator.MissingToken();
            }

            if (!access.Permits(caller))
            {
                throw new DomainException(FailureKind.Forbidden, "auth.forbidden_role",
                    $"Role '{caller.Role}' may not use this route; allowed: {string.Join(", ", access.AllowedRoles.Order(StringComparer.Ordinal))}.");
            }

            return await body(new ApiRequestContext(caller, request, bodyReader));
        }
        catch (Exception exception)
        {
            return problems.Map(exception, request.HttpContext);
        }
    }

    public Task<IActionResult> RunAsync(HttpRequest request, ApiAccess access, Func<ApiRequestContext, IActionResult> body)
        => RunAsync(request, access, call => Task.FromResult(body(call)));

    /// <summary>Reads and checks the JSON body before running <paramref name="body"/> with it.</summary>
    public Task<IActionResult> RunAsync<TBody>(HttpRequest request, ApiAccess access, Func<ApiRequestContext, TBody, Task<IActionResult>> body)
        => RunAsync(request, access, async call => await body(call, await call.ReadJsonAsync<TBody>()));

    private static int StatusOf(IActionResult result) => result switch
    {
        JsonBodyResult json => json.StatusCode,
        TextBodyResult text => text.StatusCode,
        ProblemResult problem => problem.Problem.Status,
        Microsoft.AspNetCore.Mvc.Infrastructure.IStatusCodeActionResult { StatusCode: { } code } => code,
        _ => StatusCodes.Status200OK,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP {Method} {Path} answered {Status} in {ElapsedMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, string method, string path, int status, double elapsedMs);
}
