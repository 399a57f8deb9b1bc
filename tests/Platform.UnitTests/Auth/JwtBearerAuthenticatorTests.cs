using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Platform.Domain.Errors;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.UnitTests.Http;
using Xunit;

namespace Platform.UnitTests.Auth;

public sealed class JwtBearerAuthenticatorTests
{
    private readonly JwtBearerAuthenticator authenticator = HttpTestKit.Authenticator();

    private static string Sign(Dictionary<string, object> claims, string? issuer = HttpTestKit.Issuer, string? audience = HttpTestKit.Audience, string key = HttpTestKit.SigningKey)
        => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });

    private Task<Caller> Authenticate(string token)
        => authenticator.AuthenticateAsync(HttpTestKit.Request(bearer: token), CancellationToken.None);

    [Fact]
    public async Task Authenticate_DevelopmentToken_ReadsSubRoleOrg()
    {
        var caller = await Authenticate(HttpTestKit.Token(Roles.Personnel, "org-operator-1", "staff-7"));

        Assert.Equal(new Caller("staff-7", Roles.Personnel, "org-operator-1"), caller);
    }

    [Fact]
    public async Task Authenticate_NoHeader_IsAnonymous()
    {
        var caller = await authenticator.AuthenticateAsync(HttpTestKit.Request(), CancellationToken.None);

        Assert.True(caller.IsAnonymous);
    }

    [Fact]
    public async Task Authenticate_BasicScheme_Is401MissingToken()
    {
        var request = HttpTestKit.Request();
        request.Headers.Authorization = "Basic dXNlcjpwYXNz";

        var failure = await HttpTestKit.FailsWith(() => authenticator.AuthenticateAsync(request, CancellationToken.None));

        Assert.Equal(JwtBearerAuthenticator.MissingTokenCode, failure.Code);
        Assert.Equal(FailureKind.Unauthorized, failure.Kind);
    }

    [Fact]
    public async Task Authenticate_UnknownRole_Is401UnknownRole()
    {
        var token = Sign(new() { ["sub"] = "u", ["role"] = "admin", ["org"] = "o" });

        var failure = await HttpTestKit.FailsWith(() => Authenticate(token));

        Assert.Equal(FailureKind.Unauthorized, failure.Kind);
        Assert.Equal(JwtBearerAuthenticator.UnknownRoleCode, failure.Code);
    }

    [Theory]
    [InlineData("sub")]
    [InlineData("org")]
    public async Task Authenticate_MissingClaim_Is401InvalidToken(string missing)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "u", ["role"] = Roles.Operator, ["org"] = "o" };
        claims.Remove(missing);

        var failure = await HttpTestKit.FailsWith(() => Authenticate(Sign(claims)));

        Assert.Equal(JwtBearerAuthenticator.InvalidTokenCode, failure.Code);
        Assert.Contains($"'{missing}'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_WrongIssuer_Is401InvalidToken()
    {
        var token = Sign(new() { ["sub"] = "u", ["role"] = Roles.Operator, ["org"] = "o" }, issuer: "https://evil.example");

        var failure = await HttpTestKit.FailsWith(() => Authenticate(token));

        Assert.Equal(JwtBearerAuthenticator.InvalidTokenCode, failure.Code);
    }

    [Fact]
    public async Task Authenticate_WrongAudience_Is401InvalidToken()
    {
        var token = Sign(new() { ["sub"] = "u", ["role"] = Roles.Operator, ["org"] = "o" }, audience: "another-api");

        var failure = await HttpTestKit.FailsWith(() => Authenticate(token));

        Assert.Equal(JwtBearerAuthenticator.InvalidTokenCode, failure.Code);
    }

    [Fact]
    public async Task Authenticate_UnsignedToken_Is401InvalidToken()
    {
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = HttpTestKit.Issuer,
            Audience = HttpTestKit.Audience,
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object> { ["sub"] = "u", ["role"] = Roles.Authority, ["org"] = "o" },
        });

        var failure = await HttpTestKit.FailsWith(() => Authenticate(unsigned));

        Assert.Equal(JwtBearerAuthenticator.InvalidTokenCode, failure.Code);
    }

    [Fact]
    public async Task Authenticate_EntraStyleSingleRolesArray_IsAccepted()
    {
        var token = Sign(new() { ["sub"] = "u", ["roles"] = new[] { Roles.Supervisor }, ["org"] = "审计厅" });

        var caller = await Authenticate(token);

        Assert.Equal(Roles.Supervisor, caller.Role);
    }

    [Fact]
    public void Mint_UnknownRole_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => HttpTestKit.Token("root"));
    }
}
