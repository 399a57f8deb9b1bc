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

    public bool HasSigningKey => !string.IsNullOrEmpty(SigningKey);

    public bool HasMetadataAddress => !string.IsNullOrWhiteSpace(MetadataAddress);
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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
