using Platform.UnitTests.Products;
using Moq;
using Platform.Domain.DataRequests;
using Platform.Domain.Grants;
using Platform.Domain.Oversight;
using Platform.Domain.Products;
using Platform.Domain.Reports;
using Platform.Domain.Sandbox;
using Platform.Domain.Scenarios;
using Xunit;
using static Platform.UnitTests.Reports.ReportTestWorld;

namespace Platform.UnitTests.Reports;

public sealed class OperatorActivityCounterTests
{
    private readonly Mock<IScenarioStore> _scenarios = new();
    private readonly Mock<IDataRequestStore> _requests = new();
    private readonly Mock<IGrantStore> _grants = new();
    private readonly Mock<ISandboxJobStore> _jobs = new();
    private readonly Mock<IIncidentStore> _incidents = new();

    public OperatorActivityCounterTests()
    {
        _scenarios.Setup(s => s.ListActiveBetweenAsync(It.IsAny<string?>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([Scenario("scn-1", "org-1", Cst(2026, 5, 1)), Scenario("scn-2", "org-2", Cst(2026, 5, 1)), Scenario("scn-3", "org-2", Cst(2026, 6, 1))]);
        _requests.Setup(s => s.ListActiveBetweenAsync(It.IsAny<string?>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _grants.Setup(s => s.ListIssuedBetweenAsync(It.IsAny<string?>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _jobs.Setup(s => s.ListSubmittedBetweenAsync(It.IsAny<string?>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _incidents.Setup(s => s.ListReportedBetweenAsync(It.IsAny<string?>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
    }

    [Fact]
    public async Task CountAsync_ManyOperators_ReadsEachTableOnceForTheCstYear()
    {
        var counter = new OperatorActivityCounter(_scenarios.Object, _requests.Object, _grants.Object, _jobs.Object, _incidents.Object, EmptyProductReadModel.Instance);

        var counts = await counter.CountAsync(["org-1", "org-2", "org-3"], 2026);

        Assert.Equal((1, 2, 0), (counts["org-1"].ScenariosSubmitted, counts["org-2"].ScenariosSubmitted, counts["org-3"].ScenariosSubmitted));
        _scenarios.Verify(s => s.ListActiveBetweenAsync(null, AnnualReportCalendar.YearStartUtc(2026), AnnualReportCalendar.YearEndUtc(2026), It.IsAny<CancellationToken>()), Times.Once);
        _jobs.Verify(s => s.ListSubmittedBetweenAsync(null, It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task CountAsync_OneOperator_AsksTheStoresForThatOperatorOnly()
    {
        var counter = new OperatorActivityCounter(_scenarios.Object, _requests.Object, _grants.Object, _jobs.Object, _incidents.Object, EmptyProductReadModel.Instance);

        await counter.CountAsync("org-1", 2026);

        _scenarios.Verify(s => s.ListActiveBetweenAsync("org-1", It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Once);
        _incidents.Verify(s => s.ListReportedBetweenAsync("org-1", It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task CountAsync_WithProductReadModel_ProductFiguresFromIt()
    {
        var products = new Mock<IProductReadModel>();
        products.Setup(p => p.CountForOwnerAsync("org-1", 2026, It.IsAny<CancellationToken>())).ReturnsAsync(new ProductActivityCounts(4, 2, 12_345));
        var counter = new OperatorActivityCounter(_scenarios.Object, _requests.Object, _grants.Object, _jobs.Object, _incidents.Object, products.Object);

        var counts = await counter.CountAsync("org-1", 2026);

        Assert.Equal((4, 2, 12_345L), (counts.ProductsSubmitted, counts.ProductsPublished, counts.ProductCalls));
    }

    [Fact]
    public async Task CountAsync_NoProducts_ProductFiguresZero()
    {
        var counter = new OperatorActivityCounter(_scenarios.Object, _requests.Object, _grants.Object, _jobs.Object, _incidents.Object, EmptyProductReadModel.Instance);

        var counts = await counter.CountAsync("org-1", 2026);

        Assert.Equal((0, 0, 0L), (counts.ProductsSubmitted, counts.ProductsPublished, counts.ProductCalls));
    }
}
