using System.Diagnostics;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Domain.Errors;

namespace Platform.Functions.Http;

/// <summary>
/// The single place where a failure becomes an HTTP answer (docs/api.md: RFC 9457 with a stable code; bad input is a
/// 4xx, never a 500 or a stack trace). Anything unexpected is logged here and answered with a generic 500.
/// </summary>
public sealed class ProblemDetailsMapper(ILogger<ProblemDetailsMapper> logger)
{
    public const string InternalErrorCode = "internal_error";

    public const string StorageUnavailableCode = "storage.unavailable";

    /// <summary>Status used when the client went away; nobody reads the answer, so it is not logged as an error.</summary>
    public const int ClientClosedRequest = 499;

    public ProblemResult Map(Exception exception, HttpContext httpContext)
    {
        switch (exception)
        {
            case DomainException domain:
                return Create(httpContext, StatusOf(domain.Kind), domain.Code, domain.Message, domain.Errors);

            case RequestFailedException { Status: StatusCodes.Status412PreconditionFailed }:
                return Create(httpContext, StatusCodes.Status412PreconditionFailed, "concurrency.etag_mismatch",
                    "The record was changed by someone else since you read it; read it again and retry.");

            case RequestFailedException { Status: StatusCodes.Status409Conflict }:
                return Create(httpContext, StatusCodes.Status409Conflict, "concurrency.conflict",
                    "The record already exists or is being changed concurrently; retry the request.");

            // Storage that is busy or out of reach is a condition to retry, not a fault in the request or the platform.
            case RequestFailedException { Status: 0 or 408 or 500 or 502 or 503 or 504 } storage:
                logger.LogWarning(storage, "Storage unavailable in {Method} {Path}.", httpContext.Request.Method, LinkTokenMask.Mask(httpContext.Request.Path.Value));
                return Create(httpContext, StatusCodes.Status503ServiceUnavailable, StorageUnavailableCode,
                    "Storage is busy or unreachable; nothing was lost. Retry the request shortly.");

            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return Create(httpContext, StatusCodes.Status413PayloadTooLarge, "request.too_large",
                    "The request body is larger than the server accepts.");

            case BadHttpRequestException badRequest when badRequest.StatusCode is >= 400 and < 500:
                return Create(httpContext, StatusCodes.Status400BadRequest, "request.bad_request",
                    "The request could not be read.");

            case OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested:
                logger.LogInformation("Request {Method} {Path} was cancelled by the client.", httpContext.Request.Method, LinkTokenMask.Mask(httpContext.Request.Path.Value));
                return Create(httpContext, ClientClosedRequest, "request.cancelled", "The client closed the request.");

            default:
                logger.LogError(exception, "Unhandled failure in {Method} {Path}.", httpContext.Request.Method, LinkTokenMask.Mask(httpContext.Request.Path.Value));
                return Create(httpContext, StatusCodes.Status500InternalServerError, InternalErrorCode,
                    "An unexpected error occurred. Quote the traceId when reporting it.");
        }
    }

    public static int StatusOf(FailureKind kind) => kind switch
    {
        FailureKind.BadRequest => StatusCodes.Status400BadRequest,
        FailureKind.Unauthorized => StatusCodes.Status401Unauthorized,
        FailureKind.Forbidden => StatusCodes.Status403Forbidden,
        FailureKind.NotFound => StatusCodes.Status404NotFound,
        FailureKind.Conflict => StatusCodes.Status409Conflict,
        FailureKind.Gone => StatusCodes.Status410Gone,
        FailureKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        FailureKind.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        FailureKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        FailureKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        FailureKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Every FailureKind needs a status code here."),
    };

    public static ProblemResult Create(
        HttpContext httpContext,
        int status,
        string code,
        string detail,
        IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var problem = new ApiProblemDetails(
            Type: ApiProblemDetails.TypeFor(code),
            Title: TitleOf(status),
            Status: status,
            Detail: detail,
            Code: code,
            Instance: httpContext.Request.Path.HasValue ? LinkTokenMask.Mask((httpContext.Request.PathBase + httpContext.Request.Path).Value) : null,
            TraceId: Activity.Current?.Id ?? httpContext.TraceIdentifier,
            Errors: errors is { Count: > 0 } ? errors : null);
        return new ProblemResult(problem, status == StatusCodes.Status401Unauthorized ? ChallengeFor(code) : null);
    }

    // RFC 6750 §3: a request without credentials gets a bare challenge; a bad token gets error="invalid_token".
    private static string ChallengeFor(string code)
        => code == "auth.missing_token" ? "Bearer" : "Bearer error=\"invalid_token\"";

    private static string TitleOf(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        410 => "Gone",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        499 => "Client Closed Request",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Error",
    };
}
