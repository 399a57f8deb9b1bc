using System.Text.RegularExpressions;

namespace Platform.Functions.Http;

/// <summary>
/// Signed link tokens are credentials (docs/api.md: "link tokens never appear in logs"). Every path or URL the request
/// log and the problem details write goes through <see cref="Mask"/>, which keeps the route and hides the token.
/// </summary>
public static partial class LinkTokenMask
{
    public const string Placeholder = "***";

    /// <summary>The text with each <c>/approvals/{token}</c> segment replaced by <c>/approvals/***</c>.</summary>
    public static string Mask(string? pathOrUrl)
        => string.IsNullOrEmpty(pathOrUrl) ? pathOrUrl ?? "" : ApprovalToken().Replace(pathOrUrl, "/approvals/" + Placeholder);

    [GeneratedRegex(@"/approvals/[^/?#\s""'<>]+", RegexOptions.IgnoreCase)]
    private static partial Regex ApprovalToken();
}
