using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Errors;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Health;

public sealed record HealthReport(string Status, IReadOnlyDictionary<string, string> Checks);

/// <summary>GET /api/health (docs/api.md): liveness plus storage reachability, for anyone.</summary>
public sealed class HealthFunction(ApiHandler api, StorageHealthCheck storage)
{
    [Function("Health")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "Liveness and storage reachability", Tags = ["platform"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(HealthReport))]
    [OpenApiResponse(StatusCodes.Status503ServiceUnavailable, typeof(ApiProblemDetails), Description = "Storage did not answer (health.storage_unreachable).")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
        => api.RunAsync(request, ApiAccess.Anonymous, async call =>
        {
            var checks = await storage.CheckAsync(StorageHealthCheck.DefaultTimeout, call.CancellationToken);
            var failing = checks.Where(check => check.Value != StorageHealthCheck.Healthy).ToArray();
            if (failing.Length > 0)
            {
                throw new DomainException(FailureKind.Unavailable, "health.storage_unreachable",
                    "Storage did not answer: " + string.Join(", ", failing.Select(check => $"{check.Key} ({check.Value})")) + ".");
            }

            return ApiResults.Ok(new HealthReport(StorageHealthCheck.Healthy, checks));
        });
}
