using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Errors;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Sandbox;

/// <summary>Traces a leaked result file to its job (issue 14 item 7; M5.3, M5.5).</summary>
public sealed class SandboxFingerprintFunctions(ApiHandler api, SandboxFingerprintService fingerprints)
{
    private static readonly ApiAccess Tracers = ApiAccess.RolesOf(Roles.Authority, Roles.Supervisor);

    [Function("MatchSandboxFingerprint")]
    [OpenApiOperation(
        Summary = "Trace a leaked result file (the CSV as the request body, Content-Type text/csv) to the released sandbox job it came from",
        Description = "Authority and supervisors. Every released file carries a per-grant, per-job fingerprint (keyed HMAC of its bytes, of its cells and of its row order). match: exact (the file unaltered), content_and_order (re-saved), content (same cells, re-sorted: several jobs may match).",
        Tags = ["sandbox"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(FingerprintMatchResult))]
    [OpenApiResponse(StatusCodes.Status400BadRequest, typeof(ApiProblemDetails), Description = "sandbox.invalid_fingerprint_file: empty or too large.")]
    [OpenApiResponse(StatusCodes.Status403Forbidden, typeof(ApiProblemDetails), Description = "auth.forbidden_role.")]
    [OpenApiResponse(StatusCodes.Status415UnsupportedMediaType, typeof(ApiProblemDetails), Description = "request.unsupported_media_type: the body is not declared text/csv.")]
    public Task<IActionResult> Match([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sandbox/fingerprints/match")] HttpRequest request)
        => api.RunAsync(request, Tracers, async call =>
        {
            // The body is the leaked file itself, declared as CSV: anything else (JSON, a form, no body) is not a file to trace.
            if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
                || !mediaType.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
            {
                throw new DomainException(FailureKind.UnsupportedMediaType, "request.unsupported_media_type",
                    $"Send the leaked file as text/csv; the request has {(string.IsNullOrEmpty(request.ContentType) ? "no Content-Type" : $"Content-Type '{request.ContentType}'")}.");
            }

            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, call.CancellationToken)) > 0)
            {
                if (buffer.Length + read > SandboxFingerprintService.MaxFileBytes)
                {
                    throw new DomainException(FailureKind.PayloadTooLarge, SandboxFingerprintService.InvalidFileCode, $"The file is larger than {SandboxFingerprintService.MaxFileBytes} bytes.");
                }

                buffer.Write(chunk, 0, read);
            }

            return ApiResults.Ok(await fingerprints.MatchAsync(buffer.ToArray(), call.Caller, call.CancellationToken));
        });
}
