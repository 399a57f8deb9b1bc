using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Platform.Domain.Security;

namespace Platform.Functions.Auth;

/// <summary>
/// Mints HS256 tokens with the development key for local use and tests (docs/api.md#roles). Outside Development the key is
/// refused at start-up, so this cannot mint tokens a production deployment would accept.
/// </summary>
public sealed class DevelopmentTokenIssuer(IOptions<AuthOptions> options, TimeProvider timeProvider)
{
    public string Mint(string role, string organization, string subject, TimeSpan lifetime)
        => Mint(options.Value, role, organization, subject, lifetime, timeProvider.GetUtcNow());

    public static string Mint(AuthOptions options, string role, string organization, string subject, TimeSpan lifetime, DateTimeOffset issuedAt)
    {
        if (!options.HasSigningKey)
        {
            throw new InvalidOperationException("Auth:SigningKey is not set; development tokens need it.");
        }

        if (!Roles.Assignable.Contains(role))
        {
            throw new ArgumentException($"'{role}' is not a platform role; use one of: {string.Join(", ", Roles.Assignable)}.", nameof(role));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(organization);
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        if (lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "A token lifetime must be positive.");
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = (issuedAt + lifetime).UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [PlatformClaims.Subject] = subject,
                [PlatformClaims.Role] = role,
                [PlatformClaims.Organization] = organization,
            },
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.SigningKey!)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
