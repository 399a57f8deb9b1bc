namespace Platform.InfraTests;

public sealed class SettingsDriftTests
{
    [Fact]
    public async Task CompiledTemplate_EverySampleSetting_IsProvidedInAzure()
    {
        var sampleNames = SettingsDriftChecker.ReadSampleSettingNames(
            await File.ReadAllTextAsync(RepositoryPaths.InRepository("local.settings.sample.json")));
        var template = SettingsDriftChecker.ReadTemplate(await CompiledTemplate.JsonAsync());

        var missing = SettingsDriftChecker.FindMissing(sampleNames, template);

        Assert.True(missing.Count == 0,
            "Settings in local.settings.sample.json with no app setting (or Key Vault secret) in infra/: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task DriftChecker_FixtureWithSettingMissingFromTemplate_ReportsExactlyThatSetting()
    {
        var fixtureNames = SettingsDriftChecker.ReadSampleSettingNames(
            await File.ReadAllTextAsync(RepositoryPaths.InRepository("tests", "Platform.InfraTests", "Fixtures", "drifted.settings.json")));
        var template = SettingsDriftChecker.ReadTemplate(await CompiledTemplate.JsonAsync());

        var missing = SettingsDriftChecker.FindMissing(fixtureNames, template);

        Assert.Equal(["Notifications__SmtpHost"], missing);
    }

    [Fact]
    public async Task CompiledTemplate_DevelopmentOnlySettings_AreNotSet()
    {
        var template = SettingsDriftChecker.ReadTemplate(await CompiledTemplate.JsonAsync());

        Assert.Empty(SettingsDriftChecker.FindForbidden(template));
        Assert.DoesNotContain("Auth__SigningKey", template.AppSettingNames);
    }

    [Theory]
    [InlineData("AZURE_FUNCTIONS_ENVIRONMENT", "Production")]
    [InlineData("Platform__TimeCompression", "1")]
    [InlineData("AzureWebJobsStorage__credential", "managedidentity")]
    public async Task CompiledTemplate_FixedProductionSetting_HasExpectedValue(string name, string expected)
    {
        var template = SettingsDriftChecker.ReadTemplate(await CompiledTemplate.JsonAsync());

        Assert.Equal(expected, template.AppSettings[name]);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage__accountName")]
    [InlineData("AzureWebJobsStorage__clientId")]
    [InlineData("AzureWebJobsStorage__blobServiceUri")]
    [InlineData("AzureWebJobsStorage__queueServiceUri")]
    [InlineData("AzureWebJobsStorage__tableServiceUri")]
    public async Task CompiledTemplate_IdentityBasedHostStorageSetting_IsPresent(string name)
    {
        var template = SettingsDriftChecker.ReadTemplate(await CompiledTemplate.JsonAsync());

        Assert.Contains(name, template.AppSettingNames);
    }

    [Fact]
    public void DriftChecker_SecretSetting_IsSatisfiedByKeyVaultSecretOfTheSameName()
    {
        var template = new TemplateConfiguration(
            new Dictionary<string, string?>(),
            new HashSet<string> { "link-signing-key-1" });

        var missing = SettingsDriftChecker.FindMissing(["Secrets__link-signing-key-1", "Secrets__link-signing-key-2"], template);

        Assert.Equal(["Secrets__link-signing-key-2"], missing);
    }

    [Fact]
    public void DriftChecker_HostStorageConnectionString_NeedsIdentityBasedAccountName()
    {
        var withoutIdentityForm = new TemplateConfiguration(
            new Dictionary<string, string?> { ["AzureWebJobsStorage__credential"] = "managedidentity" },
            new HashSet<string>());

        var missing = SettingsDriftChecker.FindMissing(["AzureWebJobsStorage"], withoutIdentityForm);

        Assert.Equal(["AzureWebJobsStorage"], missing);
    }
}
