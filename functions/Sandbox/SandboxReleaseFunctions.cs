using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Grants;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Sandbox;

/// <param name="Required">true: a <c>full</c> result of the grant is released only after every checker approves it through its signed link.</param>
/// <param name="Checkers">Organisation ids of the output checkers (two when the grant covers sensitive-personal fields); never the grant's operator.</param>
/// <param name="FullJobsPerDay">The grant's query budget: full jobs per China day (1–10000); null = the platform default (setting Sandbox__FullJobsPerDay).</param>
/// <param name="NoiseEpsilonPerJob">Optional calibrated noise (issue 14 item 5): the ε of Laplace noise each full job's released aggregates carry (0.01–10; smaller = more noise). Set together with <paramref name="NoiseEpsilonTotal"/>, or leave both out for no noise.</param>
/// <param name="NoiseEpsilonTotal">The grant's ε budget (noiseEpsilonPerJob–1000): full jobs are refused (409 sandbox.noise_budget_exhausted) once the next would spend more.</param>
public sealed record SandboxReleaseControlRequest(bool? Required, List<string?>? Checkers, int? FullJobsPerDay = null, double? NoiseEpsilonPerJob = null, double? NoiseEpsilonTotal = null);

/// <summary>A grant's release control, its query budget today and its ε budget when it adds noise (issue 14 items 5 and 6).</summary>
public sealed record SandboxReleaseControlView(
    string GrantId, bool Required, IReadOnlyList<string> Checkers, int? FullJobsPerDay, string SetBy, DateTimeOffset SetAt, SandboxBudgetView Budget,
    SandboxNoiseBudgetView? Noise = null)
{
    public static SandboxReleaseControlView From(SandboxReleaseControl control, SandboxBudgetView budget, SandboxNoiseBudgetView? noise)
        => new(control.GrantId, control.Required, control.Checkers, control.FullJobsPerDay, control.SetBy, control.SetAt, budget, noise);
}

/// <summary>The human release step of a grant's <c>full</c> results (issue 14 item 6, the "airlock"): set by the authority only.</summary>
public sealed class SandboxReleaseFunctions(ApiHandler api, SandboxReleaseControlService controls, SandboxBudget budget, SandboxNoiseBudget noise)
{
    private static readonly ApiAccess Authority = ApiAccess.RolesOf(Roles.Authority);

    [Function("SetSandboxReleaseControl")]
    [OpenApiOperation(
        Summary = "Require (or stop requiring) that named output checkers approve a grant's full results before they are released",
        Description = "Authority only. While required, a full job whose result passes the checks ends awaiting_release; each checker organisation receives a signed link (/api/approvals/{token}) showing the result's shape and disclosure-control summary, never values. All approve: released; one refuses: release_refused. A checker may not be the grant's operator (403 sandbox.checker_conflict).",
        Tags = ["sandbox"])]
    [OpenApiRequestBody(typeof(SandboxReleaseControlRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(SandboxReleaseControlView))]
    [OpenApiResponse(StatusCodes.Status400BadRequest, typeof(ApiProblemDetails), Description = "sandbox.invalid_release_control: required missing.")]
    [OpenApiResponse(StatusCodes.Status403Forbidden, typeof(ApiProblemDetails), Description = "sandbox.checker_conflict, auth.forbidden_role.")]
    [OpenApiResponse(StatusCodes.Status404NotFound, typeof(ApiProblemDetails), Description = "grant.not_found.")]
    [OpenApiResponse(StatusCodes.Status412PreconditionFailed, typeof(ApiProblemDetails), Description = "concurrency.etag_mismatch.")]
    [OpenApiResponse(StatusCodes.Status422UnprocessableEntity, typeof(ApiProblemDetails), Description = "sandbox.invalid_release_control: errors name the checkers.")]
    public Task<IActionResult> Set([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "grants/{id}/release-control")] HttpRequest request, string id)
        => api.RunAsync<SandboxReleaseControlRequest>(request, Authority, async (call, body) =>
        {
            var saved = await controls.SetAsync(call.RouteId(id, GrantFunctions.IdPrefix), new SandboxReleaseControlInput(body.Required, body.Checkers, body.FullJobsPerDay, body.NoiseEpsilonPerJob, body.NoiseEpsilonTotal), call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(SandboxReleaseControlView.From(saved.Value, await budget.OfAsync(saved.Value.GrantId, saved.Value, call.CancellationToken), await noise.OfAsync(saved.Value.GrantId, saved.Value, call.CancellationToken)), saved.ETag);
        });

    [Function("GetSandboxReleaseControl")]
    [OpenApiOperation(Summary = "A grant's release control (required, checkers, fullJobsPerDay, noise settings), its query budget today (perDay, usedToday, remaining, renewsAt) and, with noise, its ε budget (epsilonPerJob, epsilonTotal, epsilonSpent, epsilonRemaining); none set means none required, no noise and the default budget", Tags = ["sandbox"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(SandboxReleaseControlView))]
    [OpenApiResponse(StatusCodes.Status404NotFound, typeof(ApiProblemDetails), Description = "grant.not_found.")]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "grants/{id}/release-control")] HttpRequest request, string id)
        => api.RunAsync(request, Authority, async call =>
        {
            var found = await controls.GetAsync(call.RouteId(id, GrantFunctions.IdPrefix), call.Caller, call.CancellationToken);
            return ApiResults.Ok(SandboxReleaseControlView.From(found.Value, await budget.OfAsync(found.Value.GrantId, found.Value, call.CancellationToken), await noise.OfAsync(found.Value.GrantId, found.Value, call.CancellationToken)), found.ETag);
        });
}
