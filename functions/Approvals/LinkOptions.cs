using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using Microsoft.Extensions.Options;
using Platform.Domain.Approvals;

namespace Platform.Functions.Approvals;

/// <summary>
/// Settings section <c>Links</c> (docs/api.md#signed-links). <c>Links:ActiveKeyId</c> names the secret new links are signed with;
/// <c>Links:AcceptedKeyIds</c> (comma-separated) the previous keys whose links still verify until they expire — a
/// key left out is retired and its links stop working. <c>Links:Lifetime</c> is how long a link lives (ISO 8601
/// duration such as P30D, or a time span such as 30.00:00:00), compressed like every lifecycle duration.
/// Links point at <c>Platform:PublicBaseUrl</c>.
/// </summary>
public sealed class LinkOptions
{
    public const string SectionName = "Links";
    public const string PublicBaseUrlSetting = "Platform:PublicBaseUrl";

    public string ActiveKeyId { get; set; } = ApprovalLinkSettings.DefaultActiveKeyId;

    public string? AcceptedKeyIds { get; set; }

    public string Lifetime { get; set; } = "P30D";

    public string? PublicBaseUrl { get; internal set; }

    public IReadOnlyList<string> AcceptedKeyIdList
        => (AcceptedKeyIds ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public ApprovalLinkSettings ToSettings() => new(
        ActiveKeyId.Trim(),
        AcceptedKeyIdList,
        DurationSetting.TryParse(Lifetime, out var lifetime) ? lifetime : ApprovalLinkSettings.DefaultLifetime,
        string.IsNullOrWhiteSpace(PublicBaseUrl) ? null : PublicBaseUrl.Trim());
}

public sealed partial class LinkOptionsValidator : IValidateOptions<LinkOptions>
{
    public ValidateOptionsResult Validate(string? name, LinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!SecretName().IsMatch(options.ActiveKeyId ?? ""))
        {
            failures.Add($"Links:ActiveKeyId '{options.ActiveKeyId}' must name a secret (letters, digits and '-'), e.g. link-signing-key-1.");
        }

        foreach (var accepted in options.AcceptedKeyIdList.Where(k => !SecretName().IsMatch(k)))
        {
            failures.Add($"Links:AcceptedKeyIds entry '{accepted}' must name a secret (letters, digits and '-').");
        }

        if (!DurationSetting.TryParse(options.Lifetime, out var lifetime) || lifetime < TimeSpan.FromSeconds(1) || lifetime > TimeSpan.FromDays(366))
        {
            failures.Add($"Links:Lifetime '{options.Lifetime}' must be a duration between 1 second and 366 days, e.g. P30D or PT10M.");
        }

        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            && !(Uri.TryCreate(options.PublicBaseUrl.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.Query)))
        {
            failures.Add($"{LinkOptions.PublicBaseUrlSetting} '{options.PublicBaseUrl}' must be an absolute http(s) URL such as https://data.hubei.gov.cn.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]{0,126}$")]
    private static partial Regex SecretName();
}

/// <summary>Durations in settings: ISO 8601 (P5D, PT30S) as the sample settings write them, or .NET time spans (5.00:00:00).</summary>
public static class DurationSetting
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        if (value.StartsWith('P') || value.StartsWith("-P", StringComparison.Ordinal))
        {
            try
            {
                duration = XmlConvert.ToTimeSpan(value);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration);
    }
}
