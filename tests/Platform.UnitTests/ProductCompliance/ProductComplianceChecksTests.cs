using Platform.Domain.Approvals;
using Platform.Domain.Calendar;
using Platform.Domain.Products;
using Platform.Domain.ProductCompliance;
using Platform.Domain.Security;
using Xunit;
using static Platform.UnitTests.ProductCompliance.ProductComplianceTestData;

namespace Platform.UnitTests.ProductCompliance;

public sealed class ProductComplianceChecksTests
{
    [Fact]
    public void Run_CleanProductWithinItsGrants_NoFindings()
    {
        Assert.Empty(ProductComplianceChecks.Run(Facts(), Today));
    }

    [Fact]
    public void CheckConsistency_FieldOutsideTheScenarioGrants_FindingNamesResourceAndField()
    {
        var facts = Facts(used: [new ResourceFieldSet("res-traffic", ProviderA, ["district", "plate"])]);

        var finding = Assert.Single(ProductComplianceChecks.CheckConsistency(facts));

        Assert.Equal(ProductComplianceChecks.ConsistencyRule, finding.Rule);
        Assert.Equal(ProductComplianceChecks.FieldNotGrantedCode, finding.Code);
        Assert.Equal("res-traffic", finding.Dataset);
        Assert.Equal("plate", finding.Field);
    }

    [Fact]
    public void CheckConsistency_ResourceTheScenarioWasNotGranted_Finding()
    {
        var facts = Facts(used: [new ResourceFieldSet("res-health", ProviderA, ["district"])]);

        var finding = Assert.Single(ProductComplianceChecks.CheckConsistency(facts));

        Assert.Equal(ProductComplianceChecks.ResourceNotGrantedCode, finding.Code);
        Assert.Contains("res-health", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckConsistency_FieldsGrantedAcrossTwoGrantsOfOneResource_Consistent()
    {
        var facts = Facts(
            grants: [new ResourceFieldSet("res-traffic", ProviderA, ["district"]), new ResourceFieldSet("res-traffic", ProviderA, ["count"])],
            used: [new ResourceFieldSet("res-traffic", ProviderA, ["district", "count"])]);

        Assert.Empty(ProductComplianceChecks.CheckConsistency(facts));
    }

    [Fact]
    public void CheckConsistency_DerivedProductBeyondItsLineageGrants_FindingNamesTheOrigin()
    {
        var facts = Facts(scenarioId: null, derivedFrom: "prd-origin", used: [new ResourceFieldSet("res-card", ProviderB, ["cardholder"])]);

        var finding = Assert.Single(ProductComplianceChecks.CheckConsistency(facts));

        Assert.Equal("cardholder", finding.Field);
        Assert.Contains("prd-origin", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckConsistency_NoScenarioNoOriginYetUsesData_EveryResourceIsAFinding()
    {
        var facts = Facts(scenarioId: null, grants: []);

        Assert.Equal(2, ProductComplianceChecks.CheckConsistency(facts).Count);
    }

    [Fact]
    public void CheckMasking_IdNumberInTheData_FindingNamesDatasetFieldAndRowWithoutTheValue()
    {
        var facts = Facts(data: [DataWith("count", 2, IdNumber)]);

        var finding = Assert.Single(ProductComplianceChecks.CheckMasking(facts, Today));

        Assert.Equal(ProductComplianceChecks.MaskingRule, finding.Rule);
        Assert.Equal(ProductComplianceChecks.IdentifierFoundCode, finding.Code);
        Assert.Equal("客流汇总", finding.Dataset);
        Assert.Equal("count", finding.Field);
        Assert.Equal(2, finding.Row);
        Assert.Contains("id-number", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(IdNumber, finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(IdNumber[2..^2], finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckMasking_MobileInTheThirdRow_FindingNamesRowThree()
    {
        var facts = Facts(data: [DataWith("district", 3, Mobile)]);

        var finding = Assert.Single(ProductComplianceChecks.CheckMasking(facts, Today));

        Assert.Equal("district", finding.Field);
        Assert.Equal(3, finding.Row);
        Assert.Contains("mobile", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Mobile, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckMasking_ReportingDatesAndCounts_NotIdentifiers()
    {
        var facts = Facts(data: [DataWith("date", 1, "1990-03-07")]);

        Assert.Empty(ProductComplianceChecks.CheckMasking(facts, Today));
    }

    [Fact]
    public void CheckMasking_CellBeyondTheNamedColumns_NamedByPosition()
    {
        var facts = Facts(data: [new ProductDataSet("extra", "job-2", ["district"], [["江岸区", Mobile]])]);

        var finding = Assert.Single(ProductComplianceChecks.CheckMasking(facts, Today));

        Assert.Equal("column 2", finding.Field);
        Assert.Equal(1, finding.Row);
    }

    [Fact]
    public void CheckMasking_ManyIdentifiers_ListsTheFirstFiftyAndCountsTheRest()
    {
        var rows = Enumerable.Range(0, 70).Select(_ => (IReadOnlyList<string>)[Mobile]).ToList();
        var facts = Facts(data: [new ProductDataSet("phones", "job-3", ["phone"], rows)]);

        var findings = ProductComplianceChecks.CheckMasking(facts, Today);

        Assert.Equal(ProductComplianceChecks.MaxIdentifierFindings + 1, findings.Count);
        Assert.Equal(ProductComplianceChecks.MoreIdentifiersCode, findings[^1].Code);
        Assert.Contains("20 more", findings[^1].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void CheckConsent_PersonalInfoOrTradeSecretsWithoutEvidence_Finding(bool personalInfo, bool tradeSecrets)
    {
        var facts = Facts(personalInfo: personalInfo, tradeSecrets: tradeSecrets, consent: ["  "]);

        var finding = Assert.Single(ProductComplianceChecks.CheckConsent(facts));

        Assert.Equal(ProductComplianceChecks.ConsentMissingCode, finding.Code);
        Assert.Equal("consentEvidence", finding.Field);
    }

    [Fact]
    public void CheckConsent_EvidencePresent_NoFinding()
    {
        Assert.Empty(ProductComplianceChecks.CheckConsent(Facts(personalInfo: true, consent: ["consent-2026-001"])));
    }

    [Fact]
    public void CheckConsent_NeitherPersonalInfoNorTradeSecrets_NotRequired()
    {
        Assert.Empty(ProductComplianceChecks.CheckConsent(Facts()));
    }

    [Theory]
    [InlineData("110101199003071234", "11**************34")]
    [InlineData("1381234", "*******")]
    public void MaskForDisplay_Value_KeepsOnlyTheEnds(string value, string expected)
    {
        Assert.Equal(expected, ProductComplianceChecks.MaskForDisplay(value));
    }

    [Theory]
    [InlineData("public-good", false, ProductReviewTrack.Fast)]
    [InlineData("public-good", true, ProductReviewTrack.Full)]
    [InlineData("industry", false, ProductReviewTrack.Full)]
    public void SelectTrack_UseCategoryAndPersonalInfo_FastOnlyForLowRisk(string useCategory, bool personalInfo, ProductReviewTrack expected)
    {
        Assert.Equal(expected, ProductReviewPlanning.SelectTrack(Facts(useCategory, personalInfo, consent: ["c-1"])));
    }

    [Fact]
    public void SelectTrack_PublicGoodWithTradeSecrets_Full()
        => Assert.Equal(ProductReviewTrack.Full, ProductReviewPlanning.SelectTrack(Facts("public-good", personalInfo: false, tradeSecrets: true, consent: ["c-1"])));

    [Fact]
    public void SelectReviewers_FastTrack_TheAuthorityAlone()
    {
        var reviewers = ProductReviewPlanning.SelectReviewers(Facts(), ProductReviewTrack.Fast, ProductComplianceSettings.Default);

        var only = Assert.Single(reviewers);
        Assert.Equal(ProductReviewPlanning.AuthoritySlot, only.Slot);
        Assert.Equal(Roles.Authority, only.ReviewerRole);
    }

    [Fact]
    public void SelectReviewers_FullTrack_TheAuthorityAndEachDistinctProvider()
    {
        var facts = Facts("industry", used:
        [
            new ResourceFieldSet("res-traffic", ProviderA, ["district"]),
            new ResourceFieldSet("res-card", ProviderB, ["amount"]),
            new ResourceFieldSet("res-traffic-2", ProviderA, ["count"]),
        ]);

        var reviewers = ProductReviewPlanning.SelectReviewers(facts, ProductReviewTrack.Full, ProductComplianceSettings.Default);

        Assert.Equal(["authority", $"provider-{ProviderA}", $"provider-{ProviderB}"], reviewers.Select(r => r.Slot));
        Assert.Equal($"org:{ProviderB}", reviewers[2].Reviewer.Key);
        Assert.Equal(Roles.Provider, reviewers[2].ReviewerRole);
    }

    [Fact]
    public void SelectReviewers_FullTrackWithAThirdPartyReviewer_TheAuthorityAndThatReviewerInsteadOfProviders()
    {
        var settings = ProductComplianceSettings.Default with { ThirdPartyReviewerId = "org-assessor" };

        var reviewers = ProductReviewPlanning.SelectReviewers(Facts("industry"), ProductReviewTrack.Full, settings);

        Assert.Equal(["authority", "third-party-org-assessor"], reviewers.Select(r => r.Slot));
        Assert.Equal(Roles.Reviewer, reviewers[1].ReviewerRole);
    }

    [Fact]
    public void Plan_FastTrackSubmittedMondayMorning_DueAfterThreeWorkingDays()
    {
        // Monday 2026-03-02 10:00 CST: day 0 is that Monday, due Thursday 03-05 24:00 CST = 16:00 UTC.
        var startedAt = new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

        var plan = ProductReviewPlanning.Plan(Facts(), 1, startedAt, ProductComplianceSettings.Default, WorkingDayCalendar.WeekendsOnly);

        Assert.Equal(ProductReviewTrack.Fast, plan.Track);
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 16, 0, 0, TimeSpan.Zero), plan.DueAt);
        Assert.Equal(ProductWorkflow.InstanceId(ProductId, 1), plan.InstanceId);
    }

    [Fact]
    public void Plan_FullTrackSubmittedAfterTheCutOff_DueTenWorkingDaysAfterTheNextWorkingDay()
    {
        // Monday 2026-03-02 17:30 CST: day 0 is Tuesday 03-03; ten working days later is Tuesday 03-17.
        var startedAt = new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

        var plan = ProductReviewPlanning.Plan(Facts("industry"), 2, startedAt, ProductComplianceSettings.Default, WorkingDayCalendar.WeekendsOnly);

        Assert.Equal(ProductReviewTrack.Full, plan.Track);
        Assert.Equal(new DateTimeOffset(2026, 3, 17, 16, 0, 0, TimeSpan.Zero), plan.DueAt);
        Assert.Equal(3, plan.Reviewers.Count);
    }

    [Fact]
    public void Decide_AnyRejection_RejectedAtOnce()
    {
        var outcome = ProductReviewAggregation.Decide(["authority", "provider-a"], new Dictionary<string, ApprovalDecisionKind> { ["provider-a"] = ApprovalDecisionKind.Reject });

        Assert.Equal(ProductComplianceOutcomeKind.Rejected, outcome);
    }

    [Fact]
    public void Decide_ChangesAndApproval_ChangesRequestedOnceAllAnswered()
    {
        string[] slots = ["authority", "provider-a"];
        var decisions = new Dictionary<string, ApprovalDecisionKind> { ["authority"] = ApprovalDecisionKind.Changes };

        Assert.Null(ProductReviewAggregation.Decide(slots, decisions));
        decisions["provider-a"] = ApprovalDecisionKind.Approve;
        Assert.Equal(ProductComplianceOutcomeKind.ChangesRequested, ProductReviewAggregation.Decide(slots, decisions));
    }

    [Fact]
    public void Decide_AllApprove_Published()
    {
        var outcome = ProductReviewAggregation.Decide(["authority"], new Dictionary<string, ApprovalDecisionKind> { ["authority"] = ApprovalDecisionKind.Approve });

        Assert.Equal(ProductComplianceOutcomeKind.Published, outcome);
    }

    [Fact]
    public void Decide_NobodyAnswered_Undecided()
    {
        Assert.Null(ProductReviewAggregation.Decide(["authority"], new Dictionary<string, ApprovalDecisionKind>()));
    }
}
