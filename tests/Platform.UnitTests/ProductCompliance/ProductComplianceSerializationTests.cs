using System.Text.Json;
using Platform.Domain.Approvals;
using Platform.Domain.Calendar;
using Platform.Domain.Products;
using Platform.Domain.ProductCompliance;
using Platform.Orchestrations.ProductCompliance;
using Xunit;
using static Platform.UnitTests.ProductCompliance.ProductComplianceTestData;

namespace Platform.UnitTests.ProductCompliance;

/// <summary>Activity inputs and outputs cross the durable history as JSON; what goes in must come back whole.</summary>
public sealed class ProductComplianceSerializationTests
{
    public static TheoryData<string> Options => ["default", "web"];

    [Theory]
    [MemberData(nameof(Options))]
    public void RoundTrip_ChecksResultWithPlanAndFindings_Preserved(string options)
    {
        var plan = ProductReviewPlanning.Plan(Facts("industry"), 1, new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero), ProductComplianceSettings.Default, WorkingDayCalendar.WeekendsOnly);
        var finding = new ComplianceFinding(ProductComplianceChecks.MaskingRule, ProductComplianceChecks.IdentifierFoundCode, "数据集 客流汇总", "客流汇总", "count", 2);
        var result = new ProductChecksResult(ProductStatus.InReview, [finding], plan);

        var back = RoundTrip(result, options);

        Assert.Equal(ProductStatus.InReview, back.Status);
        Assert.Equal(finding, Assert.Single(back.Findings));
        Assert.Equal(plan.Slots, back.Plan!.Slots);
        Assert.Equal(plan.Reviewers, back.Plan.Reviewers);
        Assert.Equal(plan.DueAt, back.Plan.DueAt);
        Assert.Equal(ProductReviewTrack.Full, back.Plan.Track);
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void RoundTrip_CompletionWithComment_Preserved(string options)
    {
        var plan = ProductReviewPlanning.Plan(Facts(), 2, new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero), ProductComplianceSettings.Default, WorkingDayCalendar.WeekendsOnly);
        var completion = new ProductReviewCompletion(plan, new ProductComplianceOutcome(ProductComplianceOutcomeKind.Rejected, [], "authority：不同意"), ["authority"]);

        var back = RoundTrip(completion, options);

        Assert.Equal(ProductComplianceOutcomeKind.Rejected, back.Outcome.Kind);
        Assert.Equal("authority：不同意", back.Outcome.Comment);
        Assert.Equal(["authority"], back.OpenSlots);
        Assert.Equal(2, back.Plan.Round);
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void RoundTrip_EscalationResultWithARecoveredDecision_Preserved(string options)
    {
        var decision = new ApprovalDecision(ApprovalDecisionKind.Changes, new Dictionary<string, int> { ["value"] = 3 }, "补充材料", DateTimeOffset.UnixEpoch);
        var result = new ProductEscalationResult(ProductStatus.InReview, [new ApprovalDecidedEvent("authority", "role:authority", decision)]);

        var back = RoundTrip(result, options);

        var recovered = Assert.Single(back.Recovered);
        Assert.Equal(ApprovalDecisionKind.Changes, recovered.Decision.Kind);
        Assert.Equal(3, recovered.Decision.Scores["value"]);
    }

    private static T RoundTrip<T>(T value, string options)
    {
        var json = JsonSerializer.Serialize(value, options == "web" ? JsonSerializerOptions.Web : JsonSerializerOptions.Default);
        return JsonSerializer.Deserialize<T>(json, options == "web" ? JsonSerializerOptions.Web : JsonSerializerOptions.Default)!;
    }
}
