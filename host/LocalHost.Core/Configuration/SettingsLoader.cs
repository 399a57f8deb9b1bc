using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Platform.LocalHost.Configuration;

/// <summary>
/// Reads configuration the way the Functions host does: app settings from local.settings.json "Values"
/// (keys with <c>__</c> become sections), host.json under <c>AzureFunctionsJobHost</c>, and %Setting% expressions.
/// </summary>
public static partial class SettingsLoader
{
    public const string HostJsonSection = "AzureFunctionsJobHost";

    /// <summary>The "Values" of a local.settings.json-shaped file as configuration key/values.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> ReadLocalSettings(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("Values", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var property in values.EnumerateObject())
        {
            var value = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            yield return new KeyValuePair<string, string?>(property.Name.Replace("__", ":", StringComparison.Ordinal), value);
        }
    }

    /// <summary>host.json flattened under AzureFunctionsJobHost, so app settings such as AzureFunctionsJobHost__extensions__queues__batchSize override it.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> ReadHostJson(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var flattened = new List<KeyValuePair<string, string?>>();
        Flatten(document.RootElement, HostJsonSection, flattened);
        return flattened;
    }

    private static void Flatten(JsonElement element, string prefix, List<KeyValuePair<string, string?>> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, $"{prefix}:{property.Name}", into);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, $"{prefix}:{index++}", into);
                }

                break;
            default:
                into.Add(new(prefix, element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText()));
                break;
        }
    }

    /// <summary>Resolves %Name% expressions against app settings, as binding expressions in Functions attributes do.</summary>
    public static string Resolve(string value, IConfiguration configuration)
        => SettingExpression().Replace(value, match =>
        {
            var name = match.Groups[1].Value;
            return configuration[name] ?? configuration[name.Replace("__", ":", StringComparison.Ordinal)]
                ?? throw new InvalidOperationException($"The binding expression %{name}% names an app setting that is not configured.");
        });

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingExpression();
}
