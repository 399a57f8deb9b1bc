using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Platform.Functions.Auth;

/// <summary>Bearer token validation settings (docs/api.md#roles), bound from the <c>Auth</c> section.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    public const int MinimumSigningKeyBytes = 32;

    /// <summary>Expected <c>iss</c>. With <see cref="MetadataAddress"/> it may be left empty to take the issuer from the metadata.</summary>
    public string? Issuer { get; set; }

    /// <summary>Expected <c>aud</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>HS256 key for local development only; refused outside the Development environment.</summary>
    public string? SigningKey { get; set; }

    /// <summary>OpenID Connect metadata document (Microsoft Entra ID), whose keys sign production tokens.</summary>
    public string? MetadataAddress { get; set; }

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>M4.4: the real-name identity provider whose tokens verify processing staff (section <c>Auth:IdentityProvider</c>).</summary>
    public IdentityProviderOptions IdentityProvider { get; set; } = new();

    public bool HasSigningKey => !string.IsNullOrEmpty(SigningKey);

    public bool HasMetadataAddress => !string.IsNullOrWhiteSpace(MetadataAddress);
}

/// <summary>
/// A real-name identity provider (e.g. the government's e-government identity service, federated into the platform's
/// sign-in): a token it issued (<c>iss</c> = <see cref="Issuer"/>, signed by the platform's trusted keys) that carries
/// <see cref="VerifiedClaim"/> = true and the resident ID number in <see cref="IdNumberClaim"/> verifies the staff
/// member with the same ID-number hash. Empty <see cref="Issuer"/>: no provider, verification only by the authority.
/// </summary>
public sealed class IdentityProviderOptions
{
    public string? Issuer { get; set; }

    public string IdNumberClaim { get; set; } = "id_number";

    public string VerifiedClaim { get; set; } = "real_name_verified";

    public bool Enabled => !string.IsNullOrWhiteSpace(Issuer);
}

/// <summary>
/// Fails start-up on unsafe or incomplete auth settings, naming the setting (docs/api.md#roles: the development key is
/// refused outside Development).
/// </summary>
public sealed class AuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    private static readonly TimeSpan MaximumClockSkew = TimeSpan.FromMinutes(10);

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        var isDevelopment = environment.IsDevelopment();

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add("Auth:Audience must be set to the audience (aud) the platform's tokens are issued for.");
        }

        if (options.HasSigningKey)
        {
            if (!isDevelopment)
            {
                failures.Add(
                    $"Auth:SigningKey is a development signing key and is refused in the '{environment.EnvironmentName}' environment; " +
                    "remove it and set Auth:MetadataAddress to the identity provider's OpenID Connect metadata.");
            }
            else if (Encoding.UTF8.GetByteCount(options.SigningKey!) < AuthOptions.MinimumSigningKeyBytes)
            {
                failures.Add($"Auth:SigningKey must be at least {AuthOptions.MinimumSigningKeyBytes} bytes for HS256.");
            }

            if (string.IsNullOrWhiteSpace(options.Issuer))
            {
                failures.Add("Auth:Issuer must be set when Auth:SigningKey is used.");
            }
        }
        else if (!options.HasMetadataAddress)
        {
            failures.Add("Auth:MetadataAddress (OpenID Connect metadata, e.g. Microsoft Entra ID) must be set" +
                         (isDevelopment ? ", or Auth:SigningKey for local development." : "."));
        }

        if (options.HasMetadataAddress)
        {
            var valid = Uri.TryCreate(options.MetadataAddress, UriKind.Absolute, out var metadata)
                        && (metadata.Scheme == Uri.UriSchemeHttps || (isDevelopment && metadata.Scheme == Uri.UriSchemeHttp));
            if (!valid)
            {
                failures.Add("Auth:MetadataAddress must be an absolute https URL.");
            }
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > MaximumClockSkew)
        {
            failures.Add($"Auth:ClockSkew must be between 00:00:00 and {MaximumClockSkew:c}.");
        }

        ValidateIdentityProvider(options.IdentityProvider, options.Issuer, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateIdentityProvider(IdentityProviderOptions provider, string? platformIssuer, List<string> failures)
    {
        if (!provider.Enabled)
        {
            return;
        }

        if (!Uri.TryCreate(provider.Issuer, UriKind.Absolute, out _))
        {
            failures.Add("Auth:IdentityProvider:Issuer must be the identity provider's issuer URL (absolute), or empty for none.");
        }
        else if (string.Equals(provider.Issuer, platformIssuer, StringComparison.Ordinal))
        {
            failures.Add("Auth:IdentityProvider:Issuer must differ from Auth:Issuer: only the real-name identity provider may assert a verified identity.");
        }

        string[] reserved = [PlatformClaims.Subject, PlatformClaims.Role, PlatformClaims.Organization, "iss", "aud", "exp"];
        foreach (var (setting, claim) in new[] { ("IdNumberClaim", provider.IdNumberClaim), ("VerifiedClaim", provider.VerifiedClaim) })
        {
            if (string.IsNullOrWhiteSpace(claim) || reserved.Contains(claim, StringComparer.Ordinal))
            {
                failures.Add($"Auth:IdentityProvider:{setting} must name a claim other than {string.Join(", ", reserved)}.");
            }
        }

        if (string.Equals(provider.IdNumberClaim, provider.VerifiedClaim, StringComparison.Ordinal))
        {
            failures.Add("Auth:IdentityProvider:IdNumberClaim and Auth:IdentityProvider:VerifiedClaim must be different claims.");
        }
    }
}
