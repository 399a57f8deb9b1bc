using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Platform.Functions.Http;

/// <summary>Writes a <see cref="ApiProblemDetails"/> as <c>application/problem+json</c>, plus any challenge or Retry-After header it needs.</summary>
public sealed class ProblemResult(ApiProblemDetails problem, string? wwwAuthenticate = null, TimeSpan? retryAfter = null) : IActionResult
{
    public ApiProblemDetails Problem { get; } = problem;

    public string? WwwAuthenticate { get; } = wwwAuthenticate;

    /// <summary>Sent as <c>Retry-After</c> (whole seconds, at least 1) on 429 and 503 answers.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

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

        if (RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await JsonSerializer.SerializeAsync(response.Body, Problem, PlatformJson.Options, context.HttpContext.RequestAborted);
    }
}
