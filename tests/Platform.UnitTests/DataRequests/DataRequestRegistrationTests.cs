using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Domain.Agreements;
using Platform.Domain.Approvals;
using Platform.Domain.DataRequests;
using Platform.Domain.Grants;
using Platform.Functions.DataRequests;
using Platform.Functions.Masking;
using Platform.UnitTests.Http;
using Xunit;
using Platform.Domain.Masking;

namespace Platform.UnitTests.DataRequests;

public sealed class DataRequestRegistrationTests
{
    [Fact]
    public async Task AddPlatform_Defaults_ServicesResolveAndRequestsAreCancelledBeforeGrantsAreRevoked()
    {
        using var host = PlatformHostKit.Build();

        await host.StartAsync();

        Assert.NotNull(host.Services.GetRequiredService<DataRequestSubmission>());
        Assert.NotNull(host.Services.GetRequiredService<DataRequestReviewSubmission>());
        Assert.NotNull(host.Services.GetRequiredService<DataRequestQueries>());
        Assert.NotNull(host.Services.GetRequiredService<DataRequestReviewSchedule>());
        Assert.NotNull(host.Services.GetRequiredService<DataRequestReviewTasks>());
        Assert.NotNull(host.Services.GetRequiredService<DataRequestDecisions>());
        Assert.NotNull(host.Services.GetRequiredService<GrantService>());
        Assert.NotNull(host.Services.GetRequiredService<MaskingJobExecutor>());
        Assert.Equal(DataRequestSettings.Default, host.Services.GetRequiredService<DataRequestSettings>());
        var steps = host.Services.GetServices<IAgreementRevocationStep>().Select(s => s.Name).ToList();
        Assert.True(steps.IndexOf("data-requests") >= 0 && steps.IndexOf("data-requests") < steps.IndexOf("grants"), string.Join(", ", steps));
        Assert.Contains(host.Services.GetServices<IApprovalSubjectSource>(), s => s.SubjectKind == DataRequestContract.SubjectKind);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("5")]
    [InlineData("-1")]
    public async Task AddPlatform_ReminderOutsideTheReview_StartFailsNamingTheSetting(string value)
    {
        using var host = PlatformHostKit.Build(new() { ["DataRequests:ReminderWorkingDaysBefore"] = value });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("DataRequests:ReminderWorkingDaysBefore", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ReminderOnTheDueDate_Accepted()
        => Assert.True(new DataRequestOptionsValidator().Validate(null, new DataRequestOptions { ReminderWorkingDaysBefore = 0 }).Succeeded);
}
