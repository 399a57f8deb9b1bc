using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using Platform.Domain.Approvals;
using Platform.Domain.Products;
using Platform.Domain.ProductCompliance;
using Platform.Functions.ProductCompliance;
using Platform.Orchestrations.ProductCompliance;
using Platform.UnitTests.Http;
using Xunit;

namespace Platform.UnitTests.ProductCompliance;

public sealed class ProductComplianceRegistrationTests
{
    [Fact]
    public async Task AddPlatform_Defaults_SettingsAndApprovalPagesResolveWithoutProductRecords()
    {
        using var host = PlatformHostKit.Build();

        await host.StartAsync();

        Assert.Equal(ProductComplianceSettings.Default, host.Services.GetRequiredService<ProductComplianceSettings>());
        Assert.Contains(host.Services.GetRequiredService<IEnumerable<IApprovalSubjectSource>>(), s => s.SubjectKind == ProductReviewLinkStep.SubjectKind);
        Assert.NotNull(host.Services.GetRequiredService<ApprovalService>());
        await host.StopAsync();
    }

    [Fact]
    public void AddPlatform_WithProductRecords_ActivitiesResolve()
    {
        using var host = PlatformHostKit.Build(more: services => services.AddSingleton(Mock.Of<IProductComplianceSubject>()));

        Assert.NotNull(host.Services.GetRequiredService<RunProductChecksActivity>());
        Assert.NotNull(host.Services.GetRequiredService<IssueProductReviewLinkActivity>());
        Assert.NotNull(host.Services.GetRequiredService<RecordProductReviewDecisionActivity>());
        Assert.NotNull(host.Services.GetRequiredService<EscalateProductReviewActivity>());
        Assert.NotNull(host.Services.GetRequiredService<CompleteProductReviewActivity>());
    }

    [Fact]
    public async Task AddPlatform_ThirdPartyReviewerConfigured_SettingsCarryIt()
    {
        using var host = PlatformHostKit.Build(new() { ["ProductCompliance:ThirdPartyReviewerId"] = " org-assessor ", ["ProductCompliance:FullTrackWorkingDays"] = "15" });

        await host.StartAsync();

        Assert.Equal(new ProductComplianceSettings(3, 15, "org-assessor"), host.Services.GetRequiredService<ProductComplianceSettings>());
        await host.StopAsync();
    }

    [Theory]
    [InlineData("ProductCompliance:FastTrackWorkingDays", "0")]
    [InlineData("ProductCompliance:FullTrackWorkingDays", "400")]
    [InlineData("ProductCompliance:FastTrackWorkingDays", "12")]
    [InlineData("ProductCompliance:ThirdPartyReviewerId", "org/assessor")]
    public async Task AddPlatform_InvalidSetting_StartFailsNamingIt(string setting, string value)
    {
        using var host = PlatformHostKit.Build(new() { [setting] = value });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(setting, failure.Message, StringComparison.Ordinal);
    }
}
