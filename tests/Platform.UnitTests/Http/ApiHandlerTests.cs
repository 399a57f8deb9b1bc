using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Platform.Domain.Errors;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Xunit;

namespace Platform.UnitTests.Http;

public sealed class ApiHandlerTests
{
    private readonly ApiHandler handler = HttpTestKit.Handler();

    private static Func<ApiRequestContext, IActionResult> EchoCaller
        => call => ApiResults.Ok(new { call.Caller.Subject, call.Caller.Role, call.Caller.Organization });

    private async Task<ExecutedResponse> Run(HttpRequest request, ApiAccess access, Func<ApiRequestContext, IActionResult>? body = null)
        => await HttpTestKit.ExecuteAsync(await handler.RunAsync(request, access, body ?? EchoCaller), request);

    [Fact]
    public async Task Run_AllowedRole_RunsBodyWithCaller()
    {
        var request = HttpTestKit.Request(bearer: HttpTestKit.Token(Roles.Supervisor, "网信办", "s-1"));

        var response = await Run(request, ApiAccess.RolesOf(Roles.Supervisor, Roles.Authority));

        Assert.Equal(200, response.Status);
        Assert.Equal("s-1", response.Json.GetProperty("subject").GetString());
        Assert.Equal("supervisor", response.Json.GetProperty("role").GetString());
        Assert.Equal("网信办", response.Json.GetProperty("organization").GetString());
    }

    [Fact]
    public async Task Run_NoToken_Is401MissingTokenWithChallenge()
    {
        var response = await Run(HttpTestKit.Request(), ApiAccess.SignedIn);

        Assert.Equal(401, response.Status);
        Assert.Equal("auth.missing_token", response.Code);
        Assert.Equal("Bearer", response.Headers.WWWAuthenticate.ToString());
    }

    [Fact]
    public async Task Run_ExpiredToken_Is401TokenExpired()
    {
        var token = HttpTestKit.Token(Roles.Operator, lifetime: TimeSpan.FromMinutes(10), issuedAt: DateTimeOffset.UtcNow.AddHours(-1));

        var response = await Run(HttpTestKit.Request(bearer: token), ApiAccess.SignedIn);

        Assert.Equal(401, response.Status);
        Assert.Equal("auth.token_expired", response.Code);
        Assert.Contains("invalid_token", response.Headers.WWWAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TokenSignedWithAnotherKey_Is401InvalidToken()
    {
        var foreign = HttpTestKit.DevelopmentAuth();
        foreign.SigningKey = "another-key-that-is-long-enough-0123456789abcdef";

        var response = await Run(HttpTestKit.Request(bearer: HttpTestKit.Token(Roles.Authority, options: foreign)), ApiAccess.SignedIn);

        Assert.Equal(401, response.Status);
        Assert.Equal("auth.invalid_token", response.Code);
    }

    [Fact]
    public async Task Run_GarbageToken_Is401InvalidToken()
    {
        var response = await Run(HttpTestKit.Request(bearer: "not.a.jwt"), ApiAccess.SignedIn);

        Assert.Equal(401, response.Status);
        Assert.Equal("auth.invalid_token", response.Code);
    }

    [Fact]
    public async Task Run_RoleNotAllowed_Is403ForbiddenRole()
    {
        var request = HttpTestKit.Request(bearer: HttpTestKit.Token(Roles.Operator));

        var response = await Run(request, ApiAccess.RolesOf(Roles.Supervisor, Roles.Authority));

        Assert.Equal(403, response.Status);
        Assert.Equal("auth.forbidden_role", response.Code);
        Assert.Contains("operator", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AnonymousRouteWithoutToken_RunsAsAnonymous()
    {
        var response = await Run(HttpTestKit.Request(), ApiAccess.Anonymous);

        Assert.Equal(200, response.Status);
        Assert.Equal(Roles.Anonymous, response.Json.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Run_AnonymousRouteWithToken_KnowsTheCaller()
    {
        var response = await Run(HttpTestKit.Request(bearer: HttpTestKit.Token(Roles.Provider)), ApiAccess.Anonymous);

        Assert.Equal("provider", response.Json.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Run_BodyThrowsDomainException_IsMappedToProblem()
    {
        var request = HttpTestKit.Request(bearer: HttpTestKit.Token(Roles.Authority));

        var response = await Run(request, ApiAccess.SignedIn,
            _ => throw new DomainException(FailureKind.Unprocessable, "agreement.term_exceeds_5_years", "too long"));

        Assert.Equal(422, response.Status);
        Assert.Equal("agreement.term_exceeds_5_years", response.Code);
    }

    [Fact]
    public async Task Run_BodyThrowsUnexpectedly_Is500InternalError()
    {
        var request = HttpTestKit.Request(bearer: HttpTestKit.Token(Roles.Authority));

        var response = await Run(request, ApiAccess.SignedIn, _ => throw new NullReferenceException("oops at line 3"));

        Assert.Equal(500, response.Status);
        Assert.Equal("internal_error", response.Code);
        Assert.DoesNotContain("oops", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunWithBody_MalformedJson_Is400BeforeBodyRuns()
    {
        var request = HttpTestKit.Request("POST", body: "{", contentType: "application/json", bearer: HttpTestKit.Token(Roles.Authority));
        var ran = false;

        var result = await handler.RunAsync<AgreementDraft>(request, ApiAccess.SignedIn, (_, _) =>
        {
            ran = true;
            return Task.FromResult<IActionResult>(ApiResults.NoContent());
        });
        var response = await HttpTestKit.ExecuteAsync(result, request);

        Assert.Equal(400, response.Status);
        Assert.Equal("request.malformed_json", response.Code);
        Assert.False(ran);
    }

    [Fact]
    public async Task RunWithBody_ValidJson_PassesTheBody()
    {
        var request = HttpTestKit.Request("POST", body: """{"name":"数据","selectionMethod":"negotiation","years":2}""", contentType: "application/json", bearer: HttpTestKit.Token(Roles.Authority));

        var result = await handler.RunAsync<AgreementDraft>(request, ApiAccess.SignedIn,
            (call, draft) => Task.FromResult<IActionResult>(ApiResults.Created(ApiRequestContext.LocationOf("agreements", "agr-1"), draft)));
        var response = await HttpTestKit.ExecuteAsync(result, request);

        Assert.Equal(201, response.Status);
        Assert.Equal("数据", response.Json.GetProperty("name").GetString());
    }

    [Fact]
    public void RolesOf_UnknownRole_IsRefusedAtDeclaration()
    {
        Assert.Throws<ArgumentException>(() => ApiAccess.RolesOf("admin"));
    }
}
