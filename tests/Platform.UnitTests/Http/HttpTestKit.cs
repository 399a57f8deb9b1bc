using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Xunit;

namespace Platform.UnitTests.Http;

/// <summary>Builds requests on DefaultHttpContext and runs results, so HTTP behaviour is tested without a host.</summary>
public static class HttpTestKit
{
    public const string Issuer = "https://dev.platform.test";
    public const string Audience = "public-data-platform";
    public const string SigningKey = "unit-test-signing-key-0123456789abcdef0123456789";

    public static AuthOptions DevelopmentAuth() => new() { Issuer = Issuer, Audience = Audience, SigningKey = SigningKey };

    public static HttpRequest Request(
        string method = "GET",
        string path = "/api/test",
        string? body = null,
        string? contentType = null,
        string? bearer = null,
        string? query = null)
        => Request(method, path, body is null ? null : Encoding.UTF8.GetBytes(body), contentType, bearer, query);

    public static HttpRequest Request(string method, string path, byte[]? body, string? contentType, string? bearer = null, string? query = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        if (query is not null)
        {
            context.Request.QueryString = new QueryString(query);
        }

        if (body is not null)
        {
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
        }

        if (contentType is not null)
        {
            context.Request.ContentType = contentType;
        }

        if (bearer is not null)
        {
            context.Request.Headers.Authorization = "Bearer " + bearer;
        }

        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    public static string Token(string role, string organization = "org-a", string subject = "user-1", TimeSpan? lifetime = null, DateTimeOffset? issuedAt = null, AuthOptions? options = null)
        => DevelopmentTokenIssuer.Mint(options ?? DevelopmentAuth(), role, organization, subject, lifetime ?? TimeSpan.FromHours(1), issuedAt ?? DateTimeOffset.UtcNow);

    public static IHostEnvironment Environment(string name)
        => Mock.Of<IHostEnvironment>(environment => environment.EnvironmentName == name);

    public static RequestBodyReader BodyReader(long maxBytes = PlatformHttpOptions.DefaultMaxRequestBodyBytes)
        => new(Options.Create(new PlatformHttpOptions { MaxRequestBodyBytes = maxBytes }));

    public static JwtBearerAuthenticator Authenticator(AuthOptions? options = null)
        => new(Options.Create(options ?? DevelopmentAuth()), Environment(Environments.Development), NullLogger<JwtBearerAuthenticator>.Instance);

    public static ApiHandler Handler(ICallerAuthenticator? authenticator = null, long maxBytes = PlatformHttpOptions.DefaultMaxRequestBodyBytes)
        => new(authenticator ?? Authenticator(), BodyReader(maxBytes), new ProblemDetailsMapper(NullLogger<ProblemDetailsMapper>.Instance));

    public static async Task<ExecutedResponse> ExecuteAsync(IActionResult result, HttpRequest request)
    {
        var context = request.HttpContext;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        context.Response.Body.Position = 0;
        var bytes = ((MemoryStream)context.Response.Body).ToArray();
        return new ExecutedResponse(context.Response.StatusCode, context.Response.ContentType, context.Response.Headers, bytes);
    }

    /// <summary>Runs the body and expects it to fail the way a client error fails.</summary>
    public static async Task<Platform.Domain.Errors.DomainException> FailsWith(Func<Task> action)
        => await Assert.ThrowsAsync<Platform.Domain.Errors.DomainException>(action);
}

public sealed record ExecutedResponse(int Status, string? ContentType, IHeaderDictionary Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Code => Json.TryGetProperty("code", out var code) ? code.GetString() : null;
}

/// <summary>A body that will not say how long it is and arrives in small pieces, like a chunked upload.</summary>
public sealed class UnknownLengthStream(byte[] content, int chunk = 1000) : Stream
{
    private int position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public int BytesHandedOut => position;

    public override int Read(byte[] buffer, int offset, int count)
    {
        var length = Math.Min(Math.Min(count, chunk), content.Length - position);
        Array.Copy(content, position, buffer, offset, length);
        position += length;
        return length;
    }

    public override void Flush() => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
