using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Platform.Functions.Http;

/// <summary>Writes a <see cref="ApiProblemDetails"/> as <c>application/problem+json</c>, plus any challenge header it needs.</summary>
public sealed class ProblemResult(ApiProblemDetails problem, string? wwwAuthenticate = null) : IActionResult
{
    public ApiProblemDetails Problem { get; } = problem;

    public string? WwwAuthenticate { get; } = wwwAuthenticate;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = Problem.Status;
        response.ContentType = ApiProblemDetails.MediaType;
        response.Headers.CacheControl = "no-store";
        if (WwwAuthenticate is not null)
        {
            response.Headers.WWWAuthenticate = WwwAuthenticate;
        }

        await JsonSerializer.SerializeAsync(response.Body, Problem, PlatformJson.Options, context.HttpContext.RequestAborted);
    }
}
