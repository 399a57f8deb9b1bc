using Microsoft.Extensions.Options;

namespace Platform.Functions.Http;

/// <summary>HTTP limits, bound from the <c>Platform</c> section (shared with other platform settings).</summary>
public sealed class PlatformHttpOptions
{
    public const string SectionName = "Platform";

    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Upper bound for a JSON or form body; file uploads (PUT resource data) stream past this limit on their own path.</summary>
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;
}

public sealed class PlatformHttpOptionsValidator : IValidateOptions<PlatformHttpOptions>
{
    // A JSON body is buffered in memory, so the limit must stay modest.
    private const long Ceiling = 64L * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, PlatformHttpOptions options)
        => options.MaxRequestBodyBytes is > 0 and <= Ceiling
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Platform:MaxRequestBodyBytes must be between 1 and {Ceiling} bytes; it is {options.MaxRequestBodyBytes}.");
}
