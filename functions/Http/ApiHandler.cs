using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
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
public sealed class ApiHandler(ICallerAuthenticator authenticator, RequestBodyReader bodyReader, ProblemDetailsMapper problems)
{
    public async Task<IActionResult> RunAsync(HttpRequest request, ApiAccess access, Func<ApiRequestContext, Task<IActionResult>> body)
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
}
