using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Platform.Domain.Errors;
using Platform.Domain.Security;

namespace Platform.Functions.Auth;

/// <summary>
/// Validates bearer JWTs (docs/api.md#roles): signature, issuer, audience and lifetime, against the development HS256 key or the
/// identity provider's published keys; then reads <c>sub</c>, <c>role</c> and <c>org</c>.
/// </summary>
public sealed class JwtBearerAuthenticator : ICallerAuthenticator
{
    public const string MissingTokenCode = "auth.missing_token";
    public const string InvalidTokenCode = "auth.invalid_token";
    public const string ExpiredTokenCode = "auth.token_expired";
    public const string UnknownRoleCode = "auth.unknown_role";

    private const string BearerPrefix = "Bearer ";

    private readonly JsonWebTokenHandler handler = new();
    private readonly TokenValidationParameters parameters;
    private readonly ILogger<JwtBearerAuthenticator> logger;

    public JwtBearerAuthenticator(IOptions<AuthOptions> options, IHostEnvironment environment, ILogger<JwtBearerAuthenticator> logger)
    {
        this.logger = logger;
        parameters = CreateParameters(options.Value, environment.IsDevelopment());
    }

    public async Task<Caller> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return Caller.Anonymous;
        }

        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) || header.AsSpan(BearerPrefix.Length).Trim().IsEmpty)
        {
            throw Unauthorized(MissingTokenCode, "The Authorization header must carry a bearer token: 'Authorization: Bearer <token>'.");
        }

        var token = header[BearerPrefix.Length..].Trim();
        var result = await handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            throw Rejection(result.Exception);
        }

        return CallerFrom((JsonWebToken)result.SecurityToken);
    }

    /// <summary>Reading a caller whose route needs one: an absent token is a 401 <c>auth.missing_token</c>.</summary>
    public static DomainException MissingToken()
        => Unauthorized(MissingTokenCode, "This route needs a bearer token: 'Authorization: Bearer <token>'.");

    private static TokenValidationParameters CreateParameters(AuthOptions options, bool isDevelopment)
    {
        var algorithms = new List<string>();
        var parameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = string.IsNullOrWhiteSpace(options.Issuer) ? null : options.Issuer,
            ValidateAudience = true,
            ValidAudience = options.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = options.ClockSkew,
            NameClaimType = PlatformClaims.Subject,
            RoleClaimType = PlatformClaims.Role,
        };

        if (options.HasSigningKey)
        {
            parameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.SigningKey!));
            algorithms.Add(SecurityAlgorithms.HmacSha256);
        }

        if (options.HasMetadataAddress)
        {
            parameters.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                options.MetadataAddress,
                new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever { RequireHttps = !isDevelopment });
            algorithms.AddRange([SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512]);
        }

        // Pinning the algorithms per key source keeps an RS-signed deployment from accepting HS tokens and vice versa.
        parameters.ValidAlgorithms = algorithms;
        return parameters;
    }

    private DomainException Rejection(Exception? exception)
    {
        switch (exception)
        {
            case SecurityTokenExpiredException:
                return Unauthorized(ExpiredTokenCode, "The bearer token has expired; sign in again.");
            case SecurityTokenNotYetValidException:
                return Unauthorized(InvalidTokenCode, "The bearer token is not valid yet.");
            case SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidAlgorithmException:
                return Unauthorized(InvalidTokenCode, "The bearer token's signature does not verify.");
            case SecurityTokenInvalidIssuerException:
                return Unauthorized(InvalidTokenCode, "The bearer token was issued by an issuer this platform does not trust.");
            case SecurityTokenInvalidAudienceException:
                return Unauthorized(InvalidTokenCode, "The bearer token was issued for another audience.");
            case SecurityTokenNoExpirationException:
                return Unauthorized(InvalidTokenCode, "The bearer token has no expiry.");
            case SecurityTokenException or ArgumentException or null:
                logger.LogInformation(exception, "Bearer token rejected.");
                return Unauthorized(InvalidTokenCode, "The bearer token is malformed or invalid.");
            default:
                // Not a verdict on the token: the signing keys could not be fetched.
                logger.LogWarning(exception, "Bearer token could not be validated.");
                return new DomainException(FailureKind.Unavailable, "auth.unavailable",
                    "Tokens cannot be validated right now; try again shortly.");
        }
    }

    private static Caller CallerFrom(JsonWebToken token)
    {
        var subject = StringClaim(token, PlatformClaims.Subject)
                      ?? throw Unauthorized(InvalidTokenCode, "The bearer token has no 'sub' claim.");
        var organization = StringClaim(token, PlatformClaims.Organization)
                           ?? throw Unauthorized(InvalidTokenCode, "The bearer token has no 'org' claim.");
        var role = StringClaim(token, PlatformClaims.Role) ?? SingleRole(token)
                   ?? throw Unauthorized(UnknownRoleCode, "The bearer token has no 'role' claim.");
        if (!Roles.Assignable.Contains(role))
        {
            throw Unauthorized(UnknownRoleCode,
                $"Role '{role}' is not a platform role; expected one of: {string.Join(", ", Roles.Assignable.Order(StringComparer.Ordinal))}.");
        }

        return new Caller(subject, role, organization);
    }

    private static string? StringClaim(JsonWebToken token, string name)
        => token.TryGetPayloadValue<string>(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    private static string? SingleRole(JsonWebToken token)
        => token.TryGetPayloadValue<string[]>(PlatformClaims.Roles, out var roles) && roles is [var only] ? only : null;

    private static DomainException Unauthorized(string code, string detail) => new(FailureKind.Unauthorized, code, detail);
}
