using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Domain.Agreements;
using Platform.Domain.Approvals;
using Platform.Domain.Products;
using Platform.Functions;
using Platform.Functions.Products;
using Platform.UnitTests.Http;
using Xunit;

namespace Platform.UnitTests.Products;

public sealed class ProductRegistrationTests
{
    [Fact]
    public void AddPlatform_ProductGraph_ResolvesWithoutACycleAndOneServiceBehindBothSeams()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Auth:Issuer"] = HttpTestKit.Issuer,
            ["Auth:Audience"] = HttpTestKit.Audience,
            ["Auth:SigningKey"] = HttpTestKit.SigningKey,
        });
        builder.Services.AddPlatform(builder.Configuration, builder.Environment);
        using var host = builder.Build();

        var service = host.Services.GetRequiredService<ProductService>();

        Assert.Same(service, host.Services.GetRequiredService<IProductComplianceSubject>());
        Assert.Same(service, host.Services.GetRequiredService<IProductReadModel>());
        Assert.Contains(host.Services.GetRequiredService<IEnumerable<IAgreementRevocationStep>>(), s => s.Name == "product-reviews");
        Assert.NotEmpty(host.Services.GetRequiredService<IEnumerable<IApprovalSubjectSource>>());
        Assert.NotNull(host.Services.GetRequiredService<ProductCallService>());
        Assert.NotNull(host.Services.GetRequiredService<AgreementService>());
        Assert.NotNull(ActivatorUtilities.CreateInstance<ProductFunctions>(host.Services));
        Assert.NotNull(ActivatorUtilities.CreateInstance<DeveloperAndPriceCapFunctions>(host.Services));
    }
}
