using Microsoft.AspNetCore.Http;
using Platform.Domain.Security;

namespace Platform.Functions.Http;

/// <summary>What a function body gets: who calls, the request, its cancellation, and the request readers.</summary>
public sealed class ApiRequestContext(Caller caller, HttpRequest request, RequestBodyReader bodyReader)
{
    public Caller Caller { get; } = caller;

    public HttpRequest Request { get; } = request;

    public CancellationToken CancellationToken => Request.HttpContext.RequestAborted;

    /// <summary>The JSON body as <typeparamref name="T"/>; every defect is a 4xx (see <see cref="RequestBodyReader"/>).</summary>
    public Task<T> ReadJsonAsync<T>() => bodyReader.ReadJsonAsync<T>(Request, CancellationToken);

    /// <summary>An HTML form body (<c>application/x-www-form-urlencoded</c>).</summary>
    public Task<IFormCollection> ReadFormAsync() => bodyReader.ReadFormAsync(Request, CancellationToken);

    /// <summary>True when the body is a form post rather than JSON (routes that accept both, e.g. approvals).</summary>
    public bool HasFormBody => RequestBodyReader.HasMediaType(Request, RequestBodyReader.FormMediaType);

    /// <summary>A route id checked against the platform's id format; 400 <c>request.invalid_id</c> otherwise.</summary>
    public string RouteId(string value, string prefix, string field = "id") => ResourceId.Parse(value, prefix, field);

    /// <summary><c>pageSize</c> and <c>continuationToken</c> from the query; 400 <c>request.invalid_paging</c> when out of range.</summary>
    public PageRequest Paging() => PageRequest.FromQuery(Request.Query);

    /// <summary>The If-Match precondition of an update exactly as the ETag header gave it; null when the caller sent none.</summary>
    public string? IfMatch()
    {
        var value = Request.Headers.IfMatch.ToString().Trim();
        return value.Length == 0 || value == "*" ? null : value;
    }

    /// <summary>The <c>Location</c> of a resource under this API, e.g. <c>LocationOf("agreements", id)</c> → <c>/api/agreements/{id}</c>.</summary>
    public static string LocationOf(params string[] segments)
        => "/api/" + string.Join('/', segments.Select(Uri.EscapeDataString));
}
