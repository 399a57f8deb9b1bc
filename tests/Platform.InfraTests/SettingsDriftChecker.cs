using System.Text.Json;
using System.Text.RegularExpressions;

namespace Platform.InfraTests;

/// <summary>
/// What the compiled ARM template gives the app: its app settings (name to literal value, or null when the value
/// is an ARM expression) and its Key Vault secret names.
/// </summary>
public sealed record TemplateConfiguration(
    IReadOnlyDictionary<string, string?> AppSettings,
    IReadOnlySet<string> KeyVaultSecretNames)
{
    public IEnumerable<string> AppSettingNames => AppSettings.Keys;
}

/// <summary>
/// Compares the settings the app reads (the <c>Values</c> of local.settings.sample.json) with what the compiled
/// template provides in Azure, so a setting added to the app without the template is caught.
/// </summary>
public static partial class SettingsDriftChecker
{
    /// <summary>The app reads a <c>Secrets__name</c> setting from Key Vault secret <c>name</c> in Azure.</summary>
    public const string SecretSettingPrefix = "Secrets__";

    /// <summary>Locally a connection string; in Azure the identity-based form, which this setting stands for.</summary>
    public const string HostStorageSetting = "AzureWebJobsStorage";

    public const string HostStorageAccountNameSetting = "AzureWebJobsStorage__accountName";

    /// <summary>Implied by the Flex Consumption runtime configuration (functionAppConfig.runtime).</summary>
    public const string WorkerRuntimeSetting = "FUNCTIONS_WORKER_RUNTIME";

    /// <summary>Development-only settings: the app refuses them outside Development, so Azure must not have them.</summary>
    public static readonly IReadOnlySet<string> DevelopmentOnlySettings =
        new HashSet<string>(StringComparer.Ordinal) { "Auth__SigningKey" };

    public static IReadOnlySet<string> ReadSampleSettingNames(string settingsJson)
    {
        using var document = JsonDocument.Parse(settingsJson);
        if (!document.RootElement.TryGetProperty("Values", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("The settings file has no \"Values\" object.");
        }

        return values.EnumerateObject().Select(property => property.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Reads app settings from every <c>Microsoft.Web/sites/config</c> "appsettings" resource and every
    /// <c>siteConfig.appSettings</c>, in the template and its nested module templates. When the settings object is
    /// an ARM expression, the variables it refers to are followed and their object keys taken, so settings that a
    /// condition adds (e.g. only on Elastic Premium) count as well.
    /// </summary>
    public static TemplateConfiguration ReadTemplate(string armTemplateJson)
    {
        using var document = JsonDocument.Parse(armTemplateJson);
        var appSettings = new Dictionary<string, string?>(StringComparer.Ordinal);
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        CollectFromTemplate(document.RootElement, appSettings, secrets);
        return new TemplateConfiguration(appSettings, secrets);
    }

    /// <summary>Sample settings with nothing in the template that provides them, in sample order.</summary>
    public static IReadOnlyList<string> FindMissing(IEnumerable<string> sampleSettingNames, TemplateConfiguration template) =>
        sampleSettingNames.Where(name => !IsProvided(name, template)).ToList();

    /// <summary>Development-only settings that the template nevertheless sets.</summary>
    public static IReadOnlyList<string> FindForbidden(TemplateConfiguration template) =>
        template.AppSettingNames.Where(DevelopmentOnlySettings.Contains).Order(StringComparer.Ordinal).ToList();

    private static bool IsProvided(string name, TemplateConfiguration template)
    {
        if (DevelopmentOnlySettings.Contains(name) || name == WorkerRuntimeSetting)
        {
            return true;
        }

        if (name == HostStorageSetting)
        {
            return template.AppSettings.ContainsKey(HostStorageAccountNameSetting);
        }

        if (name.StartsWith(SecretSettingPrefix, StringComparison.Ordinal))
        {
            return template.KeyVaultSecretNames.Contains(name[SecretSettingPrefix.Length..]);
        }

        return template.AppSettings.ContainsKey(name);
    }

    private static void CollectFromTemplate(JsonElement template, Dictionary<string, string?> appSettings, HashSet<string> secrets)
    {
        var variables = template.TryGetProperty("variables", out var declared) && declared.ValueKind == JsonValueKind.Object
            ? declared
            : default;

        foreach (var resource in Resources(template))
        {
            var type = resource.TryGetProperty("type", out var typeElement) ? typeElement.GetString() ?? "" : "";
            var name = resource.TryGetProperty("name", out var nameElement) ? nameElement.GetString() ?? "" : "";
            resource.TryGetProperty("properties", out var properties);

            if (type.Equals("Microsoft.Resources/deployments", StringComparison.OrdinalIgnoreCase)
                && properties.ValueKind == JsonValueKind.Object
                && properties.TryGetProperty("template", out var nested))
            {
                CollectFromTemplate(nested, appSettings, secrets);
            }
            else if (type.Equals("Microsoft.Web/sites/config", StringComparison.OrdinalIgnoreCase)
                && LastNameSegment(name)?.Equals("appsettings", StringComparison.OrdinalIgnoreCase) == true)
            {
                CollectSettings(properties, variables, appSettings, new HashSet<string>(StringComparer.Ordinal));
            }
            else if (type.Equals("Microsoft.Web/sites", StringComparison.OrdinalIgnoreCase)
                && properties.ValueKind == JsonValueKind.Object
                && properties.TryGetProperty("siteConfig", out var siteConfig)
                && siteConfig.ValueKind == JsonValueKind.Object
                && siteConfig.TryGetProperty("appSettings", out var siteAppSettings))
            {
                CollectSettings(siteAppSettings, variables, appSettings, new HashSet<string>(StringComparer.Ordinal));
            }
            else if (type.Equals("Microsoft.KeyVault/vaults/secrets", StringComparison.OrdinalIgnoreCase)
                && LastNameSegment(name) is { } secretName)
            {
                secrets.Add(secretName);
            }
        }
    }

    private static IEnumerable<JsonElement> Resources(JsonElement template)
    {
        if (!template.TryGetProperty("resources", out var resources))
        {
            return [];
        }

        // Templates with symbolic names (languageVersion 2.0) keep resources in an object keyed by symbol.
        return resources.ValueKind switch
        {
            JsonValueKind.Array => resources.EnumerateArray().ToList(),
            JsonValueKind.Object => resources.EnumerateObject().Select(property => property.Value).ToList(),
            _ => [],
        };
    }

    private static void CollectSettings(JsonElement value, JsonElement variables, Dictionary<string, string?> settings, HashSet<string> visitedVariables)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    settings.TryAdd(property.Name, LiteralOrNull(property.Value));
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object
                        && item.TryGetProperty("name", out var settingName)
                        && settingName.ValueKind == JsonValueKind.String
                        && !IsExpression(settingName.GetString()!))
                    {
                        settings.TryAdd(settingName.GetString()!, item.TryGetProperty("value", out var settingValue) ? LiteralOrNull(settingValue) : null);
                    }
                }

                break;
            case JsonValueKind.String when IsExpression(value.GetString()!) && variables.ValueKind == JsonValueKind.Object:
                foreach (Match reference in VariableReference().Matches(value.GetString()!))
                {
                    var variableName = reference.Groups["name"].Value;
                    if (visitedVariables.Add(variableName) && variables.TryGetProperty(variableName, out var variableValue))
                    {
                        CollectSettings(variableValue, variables, settings, visitedVariables);
                    }
                }

                break;
        }
    }

    /// <summary>
    /// The last segment of a child resource name: "vault/secret" gives "secret"; an expression such as
    /// <c>[format('{0}/{1}', parameters('vault'), 'secret')]</c> gives its final string literal.
    /// </summary>
    private static string? LastNameSegment(string name)
    {
        if (!IsExpression(name))
        {
            return name.Split('/')[^1];
        }

        var literal = TrailingLiteral().Match(name);
        return literal.Success ? literal.Groups["literal"].Value : null;
    }

    private static string? LiteralOrNull(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && !IsExpression(value.GetString()!) ? value.GetString() : null;

    private static bool IsExpression(string value) =>
        value.StartsWith('[') && value.EndsWith(']') && !value.StartsWith("[[", StringComparison.Ordinal);

    [GeneratedRegex(@"variables\('(?<name>[^']+)'\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"'(?<literal>[^'/]+)'\)\]$")]
    private static partial Regex TrailingLiteral();
}
