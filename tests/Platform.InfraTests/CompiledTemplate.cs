using System.Text.Json.Nodes;

namespace Platform.InfraTests;

/// <summary>infra/main.bicep compiled once per test run and shared by the tests that inspect the ARM JSON.</summary>
public static class CompiledTemplate
{
    private static readonly Lazy<Task<BicepRun>> Build = new(() => BicepCli.BuildToStandardOutputAsync(BicepCli.MainTemplatePath));

    public static Task<BicepRun> BuildAsync() => Build.Value;

    public static async Task<string> JsonAsync()
    {
        var run = await BuildAsync();
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build failed ({run.ExitCode}):{Environment.NewLine}{run.StandardError}");
        }

        return run.StandardOutput;
    }

    /// <summary>Resources of the given type in the template and in every nested module template.</summary>
    public static async Task<IReadOnlyList<JsonObject>> ResourcesOfTypeAsync(string type)
    {
        var root = JsonNode.Parse(await JsonAsync())!.AsObject();
        var found = new List<JsonObject>();
        Collect(root, type, found);
        return found;
    }

    private static void Collect(JsonObject template, string type, List<JsonObject> found)
    {
        var resources = template["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject bySymbol => bySymbol.Select(pair => pair.Value).OfType<JsonObject>(),
            _ => [],
        };
        foreach (var resource in resources)
        {
            var resourceType = (string?)resource["type"];
            if (string.Equals(resourceType, type, StringComparison.OrdinalIgnoreCase))
            {
                found.Add(resource);
            }

            if (string.Equals(resourceType, "Microsoft.Resources/deployments", StringComparison.OrdinalIgnoreCase)
                && resource["properties"]?["template"] is JsonObject nested)
            {
                Collect(nested, type, found);
            }
        }
    }
}
