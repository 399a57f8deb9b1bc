using System.Text.Json.Nodes;

namespace Platform.InfraTests;

public sealed class BicepTemplateTests
{
    // The rules issue 9 asks to be errors; bicep lint then fails on any of them.
    [Theory]
    [InlineData("use-recent-api-versions")]
    [InlineData("no-unused-params")]
    [InlineData("no-hardcoded-env-urls")]
    [InlineData("secure-secrets-in-params")]
    [InlineData("outputs-should-not-contain-secrets")]
    public void BicepConfig_RequiredLinterRule_IsAnError(string rule)
    {
        var config = JsonNode.Parse(File.ReadAllText(RepositoryPaths.InRepository("infra", "bicepconfig.json")))!;

        Assert.Equal("error", (string?)config["analyzers"]?["core"]?["rules"]?[rule]?["level"]);
    }

    [Fact]
    public async Task BicepBuild_MainTemplate_SucceedsWithoutDiagnostics()
    {
        var run = await CompiledTemplate.BuildAsync();

        Assert.True(run.ExitCode == 0, $"bicep build exited {run.ExitCode}:{Environment.NewLine}{run.StandardError}");
        Assert.Equal("", run.StandardError.Trim());
        Assert.NotNull(JsonNode.Parse(run.StandardOutput)?["resources"]);
    }

    [Fact]
    public async Task BicepLint_MainTemplateAndModules_ReportNoWarningsOrErrors()
    {
        var run = await BicepCli.LintAsync(BicepCli.MainTemplatePath);

        var output = (run.StandardOutput + run.StandardError).Trim();
        Assert.True(run.ExitCode == 0, $"bicep lint exited {run.ExitCode}:{Environment.NewLine}{output}");
        Assert.Equal("", output);
    }

    // Shows that the lint test above can fail: with the repository's bicepconfig.json an unused parameter is an error.
    [Fact]
    public async Task BicepLint_TemplateWithUnusedParameter_FailsWithNoUnusedParamsError()
    {
        var directory = Directory.CreateTempSubdirectory("infra-lint-");
        try
        {
            File.Copy(RepositoryPaths.InRepository("infra", "bicepconfig.json"), Path.Combine(directory.FullName, "bicepconfig.json"));
            var templatePath = Path.Combine(directory.FullName, "unused.bicep");
            await File.WriteAllTextAsync(templatePath, "param forgotten string\n");

            var run = await BicepCli.LintAsync(templatePath);

            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains("Error no-unused-params", run.StandardOutput + run.StandardError);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task CompiledTemplate_StorageAccount_HasSharedKeysOffHttpsOnlyAndTls12()
    {
        var account = Assert.Single(await CompiledTemplate.ResourcesOfTypeAsync("Microsoft.Storage/storageAccounts"));
        var properties = account["properties"]!;

        Assert.False((bool?)properties["allowSharedKeyAccess"]);
        Assert.False((bool?)properties["allowBlobPublicAccess"]);
        Assert.True((bool?)properties["supportsHttpsTrafficOnly"]);
        Assert.Equal("TLS1_2", (string?)properties["minimumTlsVersion"]);
    }

    [Fact]
    public async Task CompiledTemplate_KeyVault_UsesRbacWithSoftDeleteAndPurgeProtection()
    {
        var vault = Assert.Single(await CompiledTemplate.ResourcesOfTypeAsync("Microsoft.KeyVault/vaults"));
        var properties = vault["properties"]!;

        Assert.True((bool?)properties["enableRbacAuthorization"]);
        Assert.True((bool?)properties["enableSoftDelete"]);
        Assert.True((bool?)properties["enablePurgeProtection"]);
    }

    [Fact]
    public async Task CompiledTemplate_FunctionApp_IsHttpsOnlyWithTls12AndUserAssignedIdentity()
    {
        var site = Assert.Single(await CompiledTemplate.ResourcesOfTypeAsync("Microsoft.Web/sites"));
        var siteConfigVariable = Assert.Single(await CompiledTemplate.ResourcesOfTypeAsync("Microsoft.Resources/deployments"),
            deployment => (string?)deployment["name"] == "functionApp")["properties"]!["template"]!["variables"]!["commonSiteConfig"]!;

        Assert.True((bool?)site["properties"]!["httpsOnly"]);
        Assert.Equal("UserAssigned", (string?)site["identity"]!["type"]);
        Assert.Equal("1.2", (string?)siteConfigVariable["minTlsVersion"]);
        Assert.Equal("1.2", (string?)siteConfigVariable["scmMinTlsVersion"]);
        Assert.Equal("Disabled", (string?)siteConfigVariable["ftpsState"]);
    }

    // Least privilege: data-plane roles only (no Owner or Contributor on any resource).
    [Fact]
    public async Task CompiledTemplate_RoleAssignments_GrantOnlyTheDataRolesTheAppNeeds()
    {
        string[] expectedRoleIds =
        [
            "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner
            "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor
            "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor
            "4633458b-17de-408a-b874-0445c86b69e6", // Key Vault Secrets User
            "3913510d-42f4-4e42-8a64-420c390055eb", // Monitoring Metrics Publisher
        ];
        var deployments = await CompiledTemplate.ResourcesOfTypeAsync("Microsoft.Resources/deployments");
        var roleIdVariables = deployments
            .SelectMany(deployment => deployment["properties"]?["template"]?["variables"]?.AsObject() ?? [])
            .Where(variable => variable.Key.EndsWith("RoleId", StringComparison.Ordinal))
            .Select(variable => (string?)variable.Value)
            .Order()
            .ToList();
        var assignments = await CompiledTemplate.ResourcesOfTypeAsync("Microsoft.Authorization/roleAssignments");

        Assert.Equal(expectedRoleIds.Order(), roleIdVariables);
        Assert.Equal(expectedRoleIds.Length, assignments.Count);
        Assert.All(assignments, assignment => Assert.Equal("ServicePrincipal", (string?)assignment["properties"]!["principalType"]));
    }
}
