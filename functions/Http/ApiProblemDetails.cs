using System.Text.Json.Serialization;

namespace Platform.Functions.Http;

/// <summary>
/// RFC 9457 problem details as the platform writes them. <see cref="Code"/> is the stable, documented error code
/// clients switch on; <see cref="Errors"/> lists validation messages per field (JSON path, camelCase).
/// </summary>
public sealed record ApiProblemDetails(
    string Type,
    string Title,
    int Status,
    string Detail,
    string Code,
    string? Instance,
    string? TraceId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public const string MediaType = "application/problem+json";

    /// <summary>
    /// Problem types are tag URIs (RFC 4151): stable identifiers that need not resolve, which RFC 9457 §3.1.1 allows.
    /// </summary>
    public static string TypeFor(string code) => $"tag:public-data-platform,2025:problem:{code}";
}
