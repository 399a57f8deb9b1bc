using System.Text.Json.Nodes;
using Xunit;

namespace Platform.InfraTests.Portal;

/// <summary>
/// One-command deployment (issue 21): <c>azure.yaml</c> points azd at <c>infra/main.bicep</c>, whose parameters come
/// from <c>infra/main.bicepparam</c> (bicep build-params accepts only the .bicepparam form; azd reads it instead of a
/// main.parameters.json), and deploys the Functions project to the site tagged <c>azd-service-name: api</c>.
/// </summary>
public sealed class AzdDeploymentTests
{
    private static string ParametersPath => RepositoryPaths.InRepository("infra", "main.bicepparam");

    [Fact]
    public async Task BuildParams_MainBicepparam_SucceedsWithEveryRequiredParameterOfMainBicep()
    {
        var run = await BicepCli.RunAsync("build-params", ParametersPath, "--stdout");

        Assert.True(run.ExitCode == 0, $"bicep build-params exited {run.ExitCode}:{Environment.NewLine}{run.StandardError}");
        var built = JsonNode.Parse(run.StandardOutput)!;
        var parameters = JsonNode.Parse((string)built["parametersJson"]!)!["parameters"]!.AsObject();
        var template = JsonNode.Parse((string)built["templateJson"]!)!["parameters"]!.AsObject();
        var required = template.Where(p => p.Value?["defaultValue"] is null).Select(p => p.Key).ToList();
        Assert.NotEmpty(required);
        Assert.All(required, name => Assert.True(parameters.ContainsKey(name), $"main.bicepparam does not set the required parameter '{name}'."));
        Assert.Equal("dev", (string?)parameters["tags"]?["value"]?["azd-env-name"]);
    }

    [Fact]
    public async Task Lint_MainBicepparam_NoWarningsOrErrors()
    {
        var run = await BicepCli.RunAsync("lint", ParametersPath);

        var output = (run.StandardOutput + run.StandardError).Trim();
        Assert.True(run.ExitCode == 0, $"bicep lint exited {run.ExitCode}:{Environment.NewLine}{output}");
        Assert.Equal("", output);
    }

    [Fact]
    public void AzureYaml_ApiService_IsTheFunctionsProjectOnBicepInInfra()
    {
        var yaml = File.ReadAllText(RepositoryPaths.InRepository("azure.yaml"));

        Assert.Contains("provider: bicep", yaml, StringComparison.Ordinal);
        Assert.Contains("path: infra", yaml, StringComparison.Ordinal);
        Assert.Contains("module: main", yaml, StringComparison.Ordinal);
        Assert.Contains("project: ./functions", yaml, StringComparison.Ordinal);
        Assert.Contains("host: function", yaml, StringComparison.Ordinal);
        Assert.True(File.Exists(RepositoryPaths.InRepository("functions", "Platform.Functions.csproj")));
    }

    [Fact]
    public async Task Build_MainTemplate_OnlyTheFunctionAppCarriesTheAzdServiceTag()
    {
        var template = (await CompiledTemplate.BuildAsync()).StandardOutput;

        Assert.Equal(1, template.Split("azd-service-name").Length - 1);
        Assert.Contains("'azd-service-name', 'api'", template, StringComparison.Ordinal);
    }
}
