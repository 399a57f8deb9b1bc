using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Platform.Functions.Http;

/// <summary>
/// A JSON answer serialised with <see cref="PlatformJson.Options"/> whichever host executes it (the Functions worker
/// or the local host), so the wire format never depends on a host's MVC settings. The body is serialised when the
/// result is created, inside the pipeline, so a serialisation fault becomes a problem answer rather than a torn response.
/// </summary>
public sealed class JsonBodyResult : IActionResult
{
    public const string JsonMediaType = "application/json; charset=utf-8";

    public JsonBodyResult(int statusCode, object? value, string? location = null)
    {
        StatusCode = statusCode;
        Value = value;
        Location = location;
        Body = value is null ? null : JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), PlatformJson.Options);
    }

    public int StatusCode { get; }

    public object? Value { get; }

    public string? Location { get; }

    public byte[]? Body { get; }

    /// <summary>The entity tag of the record returned, for If-Match on the next update.</summary>
    public string? ETag { get; init; }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCode;
        if (Location is not null)
        {
            response.Headers.Location = Location;
        }

        if (ETag is not null)
        {
            response.Headers.ETag = ETag.StartsWith('"') || ETag.StartsWith("W/", StringComparison.Ordinal) ? ETag : $"\"{ETag}\"";
        }

        if (Body is null)
        {
            return;
        }

        response.ContentType = JsonMediaType;
        response.ContentLength = Body.Length;
        await response.Body.WriteAsync(Body, context.HttpContext.RequestAborted);
    }
}

/// <summary>The answers functions give on success (docs/api.md: 201 or 202 with a Location for created things and long work).</summary>
public static class ApiResults
{
    public static JsonBodyResult Ok(object value) => new(StatusCodes.Status200OK, value);

    /// <summary>200 with the record and its ETag, so the caller can update it with If-Match.</summary>
    public static JsonBodyResult Ok(object value, string etag) => new(StatusCodes.Status200OK, value) { ETag = etag };

    /// <summary>201 with the new record and where to find it, e.g. <c>/api/agreements/agr-…</c>.</summary>
    public static JsonBodyResult Created(string location, object value) => new(StatusCodes.Status201Created, value, location);

    public static JsonBodyResult Created(string location, object value, string etag) => new(StatusCodes.Status201Created, value, location) { ETag = etag };

    /// <summary>202 for long work: <paramref name="location"/> is the status resource to poll.</summary>
    public static JsonBodyResult Accepted(string location, object value) => new(StatusCodes.Status202Accepted, value, location);

    public static JsonBodyResult NoContent() => new(StatusCodes.Status204NoContent, null);

    /// <summary>An HTML page (the signed-link approval pages), declared UTF-8 so Chinese renders correctly.</summary>
    public static TextBodyResult Html(string html, int statusCode = StatusCodes.Status200OK)
        => new(statusCode, "text/html; charset=utf-8", html);

    /// <summary>JSON that is already serialised (e.g. a cached document).</summary>
    public static TextBodyResult RawJson(string json) => new(StatusCodes.Status200OK, JsonBodyResult.JsonMediaType, json);
}

/// <summary>
/// Text written as UTF-8 with the given media type. Used instead of MVC's ContentResult, whose executor is an MVC
/// service that not every host registers.
/// </summary>
public sealed class TextBodyResult(int statusCode, string contentType, string text) : IActionResult
{
    public int StatusCode { get; } = statusCode;

    public string ContentType { get; } = contentType;

    public string Text { get; } = text;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        var body = System.Text.Encoding.UTF8.GetBytes(Text);
        response.StatusCode = StatusCode;
        response.ContentType = ContentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.HttpContext.RequestAborted);
    }
}
