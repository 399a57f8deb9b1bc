using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;

namespace Platform.Functions.Portal;

/// <summary>
/// A public portal answer (HTML page or the stylesheet) that a CDN can front: a strong ETag over the bytes, a public
/// Cache-Control, 304 Not Modified when If-None-Match names the ETag, and a strict Content-Security-Policy (nothing
/// but the app's own stylesheet loads; no script at all; no framing).
/// </summary>
public sealed class PortalPageResult(string body, string contentType = PortalPageResult.HtmlType, string cacheControl = PortalPageResult.PageCacheControl, int statusCode = StatusCodes.Status200OK)
    : IActionResult, IStatusCodeActionResult
{
    public const string HtmlType = "text/html; charset=utf-8";
    public const string CssType = "text/css; charset=utf-8";
    public const string PageCacheControl = "public, max-age=60, s-maxage=300";
    public const string AssetCacheControl = "public, max-age=86400";
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private readonly byte[] _bytes = Encoding.UTF8.GetBytes(body);

    public string Body { get; } = body;

    public string ContentType { get; } = contentType;

    /// <summary>200 for pages; the 4xx of an error page (which is never cached).</summary>
    public int? StatusCode { get; } = statusCode;

    /// <summary>The strong ETag of the bytes: the same page gives the same ETag on every instance behind a CDN.</summary>
    public string ETag => EntityTag(_bytes);

    /// <summary>Whether an If-None-Match header value names <paramref name="etag"/> (or is <c>*</c>); weak tags compare by their opaque part.</summary>
    public static bool Matches(string? ifNoneMatch, string etag)
    {
        if (string.IsNullOrWhiteSpace(ifNoneMatch))
        {
            return false;
        }

        foreach (var part in ifNoneMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var tag = part.StartsWith("W/", StringComparison.Ordinal) ? part[2..] : part;
            if (tag == "*" || string.Equals(tag, etag, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static string EntityTag(byte[] bytes) => "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..32] + "\"";

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var request = context.HttpContext.Request;
        var response = context.HttpContext.Response;
        var etag = ETag;
        response.Headers.ETag = etag;
        response.Headers.CacheControl = cacheControl;
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        response.Headers["X-Frame-Options"] = "DENY";
        if (statusCode == StatusCodes.Status200OK && Matches(request.Headers.IfNoneMatch.ToString(), etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.StatusCode = statusCode;
        response.ContentType = ContentType;
        response.ContentLength = _bytes.Length;
        if (!HttpMethods.IsHead(request.Method))
        {
            await response.Body.WriteAsync(_bytes, context.HttpContext.RequestAborted);
        }
    }
}
