using Microsoft.Extensions.DependencyInjection;
using Platform.Domain.Agreements;
using Platform.Domain.Approvals;
using Platform.Domain.Products;
using Platform.Functions.Products;
using Platform.UnitTests.Http;
using Xunit;

namespace Platform.UnitTests.Products;

public sealed class ProductRegistrationTests
{
    [Fact]
    public void AddPlatform_ProductGraph_ResolvesWithoutACycleAndEachSeamToItsSingletonImplementation()
    {
        using var host = PlatformHostKit.Build();

        var subject = host.Services.GetRequiredService<IProductComplianceSubject>();
        var readModel = host.Services.GetRequiredService<IProductReadModel>();

        Assert.IsType<ProductComplianceRecord>(subject);
        Assert.IsType<ProductReadModel>(readModel);
        Assert.Same(subject, host.Services.GetRequiredService<IProductComplianceSubject>());
        Assert.Same(readModel, host.Services.GetRequiredService<IProductReadModel>());
        Assert.Same(host.Services.GetRequiredService<ProductCommands>(), host.Services.GetRequiredService<ProductCommands>());
        Assert.NotNull(host.Services.GetRequiredService<ProductQueries>());
        Assert.Contains(host.Services.GetRequiredService<IEnumerable<IAgreementRevocationStep>>(), s => s.Name == ProductReviewRevocationStep.StepName);
        Assert.NotEmpty(host.Services.GetRequiredService<IEnumerable<IApprovalSubjectSource>>());
        Assert.NotNull(host.Services.GetRequiredService<ProductCallService>());
        Assert.NotNull(host.Services.GetRequiredService<AgreementService>());
        Assert.NotNull(ActivatorUtilities.CreateInstance<ProductFunctions>(host.Services));
        Assert.NotNull(ActivatorUtilities.CreateInstance<DeveloperAndPriceCapFunctions>(host.Services));
    }
}
