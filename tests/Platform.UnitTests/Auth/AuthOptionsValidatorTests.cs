using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Functions;
using Platform.Functions.Auth;
using Platform.UnitTests.Http;
using Xunit;

namespace Platform.UnitTests.Auth;

public sealed class AuthOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(string environment, AuthOptions options)
        => new AuthOptionsValidator(HttpTestKit.Environment(environment)).Validate(null, options);

    [Fact]
    public void Validate_DevelopmentKeyInDevelopment_Succeeds()
    {
        Assert.True(Validate(Environments.Development, HttpTestKit.DevelopmentAuth()).Succeeded);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Validate_SigningKeyOutsideDevelopment_FailsNamingTheSetting(string environment)
    {
        var result = Validate(environment, HttpTestKit.DevelopmentAuth());

        Assert.True(result.Failed);
        Assert.Contains("Auth:SigningKey", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(environment, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ShortKeyInDevelopment_Fails()
    {
        var options = HttpTestKit.DevelopmentAuth();
        options.SigningKey = "short-key";

        var result = Validate(Environments.Development, options);

        Assert.True(result.Failed);
        Assert.Contains("Auth:SigningKey must be at least 32 bytes", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NeitherKeyNorMetadata_FailsNamingBoth()
    {
        var result = Validate(Environments.Development, new AuthOptions { Issuer = "i", Audience = "a" });

        Assert.True(result.Failed);
        Assert.Contains("Auth:MetadataAddress", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Auth:SigningKey", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MetadataInProduction_Succeeds()
    {
        var options = new AuthOptions
        {
            Audience = "api://public-data-platform",
            MetadataAddress = "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration",
        };

        Assert.True(Validate(Environments.Production, options).Succeeded);
    }

    [Fact]
    public void Validate_HttpMetadataInProduction_Fails()
    {
        var options = new AuthOptions { Audience = "a", MetadataAddress = "http://idp.local/.well-known/openid-configuration" };

        var result = Validate(Environments.Production, options);

        Assert.Contains("Auth:MetadataAddress", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingAudience_Fails()
    {
        var options = HttpTestKit.DevelopmentAuth();
        options.Audience = "";

        Assert.Contains("Auth:Audience", Validate(Environments.Development, options).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_DevelopmentKeyInProduction_FailsNamingTheSetting()
    {
        using var host = PlatformHostKit.Build(environment: Environments.Production);

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Auth:SigningKey", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_ValidDevelopmentSettings_StartsAndResolvesThePipeline()
    {
        using var host = PlatformHostKit.Build(new() { ["Platform:MaxRequestBodyBytes"] = "2048" });

        await host.StartAsync();

        Assert.NotNull(host.Services.GetRequiredService<Platform.Functions.Http.ApiHandler>());
        Assert.Equal(2048, host.Services.GetRequiredService<IOptions<Platform.Functions.Http.PlatformHttpOptions>>().Value.MaxRequestBodyBytes);
        Assert.NotNull(host.Services.GetRequiredService<Azure.Storage.Blobs.BlobServiceClient>());
        var token = host.Services.GetRequiredService<DevelopmentTokenIssuer>().Mint(Platform.Domain.Security.Roles.Authority, "org", "sub", TimeSpan.FromMinutes(5));
        Assert.Equal("sub", (await host.Services.GetRequiredService<ICallerAuthenticator>()
            .AuthenticateAsync(HttpTestKit.Request(bearer: token), CancellationToken.None)).Subject);
        await host.StopAsync();
    }

    [Fact]
    public async Task HostStart_NoStorageSetting_FailsNamingAzureWebJobsStorage()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Issuer"] = HttpTestKit.Issuer,
            ["Auth:Audience"] = HttpTestKit.Audience,
            ["Auth:SigningKey"] = HttpTestKit.SigningKey,
        });
        builder.Services.AddPlatform(builder.Configuration, builder.Environment);
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("AzureWebJobsStorage", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_IdentityProviderConfiguredWell_Succeeds()
    {
        var options = HttpTestKit.DevelopmentAuth();
        options.IdentityProvider = new IdentityProviderOptions { Issuer = "https://idp.realname.test/hubei" };

        Assert.True(Validate(Environments.Development, options).Succeeded);
    }

    [Fact]
    public void Validate_IdentityProviderBadIssuerOrClaims_FailsNamingTheSetting()
    {
        var sameIssuer = HttpTestKit.DevelopmentAuth();
        sameIssuer.IdentityProvider = new IdentityProviderOptions { Issuer = sameIssuer.Issuer };
        var notUrl = HttpTestKit.DevelopmentAuth();
        notUrl.IdentityProvider = new IdentityProviderOptions { Issuer = "realname" };
        var reservedClaim = HttpTestKit.DevelopmentAuth();
        reservedClaim.IdentityProvider = new IdentityProviderOptions { Issuer = "https://idp.realname.test/hubei", IdNumberClaim = "sub" };

        Assert.Contains("Auth:IdentityProvider:Issuer", Validate(Environments.Development, sameIssuer).FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Auth:IdentityProvider:Issuer", Validate(Environments.Development, notUrl).FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Auth:IdentityProvider:IdNumberClaim", Validate(Environments.Development, reservedClaim).FailureMessage, StringComparison.Ordinal);
    }
}
