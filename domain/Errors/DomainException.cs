namespace Platform.Domain.Errors;

/// <summary>The kinds of failure the HTTP layer maps to status codes in one place.</summary>
public enum FailureKind
{
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    Gone,
    PreconditionFailed,
    PayloadTooLarge,
    UnsupportedMediaType,
    Unprocessable,
    Unavailable,
    TooManyRequests,
}

/// <summary>
/// A rule of the platform said no. <see cref="Code"/> is part of the public API (for example
/// <c>agreement.term_exceeds_5_years</c>): keep codes stable once published.
/// </summary>
public class DomainException : Exception
{
    public DomainException(FailureKind kind, string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(detail)
    {
        Kind = kind;
        Code = code;
        Errors = errors;
    }

    public FailureKind Kind { get; }

    public string Code { get; }

    /// <summary>Per-field validation messages, keyed by the JSON path of the field (camelCase).</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; }
}

/// <summary>Too many attempts from one client or at one target: 429 with <c>Retry-After</c> (<see cref="RetryAfter"/>).</summary>
public sealed class RateLimitedException(string code, string detail, TimeSpan retryAfter) : DomainException(FailureKind.TooManyRequests, code, detail)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
