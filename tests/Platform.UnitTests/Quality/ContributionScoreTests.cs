using Platform.UnitTests.Products;
using Moq;
using Platform.Domain.Calendar;
using Platform.Domain.Contribution;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Organizations;
using Platform.Domain.Products;
using Platform.Domain.Quality;
using Platform.Domain.Scenarios;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Functions.Contribution;
using Platform.Functions.Quality;
using Platform.UnitTests.DataRequests;
using Platform.UnitTests.Personnel;
using Xunit;

namespace Platform.UnitTests.Quality;

public sealed class ContributionScoreTests
{
    private static readonly DataQualityInputs NoIssues = new(2, 0, 0, 0, 0, 0, 0, 0);
    private static readonly ReviewTimelinessInputs NoReviews = new(0, 0, 0, null, 0);
    private static readonly UsageInputs NoUsage = new(0, 0, 0, 0);

    [Fact]
    public void DataQuality_NoIssues_FullMarksFromDensityAlone()
    {
        var component = ContributionScore.DataQuality(NoIssues, 0.4);

        Assert.Equal((true, 100.0), (component.Applicable, component.Score));
        Assert.Null(component.Parts["correctedOnTimeShare"]);
    }

    [Fact]
    public void DataQuality_OneCorrectedOnTimeOneOverdueOnOneResource_HalfDensityHalfShare()
    {
        var component = ContributionScore.DataQuality(new DataQualityInputs(1, 2, 1, 1, 0, 0, 1, 0), 0.4);

        // density 100 / (1 + 2) = 33.3; share 1 / 2 → 0.5 × 33.33 + 0.5 × 50 = 41.7
        Assert.Equal(41.7, component.Score);
        Assert.Equal(2.0, component.Parts["issuesPerResource"]);
        Assert.Equal(0.5, component.Parts["correctedOnTimeShare"]);
    }

    [Fact]
    public void DataQuality_TimelyOrLateDispute_TimelyCountsNeitherWayLateCountsAgainst()
    {
        var timely = ContributionScore.DataQuality(new DataQualityInputs(1, 2, 1, 1, 1, 1, 0, 0), 1);
        var late = ContributionScore.DataQuality(new DataQualityInputs(1, 2, 1, 1, 1, 0, 0, 0), 1);

        Assert.Equal(1.0, timely.Parts["correctedOnTimeShare"]);
        Assert.Equal(0.5, late.Parts["correctedOnTimeShare"]);
    }

    [Fact]
    public void DataQuality_NoResourcesNoIssues_DoesNotApply()
        => Assert.False(ContributionScore.DataQuality(new DataQualityInputs(0, 0, 0, 0, 0, 0, 0, 0), 1).Applicable);

    [Fact]
    public void Timeliness_AllOnTimeDecidedOnDayTwo_OnTimeRateAndSpeed()
    {
        var component = ContributionScore.Timeliness(new ReviewTimelinessInputs(4, 4, 0, 2, 0), 0.3);

        // speed 1 − 2 / 10 = 0.8 → 100 × (0.5 + 0.4) = 90
        Assert.Equal(90.0, component.Score);
        Assert.Equal(0.0, component.Parts["overdueRate"]);
    }

    [Fact]
    public void Timeliness_AllOverdueNoneDecided_Zero()
        => Assert.Equal(0.0, ContributionScore.Timeliness(new ReviewTimelinessInputs(2, 0, 2, null, 0), 1).Score);

    [Fact]
    public void Usage_HalfPoints_FiftyEach()
    {
        var component = ContributionScore.Usage(new UsageInputs(2, 2, 1, 1000), 0.3);

        Assert.Equal(50.0, component.Score);
        Assert.Equal(50.0, component.Parts["productCallsScore"]);
    }

    [Fact]
    public void Compute_ComponentWithoutFacts_ItsWeightIsLeftOut()
    {
        var report = ContributionScore.Compute("org-p", 2026, NoIssues, NoReviews, NoUsage, new ContributionWeights(0.4, 0.3, 0.3), DateTimeOffset.UnixEpoch);

        // data quality 100 (0.4), usage 0 (0.3), timeliness not applicable → 40 / 0.7 = 57.1
        Assert.Equal(57.1, report.Score);
        Assert.False(report.ReviewTimeliness.Applicable);
    }

    [Fact]
    public void Compute_WeightsAreConfiguration_ChangeTheTotal()
    {
        var onlyQuality = ContributionScore.Compute("org-p", 2026, NoIssues, NoReviews, NoUsage, new ContributionWeights(1, 0, 0), DateTimeOffset.UnixEpoch);
        var onlyUsage = ContributionScore.Compute("org-p", 2026, NoIssues, NoReviews, NoUsage, new ContributionWeights(0, 0, 1), DateTimeOffset.UnixEpoch);

        Assert.Equal((100.0, 0.0), (onlyQuality.Score, onlyUsage.Score));
    }

    [Fact]
    public void Compute_OnlyWeightedComponentDoesNotApply_NoScore()
        => Assert.Null(ContributionScore.Compute("org-p", 2026, NoIssues, NoReviews, NoUsage, new ContributionWeights(0, 1, 0), DateTimeOffset.UnixEpoch).Score);

    [Fact]
    public void ReviewWorkingDaysTaken_SubmittedAfterCutOffDecidedTwoWorkingDaysLater_Two()
    {
        // Monday 2026-03-02 17:30 CST → day 0 Tuesday; decided Thursday 03-05 → 2 working days.
        var submitted = new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);
        var decided = new DateTimeOffset(2026, 3, 5, 3, 0, 0, TimeSpan.Zero);

        Assert.Equal(2, ContributionScore.ReviewWorkingDaysTaken(submitted, decided, ShippedCalendars.Calendar));
        Assert.Equal(0, ContributionScore.ReviewWorkingDaysTaken(submitted, submitted.AddMinutes(10), ShippedCalendars.Calendar));
    }

    [Fact]
    public void CountTimeliness_MixedReviews_CountsDecidedOverdueAndLeavesOutCancelledAndNotDue()
    {
        var now = new DateTimeOffset(2026, 3, 20, 0, 0, 0, TimeSpan.Zero);
        var submitted = QualityTestWorld.MondayMorning;
        var due = QualityTestWorld.DueMonday;
        ReviewTimeliness Review(string id, DateTimeOffset? decided, bool overdue, bool late, bool cancelled, DateTimeOffset? submittedAt = null, DateTimeOffset? dueAt = null)
            => new("org-p", id, 2026, submittedAt ?? submitted, dueAt ?? due, DateOnly.FromDateTime(due.UtcDateTime), decided, overdue, late, cancelled);

        var inputs = ContributionScore.CountTimeliness(
        [
            Review("a", submitted.AddDays(1), false, false, false),
            Review("b", submitted.AddDays(3), false, false, false),
            Review("c", due.AddDays(1), true, true, false),
            Review("d", null, true, false, false),
            Review("e", null, false, false, true),
            Review("f", null, false, false, false, now.AddDays(-1), now.AddDays(5)),
        ], ShippedCalendars.Calendar, now, TimeCompression.None);

        Assert.Equal(new ReviewTimelinessInputs(4, 3, 2, 3, 1), inputs);
    }

    [Fact]
    public void Median_EvenOddOrEmpty_MiddleAverageOrNull()
    {
        Assert.Equal(2.5, ContributionScore.Median([4, 1, 2, 3]));
        Assert.Equal(3, ContributionScore.Median([5, 3, 1]));
        Assert.Null(ContributionScore.Median([]));
    }

    [Fact]
    public async Task Service_OtherProviderOrOperator_NotFound()
    {
        var service = Service(new QualityTestWorld(), out _);

        var other = await Assert.ThrowsAsync<DomainException>(() => service.GetAsync(QualityTestWorld.ProviderOrg, null, QualityTestWorld.OtherProvider));
        var operatorCaller = await Assert.ThrowsAsync<DomainException>(() => service.GetAsync(QualityTestWorld.ProviderOrg, null, QualityTestWorld.Operator));

        Assert.Equal(("organization.not_found", FailureKind.NotFound), (other.Code, other.Kind));
        Assert.Equal("organization.not_found", operatorCaller.Code);
    }

    [Fact]
    public async Task Service_TicketsOfTheYear_CountedWithInputsShownAndProductsFromTheReadModel()
    {
        var world = new QualityTestWorld();
        await world.RaiseAsync();
        await world.Service.AcknowledgeAsync("qis-1", null, QualityTestWorld.Provider);
        await world.Service.ResolveAsync("qis-1", new QualityResolutionDraft(QualityResolutionOutcome.Corrected, "已更正", null), null, QualityTestWorld.Provider, world.Workflows.Object);
        await world.RaiseAsync();
        world.Clock.UtcNow = QualityTestWorld.DueMonday.AddDays(1);
        var service = Service(world, out var products);

        var report = await service.GetAsync(QualityTestWorld.ProviderOrg, null, QualityTestWorld.Provider);

        Assert.Equal(2026, report.Year);
        Assert.Equal(new DataQualityInputs(1, 2, 1, 1, 0, 0, 1, 0), report.DataQuality.Inputs);
        Assert.Equal(41.7, report.DataQuality.Score);
        Assert.Equal(new UsageInputs(0, 0, 3, 500), report.Usage.Inputs);
        products.Verify(p => p.CountForProviderAsync(QualityTestWorld.ProviderOrg, 2026, It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task Service_NoProductsOnTheData_ProductsCountZero()
    {
        var world = new QualityTestWorld();
        var service = Service(world, out _, withProducts: false);

        var report = await service.GetAsync(QualityTestWorld.ProviderOrg, 2026, QualityTestWorld.Authority);

        Assert.Equal((0, 0L), (report.Usage.Inputs.Products, report.Usage.Inputs.ProductCalls));
    }

    [Fact]
    public async Task Service_FutureYear_BadRequest()
    {
        var service = Service(new QualityTestWorld(), out _);

        var failure = await Assert.ThrowsAsync<DomainException>(() => service.GetAsync(QualityTestWorld.ProviderOrg, 2030, QualityTestWorld.Authority));

        Assert.Equal((FailureKind.BadRequest, "request.invalid_query"), (failure.Kind, failure.Code));
    }

    [Theory]
    [InlineData(-0.1, 0.3, 0.3, "Contribution:DataQualityWeight")]
    [InlineData(0.4, double.NaN, 0.3, "Contribution:ReviewTimelinessWeight")]
    [InlineData(0, 0, 0, "must not all be 0")]
    public void ContributionOptions_Invalid_FailNamingTheSetting(double quality, double timeliness, double usage, string expected)
    {
        var result = new ContributionOptionsValidator().Validate(null, new ContributionOptions { DataQualityWeight = quality, ReviewTimelinessWeight = timeliness, UsageWeight = usage });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ContributionOptions_Defaults_Valid()
        => Assert.True(new ContributionOptionsValidator().Validate(null, new ContributionOptions()).Succeeded);

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(5, true)]
    [InlineData(61, false)]
    public void QualityOptions_CorrectionWorkingDays_Range(int days, bool valid)
    {
        var result = new QualityOptionsValidator().Validate(null, new QualityOptions { CorrectionWorkingDays = days });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Quality:CorrectionWorkingDays", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    private static ContributionService Service(QualityTestWorld world, out Mock<IProductReadModel> products, bool withProducts = true)
    {
        var organizations = new Mock<IOrganizationStore>();
        organizations.Setup(o => o.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, CancellationToken _) => new Versioned<Organization>(
                new Organization(id, $"单位{id}", OrganizationKind.Provider, "91420100MA4K0000X0", "420100", DateTimeOffset.UnixEpoch, "seed", null), "e1"));
        var scenarios = new Mock<IScenarioStore>();
        scenarios.Setup(s => s.ListAsync(null, It.IsAny<int>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(((IReadOnlyList<Scenario>)[], (string?)null));
        var calendars = new Mock<ICalendarStore>();
        calendars.Setup(c => c.LoadAsync(It.IsAny<int>(), It.IsAny<int>(), It.IsAny<CancellationToken>())).ReturnsAsync(ShippedCalendars.Calendar);
        products = new Mock<IProductReadModel>();
        products.Setup(p => p.CountForProviderAsync(It.IsAny<string>(), It.IsAny<int>(), It.IsAny<CancellationToken>())).ReturnsAsync(new ProductActivityCounts(4, 3, 500));
        return new ContributionService(organizations.Object,
            new ProviderQualityFacts(world.Store, world.Resources),
            new ProviderTimelinessFacts(new InMemoryTimelinessStore(), calendars.Object),
            new ProviderUsageFacts(scenarios.Object, new InMemoryGrantStore(), withProducts ? products.Object : EmptyProductReadModel.Instance),
            world.Clock, world.Compression, ContributionWeights.Default);
    }
}
